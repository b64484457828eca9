import Foundation

/// One namespace of the store's cache (see ``Store/cache(_:)``): small files that can always
/// be rebuilt, so a file that cannot be read reads as absent and a failed write is dropped.
public struct Cache: Sendable {
  let store: Store
  let folder: String

  /// The file `name`, or nil.
  public func read(_ name: String) -> Data? { try? FS.readFile("\(folder)/\(name)", limit: 1 << 30) }

  /// Writes `name` atomically; a failure costs only a rebuild later.
  public func write(_ data: Data, _ name: String) {
    try? FS.makeDirectories(folder)
    try? store.ensureImggitDirectories()
    try? FS.atomicWrite(data, to: "\(folder)/\(name)", tempDirectory: store.tempDirectory)
  }

  /// The names of the files in the namespace (for gc).
  public func names() throws -> [String] { try FS.listDirectory(folder) }

  /// Removes `name` (gc); a missing file is not an error.
  public func remove(_ name: String) throws { try FS.remove("\(folder)/\(name)") }
}

/// A blob open for reading, closed when the value goes away.
public final class BlobFile {
  private let file: FileHandleFD
  /// Where it is, for messages.
  public var path: String { file.path }
  /// The descriptor, for readers that stream from it (libarchive).
  public var fd: Int32 { file.fd }

  /// Opens the blob file at `path`: one in `blobs/`, or one an import has staged
  /// (``IncomingLayer/path``).
  public init(path: String) throws { file = try FileHandleFD(path: path, flags: O_RDONLY) }

  /// Reads up to `buffer.count` bytes from where the last read stopped; 0 at end of file.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try file.read(into: buffer) }
}
