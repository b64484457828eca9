import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

@testable import History

/// The store's promises under faults: gc fails closed and keeps what any root reaches, the
/// reflog survives torn writes and never names a move that did not happen, and tag moves
/// are compare-and-swap.
@Suite struct IntegrityTests {
  func tag(_ s: String) throws -> TagName { try TagName(parsing: s) }

  /// Makes a blob old enough for gc's grace period.
  func age(_ f: Fixture, _ d: Digest) {
    var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
    _ = utimensat(AT_FDCWD, f.store.blobPath(d), &times, 0)
  }

  @Test func gcKeepsWhatAnArtifactOrAnIndexOfIndexesReaches() throws {
    let f = try Fixture()
    // An artifact manifest of a type imggit does not model, with a config and a "layer".
    let payload = try f.store.writeBlob(Data("a signature".utf8))
    let cfg = try f.store.writeBlob(Data("{}".utf8))
    let artifact = Data(
      """
      {"schemaVersion":2,"mediaType":"application/vnd.example.artifact.v1+json",\
      "config":{"mediaType":"application/vnd.example.config","digest":"\(cfg.digest)","size":\(cfg.size)},\
      "blobs":[{"mediaType":"application/octet-stream","digest":"\(payload.digest)","size":\(payload.size)}]}
      """.utf8)
    let a = try f.store.writeBlob(artifact)
    // An index of an index of app:1's manifest.
    let app = try f.store.tag(try tag("app:1")).descriptor.bare
    let inner = try f.store.writeBlob(try CanonicalJSON.encode(ImageIndex(manifests: [app])))
    let outerIndex = ImageIndex(manifests: [
      Descriptor(mediaType: MediaType.ociIndex, digest: inner.digest, size: inner.size)
    ])
    let outer = try f.store.writeBlob(try CanonicalJSON.encode(outerIndex))
    try f.store.update(command: "test") {
      $0.set(
        try tag("sig:1"),
        to: Descriptor(mediaType: "application/vnd.example.artifact.v1+json", digest: a.digest, size: a.size))
      $0.set(
        try tag("nest:1"),
        to: Descriptor(mediaType: MediaType.ociIndex, digest: outer.digest, size: outer.size))
      try $0.delete(try tag("app:1"))
    }
    for d in try f.store.blobs() { age(f, d) }
    let report = try Repository(store: f.store).gc(dryRun: false, expireReflog: 0, grace: 0)
    for d in [payload.digest, cfg.digest, a.digest, inner.digest, outer.digest, app.digest] {
      #expect(f.store.hasBlob(d), "gc deleted \(d)")
    }
    #expect(report.blobs.isEmpty)
    #expect(Repository(store: f.store).fsck().problems.isEmpty)
  }

  @Test func gcStopsOnAnUnreadableReflogFolderAndDeletesNothing() throws {
    let f = try Fixture()
    // Only the reflog keeps tool:1 once its tag is gone.
    try f.repo.deleteTags([try tag("tool:1")])
    for d in try f.store.blobs() { age(f, d) }
    let logs = f.store.path + "/.imggit/logs"
    try FileManager.default.moveItem(atPath: logs, toPath: logs + ".saved")
    try Data("not a folder".utf8).write(to: URL(fileURLWithPath: logs))
    let before = try snapshot(f.store.path + "/blobs")
    #expect(throws: StoreError.self) {
      try Repository(store: f.store).gc(dryRun: false, expireReflog: nil, grace: 0)
    }
    #expect(try snapshot(f.store.path + "/blobs") == before)
    #expect(!Repository(store: f.store).fsck().problems.isEmpty)
  }

  @Test func aTornReflogLineIsSkippedAndCutOffByTheNextMove() throws {
    let f = try Fixture()
    let app = try tag("app:1")
    try f.repo.reset(app, to: try Revision(parsing: "app:1~1"))
    let path = f.store.path + "/.imggit/logs/app%3A1"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"command":"reset app:1 app:1~2","new":{"dig"#.utf8))
    try handle.close()
    #expect(try f.store.reflog(app).count == 2)
    #expect(Repository(store: f.store).fsck().problems.isEmpty)
    try Repository(store: f.store).reset(app, to: try Revision(parsing: "app:1@{1}"))
    let entries = try f.store.reflog(app)
    #expect(entries.map(\.command) == ["reset app:1 app:1@{1}", "reset app:1 app:1~1", "test"])
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 3 && text.hasSuffix("\n"))
  }

  @Test func aMoveWhoseReflogCannotBeWrittenIsJournalledAndCompletedLater() throws {
    let f = try Fixture()
    let app = try tag("app:1")
    let target = try f.repo.materialize(try f.repo.resolve(try Revision(parsing: "app:1~2")))
    // The reflog opens for writing but its append fails after the move, as on a full disk
    // (a tmpfs filled to its last page over the logs folder; the entry is longer than a
    // page, so it needs a new one). A reflog that cannot be opened at all refuses the move
    // instead (StoreFaultTests).
    guard let restore = try fillFolder(f.store.path + "/.imggit/logs") else {
      return print("the journal part of IntegrityTests skipped: cannot mount a tmpfs here")
    }
    let command = "reset app:1 " + String(repeating: "x", count: 5_000)
    try f.store.update(command: command) { $0.set(app, to: target) }
    #expect(f.store.hasInterruptedUpdate)
    restore()
    // Readers see the move already; fsck says an update waits, and finds no problem.
    #expect(try f.store.reflog(app).map(\.command) == [command, "test"])
    let report = Repository(store: f.store).fsck()
    #expect(report.problems.isEmpty)
    #expect(report.warnings.contains { $0.message.contains("interrupted") })
    // The next update appends it for good.
    try Repository(store: f.store).createTag(try tag("x:1"), at: .name("base:1"))
    #expect(!f.store.hasInterruptedUpdate)
    #expect(try f.store.reflog(app).map(\.command) == [command, "test"])
    #expect(Repository(store: f.store).fsck().warnings.isEmpty)
  }

  @Test func anIndexThatCannotBeReplacedLeavesNoPhantomReflogEntry() throws {
    let f = try Fixture()
    let app = try tag("app:1")
    let index = f.store.path + "/index.json"
    guard (try? run("/usr/bin/chattr", ["+i", index]))?.status == 0 else {
      Issue.record("chattr +i is not allowed here; cannot make index.json immutable")
      return
    }
    defer { _ = try? run("/usr/bin/chattr", ["-i", index]) }
    let before = try f.store.reflog(app)
    #expect(throws: StoreError.self) { try f.repo.reset(app, to: try Revision(parsing: "app:1~2")) }
    _ = try? run("/usr/bin/chattr", ["-i", index])
    #expect(try f.store.reflog(app) == before)
    #expect(try !f.store.hasInterruptedUpdate || f.store.reflog(app) == before)
    let r = Repository(store: f.store).fsck()
    #expect(r.problems.isEmpty && r.warnings.filter { !$0.message.contains("interrupted") }.isEmpty)
  }

  @Test func aTagMovedMeanwhileFailsTheRewriteAndChangesNothing() throws {
    let f = try Fixture()
    let app = try tag("app:1")
    let slow = Repository(store: f.store)
    let ref = try slow.resolve(.name("app:1"))
    // Another command moves app:1 after `slow` read it.
    try Repository(store: f.store).reset(app, to: try Revision(parsing: "app:1~1"))
    let moved = try f.store.tag(app).descriptor.digest
    var request = CommitRequest(message: "ENV X=1")
    request.env = ["X=1"]
    #expect(throws: StoreError.tagMoved(app, expected: ref.image.descriptor.digest, actual: moved)) {
      try slow.commit(onto: .name("app:1"), tag: nil, request)
    }
    #expect(try f.store.tag(app).descriptor.digest == moved)
    #expect(try f.store.reflog(app).count == 2)
  }

  @Test func readingEveryDateFormatImagesUse() {
    #expect(Dates.parse("2024-05-01T10:00:00Z")?.timeIntervalSince1970 == 1_714_557_600)
    #expect(Dates.parse("2024-05-01T10:00:00.123456789Z")?.timeIntervalSince1970.rounded() == 1_714_557_600)
    #expect(Dates.parse("2024-05-01T12:00:00+02:00")?.timeIntervalSince1970 == 1_714_557_600)
    #expect(Dates.parse("yesterday") == nil)
  }
}
