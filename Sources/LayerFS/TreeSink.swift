import TarStream

/// Where extracted entries go: a folder, or a tar stream. The extractor calls folders first
/// (parents before children), then files in layer order, then hard links, then ``finish()``.
public protocol TreeSink: AnyObject {
  func directory(_ e: FileEntry) throws
  /// A regular file whose bytes `feed` streams through the given writer.
  func file(_ e: FileEntry, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws
  func symlink(_ e: FileEntry) throws
  /// A second name for the file already written at `target`.
  func hardlink(_ e: FileEntry, target: String) throws
  /// Device nodes, fifos, sockets.
  func special(_ e: FileEntry) throws
  func finish() throws
  /// Things that could not be restored exactly (ownership as a non-root user, for example).
  var warnings: [String] { get }
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
  public func entry(_ e: FileEntry) throws { try writer.writeHeader(e.tarEntry) }

  public func directory(_ e: FileEntry) throws { try entry(e) }

  public func file(_ e: FileEntry, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    var header = e.tarEntry
    header.type = .regular
    header.linkTarget = nil
    header.size = e.size
    try writer.writeHeader(header)
    try feed { try writer.writeData($0) }
  }

  public func symlink(_ e: FileEntry) throws { try entry(e) }

  public func hardlink(_ e: FileEntry, target: String) throws {
    var header = e.tarEntry
    header.type = .hardlink
    header.linkTarget = target
    header.size = 0
    try writer.writeHeader(header)
  }

  public func special(_ e: FileEntry) throws { try entry(e) }

  public func finish() throws { try writer.finish() }
}
