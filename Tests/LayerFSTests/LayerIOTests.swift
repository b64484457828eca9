import Foundation
import ImageModel
import ImageStore
import TarStream
import TestSupport
import Testing

@testable import LayerFS

func rawLayer(_ store: Store, _ headers: [(TarEntry, String?)]) throws -> Descriptor {
  try ImageBuilder(store: store).rawLayer(headers)
}

@Suite struct LayerIOTests {
  @Test(arguments: [LayerCompression.gzip, .zstd, .none])
  func writtenLayersReadBackAndAreReproducible(compression: LayerCompression) throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    var link = FileEntry(path: "bin/sh", type: .symlink, mode: 0o777, mtime: 5)
    link.link = "dash"
    let entries = [
      LayerEntry(FileEntry(path: "bin", type: .directory, mode: 0o755, mtime: 5)),
      LayerEntry(
        FileEntry(path: "bin/dash", type: .regular, mode: 0o755, size: 4, mtime: 5),
        content: .bytes(Data("dash".utf8))),
      LayerEntry(link),
      LayerEntry(
        FileEntry(
          path: "日本/" + String(repeating: "n", count: 200) + "/long", type: .regular, mode: 0o644, size: 1,
          mtime: 5), content: .bytes(Data("l".utf8))),
      .whiteout("old/thing", mtime: 5),
    ]
    let writer = LayerWriter(store: store, compression: compression)
    let one = try writer.write(entries.reversed())
    let two = try writer.write(entries)
    #expect(one.descriptor == two.descriptor)
    #expect(one.descriptor.mediaType == compression.ociMediaType)
    // Reading verifies the digest and the DiffID.
    let index = try LayerIndexer(store: store).build(
      Layer(descriptor: one.descriptor, diffID: one.diffID, position: 0))
    #expect(
      index.entries.map(\.path)
        == [
          "bin", "bin/dash", "bin/sh", "日本", "日本/" + String(repeating: "n", count: 200),
          "日本/" + String(repeating: "n", count: 200) + "/long",
        ].filter { p in index.entries.contains { $0.path == p } })
    #expect(index.whiteouts == ["old/thing"])
    #expect(index.entries.first { $0.path == "bin/dash" }?.sha256 == Digest(of: Array("dash".utf8)).hex)
    // A wrong DiffID is caught.
    #expect(
      throws: LayerFSError.diffIDMismatch(
        layer: one.descriptor.digest, expected: Digest(of: Data()), actual: one.diffID)
    ) {
      try LayerIndexer(store: store).build(
        Layer(descriptor: one.descriptor, diffID: Digest(of: Data()), position: 0))
    }
  }

  @Test func indexesAreCachedSoLaterReadsNeedNoLayerBytes() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let l = try rawLayer(store, [(TarEntry(path: "a", type: .regular), "hello")])
    let indexer = LayerIndexer(store: store)
    let first = try indexer.index(Layer(descriptor: l, diffID: l.digest, position: 0))
    try FileManager.default.removeItem(atPath: store.blobPath(l.digest))
    let cached = try indexer.index(Layer(descriptor: l, diffID: l.digest, position: 0))
    #expect(cached.entries == first.entries)
    // A damaged cache is rebuilt (here it cannot be: the blob is gone, and that is reported).
    store.cache("layers").write(Data("garbage".utf8), "\(l.digest.hex).idx")
    #expect(throws: StoreError.self) {
      try indexer.index(Layer(descriptor: l, diffID: l.digest, position: 0))
    }
  }

  @Test func corruptLayersNameTheirDigest() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    // A gzip stream broken in the middle, stored under its own (matching) digest.
    let good = try LayerWriter(store: store, compression: .gzip).write([
      LayerEntry(
        FileEntry(path: "f", type: .regular, mode: 0o644, size: 100_000),
        content: .bytes(Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })))
    ])
    var bytes = try Data(contentsOf: URL(fileURLWithPath: store.blobPath(good.descriptor.digest)))
    bytes[bytes.count / 2] ^= 0xff
    let (bad, size) = try store.writeBlob(bytes)
    let badLayer = Descriptor(mediaType: MediaType.ociLayerGzip, digest: bad, size: size)
    #expect {
      try LayerIndexer(store: store).build(Layer(descriptor: badLayer, diffID: good.diffID, position: 0))
    } throws: {
      "\($0)".contains(bad.description)
    }
    // A tar header whose checksum is wrong.
    let plain = try rawLayer(
      store, [(TarEntry(path: "a", type: .regular), "hello"), (TarEntry(path: "b", type: .regular), "world")])
    var tar = try Data(contentsOf: URL(fileURLWithPath: store.blobPath(plain.digest)))
    tar[1024 + 3] ^= 0x01  // second header's name
    let (broken, brokenSize) = try store.writeBlob(tar)
    let brokenLayer = Descriptor(mediaType: MediaType.ociLayer, digest: broken, size: brokenSize)
    #expect {
      try LayerIndexer(store: store).build(Layer(descriptor: brokenLayer, diffID: broken, position: 0))
    } throws: {
      guard case LayerFSError.unreadableLayer(let layer, _) = $0 else { return false }
      return layer == broken
    }
    // A tar cut inside a file's data.
    let long = try rawLayer(
      store, [(TarEntry(path: "big", type: .regular), String(repeating: "z", count: 4000))])
    let longTar = try Data(contentsOf: URL(fileURLWithPath: store.blobPath(long.digest)))
    let (cut, cutSize) = try store.writeBlob(longTar.prefix(2000))
    let cutLayer = Descriptor(mediaType: MediaType.ociLayer, digest: cut, size: cutSize)
    #expect {
      try LayerIndexer(store: store).build(Layer(descriptor: cutLayer, diffID: cut, position: 0))
    } throws: {
      guard case LayerFSError.unreadableLayer(let layer, _) = $0 else { return false }
      return layer == cut
    }
  }

  @Test func unsafePathsInLayersAreRefused() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    for bad in ["../escape", "/etc/abs", "a/../../x"] {
      let l = try rawLayer(store, [(TarEntry(path: bad, type: .regular), "x")])
      #expect {
        try LayerIndexer(store: store).build(Layer(descriptor: l, diffID: l.digest, position: 0))
      } throws: {
        "\($0)".contains("unsafe path")
      }
    }
  }

  @Test func extractionNeverFollowsASymlinkOutOfTheFolder() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let outside = tmp.sub("outside")
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    let target = tmp.sub("target")
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: target + "/etc", withDestinationPath: outside)
    let l = try rawLayer(store, [(TarEntry(path: "etc/passwd", type: .regular), "root::0:0")])
    // Writing straight through the symlink is refused...
    let sink = try DirectorySink(path: target)
    #expect {
      try sink.file(FileEntry(path: "etc/passwd", type: .regular, mode: 0o644, size: 1)) { write in
        try Data("x".utf8).withUnsafeBytes { try write($0) }
      }
    } throws: { "\($0)".contains("refusing to write \"etc/passwd\"") }
    // ...and extracting a layer replaces the symlink with a real folder, as tar does.
    try Extractor(store: store).extractLayer(
      Layer(descriptor: l, diffID: l.digest, position: 0), paths: [], into: try DirectorySink(path: target),
      keepWhiteouts: false)
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    #expect(try String(contentsOfFile: target + "/etc/passwd", encoding: .utf8) == "root::0:0")
    #expect(
      (try FileManager.default.attributesOfItem(atPath: target + "/etc"))[.type] as? FileAttributeType
        == .typeDirectory)
  }
}

@Suite struct VerifiedLayersTests {
  /// The second read of a layer in one command skips the hashes only while the blob is the
  /// file the first read checked: rewritten (same size, a byte changed), it is verified
  /// again and the damage named.
  @Test func aBlobChangedAfterItsCheckIsCheckedAgain() throws {
    let tmp = try TempDirectory()
    let store = try Store(path: tmp.sub("s"), create: true)
    let big = String(repeating: "verified ", count: 50_000)
    let written = try LayerWriter(store: store, compression: .gzip).write([
      LayerEntry(
        FileEntry(path: "a", type: .regular, mode: 0o644, size: Int64(big.utf8.count), mtime: 5),
        content: .bytes(Data(big.utf8)))
    ])
    let layer = Layer(descriptor: written.descriptor, diffID: written.diffID, position: 0)
    let verified = VerifiedLayers()
    let path = store.blobPath(layer.digest)
    func isKnown() throws -> Bool {
      let fd = open(path, O_RDONLY)
      defer { close(fd) }
      return verified.contains(layer, fd: fd)
    }
    #expect(try !isKnown())
    let index = try LayerIndexer(store: store, verified: verified).build(layer)
    #expect(try isKnown())
    // Another DiffID claimed for the same blob is not what was checked.
    let otherClaim = Layer(descriptor: layer.descriptor, diffID: Digest(of: Data()), position: 0)
    let fd = open(path, O_RDONLY)
    #expect(!verified.contains(otherClaim, fd: fd))
    close(fd)
    // A second read in the same command gives the same entries.
    #expect(try LayerIndexer(store: store, verified: verified).build(layer).entries == index.entries)

    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[bytes.count / 2] ^= 0xff
    try FileManager.default.removeItem(atPath: path)
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(try !isKnown())
    #expect(throws: (any Error).self) { try LayerIndexer(store: store, verified: verified).build(layer) }
  }
}
