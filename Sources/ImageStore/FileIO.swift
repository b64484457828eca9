import Foundation
import ImageModel

#if canImport(Glibc)
  import Glibc
#endif

/// An open file descriptor with one owner, closed in `deinit`. Every failing call becomes a
/// ``StoreError/io(operation:path:errno:)`` naming the file.
final class FileHandleFD {
  let fd: Int32
  let path: String

  init(path: String, flags: Int32, mode: mode_t = 0o644) throws {
    let fd = open(path, flags | O_CLOEXEC, mode)
    guard fd >= 0 else { throw StoreError.io(operation: "open", path: path, errno: errno) }
    self.fd = fd
    self.path = path
  }

  /// Takes ownership of an fd that is already open (from `mkstemp`).
  init(adopting fd: Int32, path: String) {
    self.fd = fd
    self.path = path
  }

  deinit { close(fd) }

  /// Reads up to `buffer.count` bytes; 0 at end of file.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if n >= 0 { return n }
      if errno != EINTR { throw StoreError.io(operation: "read", path: path, errno: errno) }
    }
  }

  func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
    var rest = bytes
    while !rest.isEmpty {
      let n = Glibc.write(fd, rest.baseAddress, rest.count)
      if n < 0 {
        if errno == EINTR { continue }
        throw StoreError.io(operation: "write", path: path, errno: errno)
      }
      rest = UnsafeRawBufferPointer(rebasing: rest[n...])
    }
  }

  func sync() throws {
    guard fsync(fd) == 0 else { throw StoreError.io(operation: "fsync", path: path, errno: errno) }
  }

  /// Streams the whole file to `body` in 1 MiB chunks.
  func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n = try read(into: buffer)
      if n == 0 { return }
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }
}

/// Plain file-system helpers that report errors as ``StoreError``.
enum FS {
  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// The size of the file at `path` (following symlinks), or nil when it cannot be read.
  static func size(_ path: String) -> Int64? {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : nil
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  static func makeDirectories(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw StoreError.io(operation: "mkdir", path: path, errno: EACCES)
    }
  }

  static func readFile(_ path: String, limit: Int = 64 << 20) throws -> Data {
    let file = try FileHandleFD(path: path, flags: O_RDONLY)
    var data = Data()
    try file.forEachChunk { chunk in
      guard data.count + chunk.count <= limit else {
        throw StoreError.io(operation: "read (file too large)", path: path, errno: EFBIG)
      }
      data.append(contentsOf: chunk)
    }
    return data
  }

  /// Writes `data` to a temporary file beside `path`, fsyncs it, renames it over `path` and
  /// fsyncs the folder: readers see the old file or the new one, never a mix.
  static func atomicWrite(_ data: Data, to path: String, tempDirectory: String) throws {
    let temp = try TempFile(in: tempDirectory, prefix: "write")
    try data.withUnsafeBytes { try temp.file.writeAll($0) }
    try temp.file.sync()
    try temp.rename(to: path)
    try syncDirectory(of: path)
  }

  static func syncDirectory(of path: String) throws {
    let dir = (path as NSString).deletingLastPathComponent
    let d = try FileHandleFD(path: dir.isEmpty ? "." : dir, flags: O_RDONLY | O_DIRECTORY)
    try d.sync()
  }

  static func remove(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
  }

  static func listDirectory(_ path: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  }
}

/// A temporary file made with `mkstemp`, removed in `deinit` unless renamed into place.
final class TempFile {
  let file: FileHandleFD
  private(set) var path: String
  private var kept = false

  init(in directory: String, prefix: String) throws {
    var template = Array("\(directory)/\(prefix).XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard fd >= 0 else { throw StoreError.io(operation: "mkstemp", path: path, errno: errno) }
    fchmod(fd, 0o644)
    self.path = path
    self.file = FileHandleFD(adopting: fd, path: path)
  }

  func rename(to destination: String) throws {
    guard Glibc.rename(path, destination) == 0 else {
      throw StoreError.io(operation: "rename", path: destination, errno: errno)
    }
    kept = true
    path = destination
  }

  deinit { if !kept { unlink(path) } }
}

/// An exclusive `flock` on a file, released in `deinit`.
final class FileLock {
  private let file: FileHandleFD

  init(path: String) throws {
    file = try FileHandleFD(path: path, flags: O_RDWR | O_CREAT)
    while flock(file.fd, LOCK_EX) != 0 {
      if errno != EINTR { throw StoreError.io(operation: "flock", path: path, errno: errno) }
    }
  }

  deinit { flock(file.fd, LOCK_UN) }
}
