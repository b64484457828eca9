import Foundation
import ImageModel
import TestSupport
import Testing

@testable import ImageStore

@Suite struct StoreTests {
  @Test func initCreatesALayoutOthersRead() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    #expect(FileManager.default.fileExists(atPath: store.path + "/blobs/sha256"))
    let layout = try String(contentsOfFile: store.path + "/oci-layout", encoding: .utf8)
    #expect(layout.contains("\"imageLayoutVersion\":\"1.0.0\""))
    #expect(try store.readIndex().manifests.isEmpty)
    // Opening again finds it; a folder with other content is refused.
    _ = try Store(path: tmp.sub("s"), create: false)
    FileManager.default.createFile(atPath: tmp.sub("other"), contents: Data("x".utf8))
    #expect(throws: StoreError.notALayout(path: tmp.path)) { try Store(path: tmp.path, create: true) }
    #expect(throws: StoreError.self) { try Store(path: tmp.sub("missing"), create: false) }
  }

  @Test func blobsAreVerifiedOnRead() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let (digest, size) = try store.writeBlob(Data("hello".utf8))
    #expect(size == 5)
    #expect(try store.readBlob(digest, size: 5) == Data("hello".utf8))
    #expect(throws: StoreError.sizeMismatch(digest, expected: 6, actual: 5, path: store.blobPath(digest))) {
      try store.readBlob(digest, size: 6)
    }
    try Data("jello".utf8).write(to: URL(fileURLWithPath: store.blobPath(digest)))
    #expect(
      throws: StoreError.blobCorrupt(
        digest, actual: Digest(of: Data("jello".utf8)), path: store.blobPath(digest))
    ) { try store.readBlob(digest) }
    #expect(throws: StoreError.self) { try store.verifyBlob(digest) }
    let missing = Digest(of: Data("nothing".utf8))
    #expect(throws: StoreError.blobMissing(missing, path: store.blobPath(missing))) {
      try store.readBlob(missing)
    }
  }

  @Test func anUnfinishedBlobLeavesNothingBehind() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    do {
      let writer = try store.blobWriter()
      try writer.write(Data("partial".utf8))
      #expect(throws: StoreError.self) { try writer.finish(expected: Digest(of: Data("other".utf8))) }
    }
    #expect(try store.blobs().isEmpty)
    #expect(FileManager.default.subpaths(atPath: store.path + "/.imggit/tmp")?.isEmpty ?? true)
  }

  @Test func tagMovesAreRecordedInTheReflog() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let b = ImageBuilder(store: store)
    let one = try b.image([.layer("ADD a", ["a": "1"])])
    let two = try b.image([.layer("ADD b", ["b": "2"])])
    let tag = try TagName(parsing: "x/app:1")
    try store.update(command: "first") { $0.set(tag, to: one) }
    try store.update(command: "second") { $0.set(tag, to: two) }
    try store.update(command: "same again") { $0.set(tag, to: two) }
    try store.update(command: "delete") { try $0.delete(tag) }
    let log = try store.reflog(tag)
    #expect(log.map(\.command) == ["delete", "second", "first"])
    #expect(log[0].new == nil && log[0].old?.digest == two.digest)
    #expect(log[1].new?.digest == two.digest && log[1].old?.digest == one.digest)
    #expect(try store.reflogTags() == [tag])
    #expect(try store.tags().isEmpty)
    // A failing update writes nothing.
    let before = try snapshot(store.path)
    #expect(throws: StoreError.self) {
      try store.update(command: "bad") { u in
        u.set(try TagName(parsing: "y:1"), to: one)
        try u.delete(try TagName(parsing: "nope:1"))
      }
    }
    #expect(
      try snapshot(store.path).filter { !$0.key.hasPrefix(".imggit/tmp") }
        == before.filter { !$0.key.hasPrefix(".imggit/tmp") })
  }

  @Test func concurrentWritersNeverLoseATagUpdate() async throws {
    let tmp = try TempDirectory()
    let path = tmp.sub("s")
    let store = try Store(path: path, create: true)
    let d = try ImageBuilder(store: store).image([.layer("ADD a", ["a": "1"])])
    try await withThrowingTaskGroup(of: Void.self) { group in
      for n in 0..<40 {
        group.addTask {
          // A separate Store per task: separate lock file descriptions, as separate processes.
          let s = try Store(path: path, create: false)
          try s.update(command: "t\(n)") { $0.set(try TagName(parsing: "img:\(n)"), to: d) }
        }
      }
      try await group.waitForAll()
    }
    #expect(try store.tags().count == 40)
  }

  @Test func tagsFromOtherToolsAreRead() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let d = try ImageBuilder(store: store).image([.layer("ADD a", ["a": "1"])])
    var index = try store.readIndex()
    var full = d
    full.annotations = [Tag.containerdName: "docker.io/library/debian:12", Tag.refName: "12"]
    var plain = d
    plain.annotations = [Tag.refName: "app:1"]
    index.manifests = [full, plain, d]
    try CanonicalJSON.encode(index).write(to: URL(fileURLWithPath: store.path + "/index.json"))
    #expect(try store.tags().map(\.name.description) == ["app:1", "debian:12"])
    // Moving such a tag keeps the other tool's annotations.
    let other = try ImageBuilder(store: store).image([.layer("ADD b", ["b": "1"])])
    try store.update(command: "move") { $0.set(try TagName(parsing: "debian:12"), to: other) }
    let entry = try store.readIndex().manifests.first { $0.digest == other.digest }
    #expect(entry?.annotations?[Tag.containerdName] == "docker.io/library/debian:12")
  }
}
