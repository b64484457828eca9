import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

@testable import History

/// Rebase keeps what a base changed between two commits in the store's cache: a later
/// rebase onto the same base reads it instead of building the old base's tree, a damaged
/// file is rebuilt, and gc drops it with the layers it names.
@Suite struct RebaseCacheTests {
  @Test func baseChangesAreCachedCheckedAndCollected() throws {
    let f = try Fixture()
    let b = ImageBuilder(store: f.store)
    let base1 = try f.store.image(try f.store.tag(try TagName(parsing: "base:1")).descriptor)
    try b.image(
      base: base1, [.layer("RUN apt-get upgrade", ["bin/sh": "sh 2", "etc/new": "n"], at: 8)], tag: "base:2")
    try b.image(base: base1, [.layer("RUN patch sh", ["bin/sh": "mine"], at: 9)], tag: "mine:1")
    func rebase(_ repo: Repository, to tag: String) throws -> [String] {
      try repo.rebase(
        onto: .name("base:2"), old: .name("base:1"), image: .name("mine:1"), tag: try TagName(parsing: tag),
        strict: false
      ).conflicts.map(\.path)
    }
    #expect(try rebase(f.repo, to: "r:1") == ["bin/sh"])
    let folder = f.store.path + "/.imggit/cache/base-changes"
    let files = try FileManager.default.contentsOfDirectory(atPath: folder)
    #expect(files.count == 1)
    let path = folder + "/" + files[0]
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasSuffix("A\tetc/new\nM\tbin/sh\n") || text.hasSuffix("M\tbin/sh\nA\tetc/new\n"))

    // A fresh command believes the cache (here told that bin/sh did not change) ...
    try Data(text.replacingOccurrences(of: "M\tbin/sh\n", with: "").utf8).write(
      to: URL(fileURLWithPath: path))
    #expect(try rebase(Repository(store: f.store), to: "r:2") == [])
    // ... and rebuilds a file that is damaged or names other layers.
    for damaged in [
      String(text.dropLast()), text.replacingOccurrences(of: "old sha256:", with: "old sha256:0"), "x",
    ] {
      try Data(damaged.utf8).write(to: URL(fileURLWithPath: path))
      #expect(try rebase(Repository(store: f.store), to: "r:3-\(damaged.count)") == ["bin/sh"])
      #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    // gc keeps it while base:2 is reachable, and drops it with base:2's layer.
    #expect(try Repository(store: f.store).gc(dryRun: false, expireReflog: nil, grace: 0).caches == 0)
    let repo = Repository(store: f.store)
    try repo.deleteTags(try repo.tags().map(\.name).filter { $0.description == "base:2" || $0.name == "r" })
    let report = try Repository(store: f.store).gc(dryRun: false, expireReflog: 0, grace: 0)
    #expect(report.caches >= 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
  }
}
