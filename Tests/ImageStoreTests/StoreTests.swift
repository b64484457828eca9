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
    _ = FileManager.default.createFile(atPath: tmp.sub("other"), contents: Data("x".utf8))
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

  /// An update reads only the end of a reflog (64 KiB blocks from the end): a long reflog
  /// with a torn last line is still cut back and appended to, and an interrupted update
  /// still completes against it.
  @Test func aLongReflogIsAppendedToFromItsEnd() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let b = ImageBuilder(store: store)
    let one = try b.image([.layer("ADD a", ["a": "1"])])
    let two = try b.image([.layer("ADD b", ["b": "2"])])
    let tag = try TagName(parsing: "app:1")
    try store.update(command: "move 0") { $0.set(tag, to: one) }
    try store.update(command: "move 1") { $0.set(tag, to: two) }
    let path = store.reflogPath(tag)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    // 1,000 moves of about 250 bytes: the file spans several blocks.
    var text = ""
    for n in 0..<1000 {
      text += lines[n % 2].replacingOccurrences(of: "move \(n % 2)", with: "move \(n)") + "\n"
    }
    text += #"{"command":"cut short","new":{"dig"#
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try store.reflog(tag).count == 1000)
    try store.update(command: "after") { $0.set(tag, to: one) }
    var log = try store.reflog(tag)
    #expect(log.count == 1001)
    #expect(log.prefix(2).map(\.command) == ["after", "move 999"] && log.last?.command == "move 0")
    // The reflog cannot be appended to (a full disk: a tmpfs filled to its last page over
    // the logs folder, and an entry longer than a page): the move waits in the journal, and
    // the next update appends it to the long reflog, once.
    guard let restore = try fillFolder((path as NSString).deletingLastPathComponent) else {
      return print("the journal part of aLongReflogIsAppendedToFromItsEnd skipped: cannot mount a tmpfs here")
    }
    let journalled = "journalled " + String(repeating: "x", count: 5_000)
    try store.update(command: journalled) { $0.set(tag, to: two) }
    #expect(store.hasInterruptedUpdate)
    restore()
    try store.update(command: "other") { $0.set(try TagName(parsing: "x:1"), to: one) }
    #expect(!store.hasInterruptedUpdate)
    log = try store.reflog(tag)
    #expect(log.count == 1002 && log.prefix(2).map(\.command) == [journalled, "after"])
    let written = try String(contentsOfFile: path, encoding: .utf8)
    #expect(written.hasSuffix("\n") && written.split(separator: "\n").count == 1002)
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
    // Two entries naming one tag: the first is the tag; deleting it leaves the second.
    var twice = d
    twice.annotations = [Tag.refName: "debian:12"]
    index = try store.readIndex()
    index.manifests.append(twice)
    try CanonicalJSON.encode(index).write(to: URL(fileURLWithPath: store.path + "/index.json"))
    let debian = try TagName(parsing: "debian:12")
    #expect(try store.tag(debian).descriptor.digest == other.digest)
    try store.update(command: "delete") { u in
      #expect(u.current(debian)?.digest == other.digest)
      try u.delete(debian)
      #expect(u.current(debian)?.digest == d.digest)
      u.set(try TagName(parsing: "new:1"), to: other)
      #expect(u.current(try TagName(parsing: "new:1"))?.digest == other.digest)
    }
    #expect(try store.tag(debian).descriptor.digest == d.digest)
  }
}
