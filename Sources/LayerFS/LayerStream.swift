import Foundation
import ImageModel
import ImageStore
import TarStream

/// A layer blob opened for reading as a tar stream. While the entries stream by, the blob's
/// bytes are hashed (its digest) and so are the decompressed bytes (its DiffID);
/// ``finish()`` reads to the end and checks both, so a layer is never trusted unverified.
final class LayerStream {
  let reader: ArchiveReader
  let layer: Layer
  private let file: BlobFile
  private let fileSource: FileSource
  private let tarSource: ByteSource
  private let compressedHash = HashBox()
  private let diffIDHash = HashBox()
  /// Where a verified read is recorded; nil when this read need not verify (see
  /// ``VerifiedLayers``) or nothing records it.
  private let verified: VerifiedLayers?
  private let verifies: Bool
  /// Reads, hashes and inflates on a thread of its own, when asked for.
  private let ahead: ReadAheadSource?

  /// Opens `layer` from `store`; its DiffID is what the config says its content hashes to.
  /// `progress` is told every block of the blob read. A blob `verified` holds unchanged is
  /// not hashed again; one it lacks is recorded there once ``finish()`` has checked it.
  /// With `readAhead`, the blob is read and inflated on another thread while the caller
  /// works on the entries (for a caller whose own work fills a core: a squash). With
  /// `path`, the blob is read from there (one an import has staged), not from `store`.
  init(
    store: Store, layer: Layer, path: String? = nil, progress: ProgressReporter? = nil,
    verified: VerifiedLayers? = nil, readAhead: Bool = false
  ) throws {
    self.layer = layer
    file = try path.map { try BlobFile(path: $0) } ?? store.openBlob(layer.digest)
    let path = file.path
    verifies = !(verified?.contains(layer, fd: file.fd) ?? false)
    self.verified = verifies ? verified : nil
    let compressed = verifies ? compressedHash : nil
    let uncompressed = verifies ? diffIDHash : nil
    fileSource = FileSource(fileDescriptor: file.fd, context: path) {
      compressed?.update($0)
      progress?.advance(by: Int64($0.count))
    }
    do {
      tarSource = try LayerStream.decompressor(
        fileSource, context: "layer \(layer.digest)", observer: { uncompressed?.update($0) })
      let ahead = readAhead ? ReadAheadSource(tarSource) : nil
      self.ahead = ahead
      do {
        reader = try ArchiveReader(
          source: ahead ?? tarSource, context: "layer \(layer.digest)", decompress: false)
      } catch {
        ahead?.stop()
        throw error
      }
    } catch let e as TarError {
      throw LayerFSError.unreadableLayer(layer.digest, e)
    }
  }

  // The reading thread reads from the blob's descriptor: it ends before the file closes.
  deinit { ahead?.stop() }

  /// gzip, by far the most common layer compression, is inflated by ISA-L; anything else
  /// (zstd, none, the rare bzip2 or xz) by libarchive's filters. The blob's first bytes
  /// decide, not its media type, as libarchive's detection did.
  static func decompressor(
    _ source: FileSource, context: String, observer: @escaping (UnsafeRawBufferPointer) -> Void
  ) throws -> ByteSource {
    let first = try source.nextBlock()
    let rest = PrefixedSource(first: first, rest: source)
    if first.count >= 2, first[0] == 0x1f, first[1] == 0x8b {
      return GzipSource(rest, context: context, observer: observer)
    }
    return try DecompressingSource(rest, context: context, observer: observer)
  }

  /// True when the tar ended without its end-of-archive blocks (see ``next()``).
  private(set) var endedEarly = false

  /// The next entry, with libarchive's failures reported against the layer's digest.
  ///
  /// umoci 0.4.7's `insert` writes layers whose last entry lacks its padding and the
  /// end-of-archive blocks. When the stream ends there, cleanly after an entry, the layer is
  /// read as complete; ``finish()`` still checks both digests, so a blob that is really cut
  /// short is caught there.
  func next() throws -> TarEntry? {
    if endedEarly { return nil }
    do {
      let entry = try reader.next()
      currentSize = entry?.type == .regular ? entry?.size ?? 0 : 0
      return entry
    } catch let e as TarError {
      if e.message.hasPrefix("Truncated") {
        endedEarly = true
        return nil
      }
      throw LayerFSError.unreadableLayer(layer.digest, e)
    }
  }

  private var currentSize: Int64 = 0

  /// Streams the current entry's bytes. A stream that ends right after the last byte of data
  /// (the padding is missing) counts as the early end ``next()`` describes.
  func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    var delivered: Int64 = 0
    do {
      try reader.readData { chunk in
        delivered += Int64(chunk.count)
        try body(chunk)
      }
    } catch let e as TarError {
      if e.message.hasPrefix("Truncated"), delivered == currentSize {
        endedEarly = true
        return
      }
      throw LayerFSError.unreadableLayer(layer.digest, e)
    }
  }

  /// Streams the current entry's data blocks with their offsets, holes skipped (see
  /// ``ArchiveReader/readBlocks(_:)``).
  func readBlocks(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
    do {
      try reader.readBlocks(body)
    } catch let e as TarError {
      throw LayerFSError.unreadableLayer(layer.digest, e)
    }
  }

  /// Feeds the current entry to `sink`: whole, or for a sparse file as its data regions.
  func write(_ entry: FileEntry, header: TarEntry, to sink: TreeSink) throws {
    if let map = header.sparse {
      try sink.sparseFile(entry, map: map) { write in try readBlocks(write) }
    } else {
      try sink.file(entry) { write in try readData(write) }
    }
  }

  /// Reads what is left and verifies the blob digest, its size and the DiffID (unless this
  /// command verified the same file before).
  func finish() throws {
    guard verifies else { return }
    do {
      // The reading thread, if any, gives the sources back once it has handed over their end.
      try ahead?.drain()
      try tarSource.drain()
      try fileSource.drain()
    } catch let e as TarError {
      throw LayerFSError.unreadableLayer(layer.digest, e)
    }
    let actual = compressedHash.finalize()
    guard actual == layer.digest else {
      throw StoreError.blobCorrupt(layer.digest, actual: actual, path: file.path)
    }
    guard compressedHash.count == layer.size else {
      throw StoreError.sizeMismatch(
        layer.digest, expected: layer.size, actual: compressedHash.count, path: file.path)
    }
    do {
      let content = diffIDHash.finalize()
      guard content == layer.diffID else {
        throw LayerFSError.diffIDMismatch(layer: layer.digest, expected: layer.diffID, actual: content)
      }
    }
    verified?.insert(layer, fd: file.fd)
  }
}

/// A hasher with reference semantics, for the stream observers.
final class HashBox {
  private var hasher = DigestHasher()
  var count: Int64 { hasher.count }
  func update(_ b: UnsafeRawBufferPointer) { hasher.update(b) }
  func finalize() -> Digest { hasher.finalize() }
}
