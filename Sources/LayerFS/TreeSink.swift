import TarStream

/// Where extracted entries go: a folder, or a tar stream. The extractor calls folders first
/// (parents before children), then files in layer order, then hard links, then ``finish()``.
public protocol TreeSink: AnyObject {
  func directory(_ e: FileEntry) throws
  /// A regular file whose bytes `feed` streams through the given writer.
  func file(_ e: FileEntry, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws
  /// A regular file with holes: `map` says where its data lies, and `feed` streams the data
  /// blocks with their offsets. By default the holes are written as zeros through ``file(_:feed:)``.
  func sparseFile(
    _ e: FileEntry, map: [SparseRegion], feed: ((Int64, UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws
  func symlink(_ e: FileEntry) throws
  /// A second name for the file already written at `target`.
  func hardlink(_ e: FileEntry, target: String) throws
  /// Device nodes, fifos, sockets.
  func special(_ e: FileEntry) throws
  func finish() throws
  /// Things that could not be restored exactly (ownership as a non-root user, for example).
  var warnings: [String] { get }
}

/// A sink whose regular files can be written from several threads at once, each through a
/// worker of its own; folders, links and ``TreeSink/finish()`` stay with the sink itself.
public protocol ConcurrentTreeSink: TreeSink {
  /// A sink for regular files (plain or sparse) below the same folder, for one thread.
  func worker() throws -> TreeSink
  /// Takes a worker's warnings once its thread is done.
  func absorb(_ worker: TreeSink)
}

extension TreeSink {
  public func sparseFile(
    _ e: FileEntry, map: [SparseRegion], feed: ((Int64, UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    try file(e) { write in
      try withoutActuallyEscaping(write) { write in
        var position: Int64 = 0
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        func fill(to end: Int64) throws {
          while position < end {
            let n = Int(min(Int64(zeros.count), end - position))
            try zeros.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            position += Int64(n)
          }
        }
        try feed { offset, bytes in
          try fill(to: offset)
          try write(bytes)
          position += Int64(bytes.count)
        }
        try fill(to: e.size)
      }
    }
  }
}

/// Writes entries as a tar stream (`extract -o FILE.tar`); ``LayerSink`` is one whose
/// stream becomes a layer blob.
public class TarSink: TreeSink {
  let writer: ArchiveWriter
  public private(set) var warnings: [String] = []

  public convenience init(fileDescriptor fd: Int32, context: String) throws {
    self.init(writer: try ArchiveWriter(fileDescriptor: fd, context: context))
  }

  init(writer: ArchiveWriter) { self.writer = writer }

  /// Any entry without data: folder, symlink, hard link, device, whiteout marker.
  public func entry(_ e: FileEntry) throws { try writer.writeHeader(e.header) }

  public func directory(_ e: FileEntry) throws { try entry(e) }

  public func file(_ e: FileEntry, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    var header = e.header
    header.type = .regular
    header.linkTarget = nil
    header.size = e.size
    try writer.writeHeader(header)
    try feed { try writer.writeData($0) }
  }

  /// A sparse entry: the map in the header (pax GNU.sparse 1.0), then only the data.
  public func sparseFile(
    _ e: FileEntry, map: [SparseRegion], feed: ((Int64, UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    var header = e.header
    header.type = .regular
    header.linkTarget = nil
    header.size = e.size
    header.sparse = map
    try writer.writeHeader(header)
    var position: Int64 = 0
    try feed { offset, bytes in
      try writer.writeHole(offset - position)
      try writer.writeData(bytes)
      position = offset + Int64(bytes.count)
    }
    try writer.writeHole(e.size - position)
  }

  public func symlink(_ e: FileEntry) throws { try entry(e) }

  public func hardlink(_ e: FileEntry, target: String) throws {
    var header = e.header
    header.type = .hardlink
    header.linkTarget = target
    header.size = 0
    try writer.writeHeader(header)
  }

  public func special(_ e: FileEntry) throws { try entry(e) }

  public func finish() throws { try writer.finish() }
}
