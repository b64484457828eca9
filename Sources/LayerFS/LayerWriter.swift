import Foundation
import SystemPackage
import ImageModel
import ImageStore
import TarStream

/// What goes into a new layer: an entry and where its bytes come from.
public struct LayerEntry {
  public enum Content {
    case none
    /// A file on this machine, read when the layer is written.
    case file(path: String)
    case bytes(Data)
  }
  public var entry: FileEntry
  public var content: Content

  public init(_ entry: FileEntry, content: Content = .none) {
    self.entry = entry
    self.content = content
  }

  /// A whiteout that removes `path` from the layers below.
  public static func whiteout(_ path: String, mtime: Int64) -> LayerEntry {
    let (dir, base) = LayerPath.split(path)
    let name = LayerPath.whiteoutPrefix + base
    return LayerEntry(
      FileEntry(path: dir.isEmpty ? name : "\(dir)/\(name)", type: .regular, mode: 0o644, mtime: mtime))
  }
}

/// A layer written into the store: its blob descriptor and DiffID.
public struct WrittenLayer: Sendable {
  public let descriptor: Descriptor
  public let diffID: Digest
  /// The layer's file index, made while it was written, when the writer was asked to index.
  public let index: EncodedLayerIndex?
}

/// Writes layers deterministically: entries sorted by path (so parents come first), a pax
/// header only where ustar cannot hold a field, no wall-clock time in tar or gzip headers.
/// One streaming pass computes both the DiffID (of the tar) and the blob digest (of the
/// compressed bytes) while the blob is written to the store's temp folder.
public struct LayerWriter {
  public let store: Store
  public let compression: LayerCompression
  public let level: Int?
  /// Index the layer as it is written (see ``WrittenLayer/index``).
  public let indexing: Bool

  public init(store: Store, compression: LayerCompression = .gzip, level: Int? = nil, indexing: Bool = false)
  {
    self.store = store
    self.compression = compression
    self.level = level
    self.indexing = indexing
  }

  /// Writes `entries` (sorted here) as a new layer blob and publishes it.
  public func write(_ entries: [LayerEntry]) throws -> WrittenLayer {
    let sink = try LayerSink(store: store, compression: compression, level: level, indexing: indexing)
    for item in entries.sorted(by: { $0.entry.path < $1.entry.path }) {
      switch item.content {
      case .none:
        try sink.entry(item.entry)
      case .bytes(let data):
        var e = item.entry
        e.size = Int64(data.count)
        try sink.file(e) { write in try data.withUnsafeBytes { try write($0) } }
      case .file(let path):
        let file = try HostFile(path: path)
        var e = item.entry
        e.size = file.size
        try sink.file(e) { write in
          var written: Int64 = 0
          try file.forEachChunk {
            written += Int64($0.count)
            if written <= file.size { try write($0) }
          }
          guard written == file.size else {
            throw LayerFSError.extract(
              path: path, operation: "read (the file changed while it was added)", errno: EIO)
          }
        }
      }
    }
    return try sink.close()
  }
}

/// A new layer being written entry by entry (a ``TreeSink``, so anything that can extract a
/// tree can also write it as a layer). The caller decides the order; ``close()`` publishes
/// the blob and returns its descriptor and DiffID, both computed in the one pass.
public final class LayerSink: TarSink {
  private let store: Store
  private let blob: BlobWriter
  private let compression: LayerCompression
  /// Hashes the tar for the DiffID when the blob is compressed; uncompressed, the blob's
  /// own digest is the DiffID and nothing hashes twice.
  private let tarHash: HashingSink?
  /// Ends the compressed stream (its last block, its trailer), once every byte is in.
  private let finishCompressor: (() throws -> Void)?
  /// What compressed the layer, recorded on its descriptor.
  private let compressorName: String?
  /// Runs the compressor on its own thread (see ``BackgroundSink``).
  private let background: BackgroundSink?
  /// Indexes the tar on a thread of its own while it is written, when asked to.
  private let indexer: WrittenLayerIndexer?
  private var result: WrittenLayer?

  /// With `indexing`, the layer's file index is made from the tar as it goes by, and
  /// ``close()`` returns it with the layer.
  public init(store: Store, compression: LayerCompression, level: Int?, indexing: Bool = false) throws {
    self.store = store
    self.compression = compression
    let blob = try store.blobWriter()
    self.blob = blob
    let indexer = indexing ? WrittenLayerIndexer() : nil
    self.indexer = indexer
    // The blob writer hashes what it stores: that is the blob's digest.
    let blobSink = ForwardingSink { try blob.write($0) }
    let tarSink: any ByteSink
    switch compression {
    case .none:
      finishCompressor = nil
      compressorName = nil
      background = nil
      tarHash = nil
      tarSink =
        indexer.map { indexer in
          ForwardingSink {
            try blob.write($0)
            try indexer.channel.write($0)
          }
        } ?? blobSink
    case .gzip, .zstd:
      let threads = ProcessInfo.processInfo.activeProcessorCount
      let context = "new layer (compression)"
      // gzip by default is ISA-L, well ahead of zlib at a ratio within a few percent; a level
      // asked for by number is zlib's, made by libdeflate at zlib's ratio or better at a few
      // times its speed. Every compressor runs on every core.
      let compressor: any StreamCompressor =
        compression == .zstd
        ? try ZstdSink(level: Int32(level ?? 3), threads: threads, context: context, next: blobSink)
        : ParallelGzipSink(
          compressor: level.map { .libdeflate(gzipLevel: $0) } ?? .isal(level: LayerSink.isalLevel),
          threads: threads, context: context, next: blobSink)
      finishCompressor = { try compressor.finish() }
      compressorName = compressor.name
      // The compressor gets its own thread: the tar is made and hashed on this one. Two
      // chunks queued keep it busy; more only raised the peak memory (5 MB on a squash
      // whose reading runs ahead).
      let b = BackgroundSink(capacity: 2) { try compressor.write($0) }
      background = b
      let hash = HashingSink {
        try b.write($0)
        try indexer?.channel.write($0)
      }
      tarHash = hash
      tarSink = hash
    }
    super.init(writer: try ArchiveWriter(sink: tarSink, context: "new layer"))
  }

  deinit {
    guard result == nil else { return }
    // Abandoned after an error: the compressor thread may hold the blob a while longer,
    // so its temporary file is removed here, not when the last reference goes.
    background?.cancel()
    indexer?.cancel()
    blob.discard()
  }

  /// Removes `path` from the layers below.
  public func whiteout(_ path: String, mtime: Int64) throws {
    try entry(LayerEntry.whiteout(path, mtime: mtime).entry)
  }

  /// Hides every lower child of `dir`.
  public func opaque(_ dir: String, mtime: Int64) throws {
    let name = dir.isEmpty ? LayerPath.opaqueMarker : "\(dir)/\(LayerPath.opaqueMarker)"
    try entry(FileEntry(path: name, type: .regular, mode: 0o644, mtime: mtime))
  }

  public override func file(
    _ e: FileEntry, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    indexer?.note(e.path, sha256: e.sha256, sparse: false)
    try super.file(e, feed: feed)
  }

  public override func sparseFile(
    _ e: FileEntry, map: [SparseRegion], feed: ((Int64, UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    indexer?.note(e.path, sha256: e.sha256, sparse: true)
    try super.sparseFile(e, map: map, feed: feed)
  }

  /// Part of ``TreeSink``: ends the layer (see ``close()`` for the result).
  public override func finish() throws { _ = try close() }

  /// ISA-L's level for default gzip layers (1–3; see docs/performance.md for the measure).
  static let isalLevel: UInt32 = 3

  /// The levels a layer of this compression can be asked for by number; nil when it has none.
  public static func levels(for compression: LayerCompression) -> ClosedRange<Int>? {
    switch compression {
    case .none: return nil
    case .gzip:
      return Int(GzipCompressor.libdeflateLevels.lowerBound)...Int(GzipCompressor.libdeflateLevels.upperBound)
    case .zstd: return Int(ZstdSink.levels.lowerBound)...Int(ZstdSink.levels.upperBound)
    }
  }
  /// The annotation of a layer descriptor that names the compressor which made the blob, so
  /// that the bytes can be made again.
  public static let compressorAnnotation = "io.imggit.layer.compressor"

  /// Ends the tar, flushes the compressor, verifies and publishes the blob.
  public func close() throws -> WrittenLayer {
    if let result { return result }
    try writer.finish()
    try background?.finish()
    try finishCompressor?()
    let staged = try blob.finish()
    try store.publish(staged)
    let diffID = tarHash?.hasher.finalize() ?? staged.digest
    let written = WrittenLayer(
      descriptor: Descriptor(
        mediaType: compression.ociMediaType, digest: staged.digest, size: staged.size,
        annotations: compressorName.map { [LayerSink.compressorAnnotation: $0] }),
      diffID: diffID, index: indexer?.finish(diffID: diffID))
    result = written
    return written
  }
}

/// Hands bytes to `next` as they come.
final class ForwardingSink: ByteSink {
  private let next: (UnsafeRawBufferPointer) throws -> Void
  init(_ next: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.next = next }
  func write(_ bytes: UnsafeRawBufferPointer) throws { try next(bytes) }
}

/// Hashes the bytes that pass through on their way to `next`.
final class HashingSink: ByteSink {
  var hasher = DigestHasher()
  private let next: (UnsafeRawBufferPointer) throws -> Void
  init(_ next: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.next = next }
  func write(_ bytes: UnsafeRawBufferPointer) throws {
    hasher.update(bytes)
    try next(bytes)
  }
}

/// A regular file of this machine, opened for reading in chunks.
final class HostFile {
  let descriptor: FileDescriptor
  let path: String
  let size: Int64

  init(path: String) throws {
    let fd = open(FileName.cString(path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else { throw LayerFSError.extract(path: path, operation: "open", errno: errno) }
    descriptor = FileDescriptor(rawValue: fd)
    var st = stat()
    fstat(fd, &st)
    size = Int64(st.st_size)
    self.path = path
  }

  deinit { try? descriptor.close() }

  func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n: Int
      do { n = try descriptor.read(into: buffer) } catch let e as Errno {
        throw LayerFSError.extract(path: path, operation: "read", errno: e.rawValue)
      }
      if n == 0 { return }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }
}
