import Foundation
import ImageModel
import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// An open file with one owner, closed in `deinit`: swift-system's `FileDescriptor` (which
/// retries `EINTR` itself) plus the path, so every failing call becomes a
/// ``StoreError/io(operation:path:errno:)`` naming the file.
package final class FileHandleFD {
  package let descriptor: FileDescriptor
  package let path: String
  /// The raw descriptor, for C libraries that read from it (libarchive) and for `flock`.
  package var fd: Int32 { descriptor.rawValue }

  /// Opens `path`. A file opened to be written or created must be a regular file reached
  /// without a final symlink: one planted in the store (`.imggit/tmp/partial-HEX -> ~/.bashrc`)
  /// would otherwise be truncated and written through, outside the store. Only an output the
  /// user names (`-o /dev/null`, a pipe) is opened as `device`, as it is.
  init(path: String, flags: Int32, mode: mode_t = 0o644, device: Bool = false) throws {
    let writes = !device && flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND) != 0
    let fd = open(path, flags | O_CLOEXEC | (writes ? O_NOFOLLOW : 0), mode)
    guard fd >= 0 else {
      let e = errno
      if e == ELOOP { throw StoreError.notRegularFile(path: path) }
      throw StoreError.io(operation: "open", path: path, errno: e)
    }
    self.descriptor = FileDescriptor(rawValue: fd)
    self.path = path
    if writes {
      var st = stat()
      guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
        throw StoreError.notRegularFile(path: path)
      }
    }
  }

  /// Whether `path` still names this open file (and not something put there since).
  func isStill(at path: String) -> Bool {
    var open = stat()
    var there = stat()
    return fstat(fd, &open) == 0 && lstat(path, &there) == 0 && open.st_dev == there.st_dev
      && open.st_ino == there.st_ino && there.st_mode & S_IFMT == S_IFREG
  }

  /// Takes ownership of an fd that is already open (from `mkstemp`).
  init(adopting fd: Int32, path: String) {
    self.descriptor = FileDescriptor(rawValue: fd)
    self.path = path
  }

  deinit { try? descriptor.close() }

  /// Reads up to `buffer.count` bytes; 0 at end of file.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    try io("read") { try descriptor.read(into: buffer) }
  }

  /// Reads `buffer.count` bytes at `offset`, fewer only at end of file.
  func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
    var done = 0
    while done < buffer.count {
      let n = try io("read") {
        try descriptor.read(
          fromAbsoluteOffset: offset + Int64(done),
          into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
      }
      if n == 0 { break }
      done += n
    }
    return done
  }

  func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
    _ = try io("write") { try descriptor.writeAll(bytes) }
  }

  /// Runs a swift-system call, turning its `Errno` into a store error that names the file.
  private func io<T>(_ operation: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as Errno {
      throw StoreError.io(operation: operation, path: path, errno: e.rawValue)
    }
  }

  func sync() throws {
    guard fsync(fd) == 0 else { throw StoreError.io(operation: "fsync", path: path, errno: errno) }
  }

  func truncate(to size: Int64) throws {
    guard ftruncate(fd, off_t(size)) == 0 else {
      throw StoreError.io(operation: "truncate", path: path, errno: errno)
    }
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
///
/// Nothing here swallows an error: a folder that cannot be read is an error, not an empty
/// folder, because `gc` decides what to delete from what these functions report.
enum FS {
  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// The size of the file at `path` (following symlinks), or nil when it cannot be read.
  static func size(_ path: String) -> Int64? {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : nil
  }

  /// When the file at `path` was last modified; nil when it does not exist.
  static func modified(_ path: String) throws -> Date? {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      if errno == ENOENT { return nil }
      throw StoreError.io(operation: "stat", path: path, errno: errno)
    }
    return Date(
      timeIntervalSince1970: TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9)
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// A folder itself, not a symlink to one: walks never leave the folder they sweep.
  static func isRealDirectory(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// `mkdir -p`, reporting the errno of the call that failed.
  /// True for the errors of writing where writing is not allowed: a read-only mount, an
  /// immutable file or folder, missing permission.
  package static func isReadOnly(_ errno: Int32) -> Bool {
    errno == EROFS || errno == EACCES || errno == EPERM
  }

  static func makeDirectories(_ path: String) throws {
    if mkdir(path, 0o755) == 0 || (errno == EEXIST && isDirectory(path)) { return }
    guard errno == ENOENT else { throw StoreError.io(operation: "mkdir", path: path, errno: errno) }
    let parent = (path as NSString).deletingLastPathComponent
    guard !parent.isEmpty, parent != path else {
      throw StoreError.io(operation: "mkdir", path: path, errno: ENOENT)
    }
    try makeDirectories(parent)
    guard mkdir(path, 0o755) == 0 || (errno == EEXIST && isDirectory(path)) else {
      throw StoreError.io(operation: "mkdir", path: path, errno: errno)
    }
  }

  static func readFile(_ path: String, limit: Int = 64 << 20) throws -> Data {
    let file = try FileHandleFD(path: path, flags: O_RDONLY)
    var st = stat()
    guard fstat(file.fd, &st) == 0 else { throw StoreError.io(operation: "stat", path: path, errno: errno) }
    let tooLarge = StoreError.io(operation: "read (file too large)", path: path, errno: EFBIG)
    guard Int(st.st_size) <= limit else { throw tooLarge }
    // Read straight into a buffer of the file's size (a layer index cache is read whole by
    // every rebase), then whatever the file grew by since.
    var data = Data(count: Int(st.st_size))
    let n = try data.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
    data.count = n
    guard n == Int(st.st_size) else { return data }
    var offset = Int64(n)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let more = try file.read(into: buffer, at: offset)
      if more == 0 { return data }
      guard data.count + more <= limit else { throw tooLarge }
      data.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<more]))
      offset += Int64(more)
    }
  }

  /// The end of a file holding at least `newlines` newline bytes, or the whole file when it
  /// has fewer; `whole` tells which. Read backwards in 64 KiB blocks, so the end of a long
  /// append-only log costs one read.
  static func readTail(_ path: String, newlines: Int) throws -> (data: Data, whole: Bool) {
    let file = try FileHandleFD(path: path, flags: O_RDONLY)
    var st = stat()
    guard fstat(file.fd, &st) == 0 else { throw StoreError.io(operation: "stat", path: path, errno: errno) }
    var start = Int64(st.st_size)
    var tail = Data()
    var found = 0
    let block: Int64 = 64 << 10
    while start > 0, found < newlines {
      let from = max(0, start - block)
      var chunk = Data(count: Int(start - from))
      let n = try chunk.withUnsafeMutableBytes { buffer in
        try file.read(into: buffer, at: from)
      }
      guard n == chunk.count else {
        throw StoreError.io(operation: "read (file shrank)", path: path, errno: EIO)
      }
      found += chunk.count { $0 == 0x0a }
      tail = chunk + tail
      start = from
    }
    return (tail, start == 0)
  }

  /// Writes `data` to a temporary file in `tempDirectory`, fsyncs it, renames it over `path`
  /// and fsyncs the folder: readers see the old file or the new one, never a mix.
  static func atomicWrite(_ data: Data, to path: String, tempDirectory: String, mode: mode_t = 0o644) throws {
    let temp = try TempFile(in: tempDirectory, prefix: "write", mode: mode)
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

  /// Removes a file; one that is already gone is not an error.
  static func remove(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else {
      throw StoreError.io(operation: "unlink", path: path, errno: errno)
    }
  }

  /// Removes a file or a folder with everything in it; a missing one is not an error.
  static func removeTree(_ path: String) throws {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      if errno == ENOENT { return }
      throw StoreError.io(operation: "stat", path: path, errno: errno)
    }
    if st.st_mode & S_IFMT == S_IFDIR {
      for name in try listDirectory(path) { try removeTree("\(path)/\(name)") }
      guard rmdir(path) == 0 || errno == ENOENT else {
        throw StoreError.io(operation: "rmdir", path: path, errno: errno)
      }
    } else {
      try remove(path)
    }
  }

  /// The names in a folder (without `.` and `..`). A folder that does not exist has none;
  /// any other failure (not a folder, no permission, an I/O error) throws.
  static func listDirectory(_ path: String) throws -> [String] {
    guard let dir = opendir(path) else {
      if errno == ENOENT { return [] }
      throw StoreError.io(operation: "list", path: path, errno: errno)
    }
    defer { closedir(dir) }
    var names: [String] = []
    while true {
      errno = 0
      guard let entry = readdir(dir) else {
        if errno != 0 { throw StoreError.io(operation: "list", path: path, errno: errno) }
        return names
      }
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
  }
}

/// A temporary file made with `mkstemp` (a random name, created exclusively, never through a
/// symlink), removed in `deinit` unless renamed into place. Its descriptor can be closed
/// early, so thousands of staged blobs do not hold thousands of open files.
final class TempFile {
  private var handle: FileHandleFD?
  private(set) var path: String
  private var kept = false

  init(in directory: String, prefix: String, mode: mode_t = 0o644) throws {
    var template = Array("\(directory)/\(prefix).XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard fd >= 0 else { throw StoreError.io(operation: "create", path: path, errno: errno) }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    fchmod(fd, mode)
    self.path = path
    self.handle = FileHandleFD(adopting: fd, path: path)
  }

  /// The open file; only valid before ``closeFile()``.
  var file: FileHandleFD { handle! }

  /// Closes the descriptor; the file stays until it is renamed or the value is released.
  func closeFile() { handle = nil }

  func rename(to destination: String) throws {
    guard Glibc.rename(path, destination) == 0 else {
      throw StoreError.io(operation: "rename", path: destination, errno: errno)
    }
    kept = true
    path = destination
  }

  /// Removes the file now, whoever still holds this value (a compressor thread that has
  /// not yet let go of it when the process ends).
  func discard() {
    guard !kept else { return }
    unlink(path)
    kept = true
  }

  deinit { if !kept { unlink(path) } }
}

/// An `flock` on a file, released in `deinit` (and by the kernel when the process dies, so
/// a lock is never left stale).
package final class FileLock {
  private let file: FileHandleFD

  /// Waits for the lock; `shared` lets other shared holders in. A missing file is created
  /// with `mode`.
  package init(path: String, shared: Bool = false, mode: mode_t = 0o644) throws {
    file = try FileLock.open(path, mode: mode)
    try FileLock.lock(file, shared ? LOCK_SH : LOCK_EX)
  }

  /// Whether `path` still names the locked file: a file that is replaced by renaming (an
  /// auth file) leaves a waiter holding the lock of the old one, which must then try again.
  package func holds(_ path: String) -> Bool { file.isStill(at: path) }

  /// The lock file, made if missing. On a read-only store (a read-only mount, an immutable
  /// folder) an existing lock file is opened for reading, which `flock` takes as well: a
  /// reader still waits for a writer that reaches the same file through another mount.
  private static func open(_ path: String, mode: mode_t = 0o644) throws -> FileHandleFD {
    do {
      return try FileHandleFD(path: path, flags: O_RDWR | O_CREAT, mode: mode)
    } catch StoreError.io(_, _, let e) where FS.isReadOnly(e) {
      if let file = try? FileHandleFD(path: path, flags: O_RDONLY) { return file }
      throw StoreError.io(operation: "open", path: path, errno: e)
    }
  }

  /// Takes the lock without waiting; nil when another process holds it.
  init?(trying path: String, shared: Bool = false) throws {
    file = try FileLock.open(path)
    if flock(file.fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
      if errno == EWOULDBLOCK { return nil }
      throw StoreError.io(operation: "flock", path: path, errno: errno)
    }
  }

  private static func lock(_ file: FileHandleFD, _ operation: Int32) throws {
    while flock(file.fd, operation) != 0 {
      if errno != EINTR { throw StoreError.io(operation: "flock", path: file.path, errno: errno) }
    }
  }

  /// Turns a shared lock into an exclusive one (or back), waiting for other holders.
  /// Not atomic: the old lock is dropped first, as `flock(2)` documents.
  func convert(shared: Bool, wouldWait: () -> Void = {}) throws {
    if flock(file.fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 { return }
    guard errno == EWOULDBLOCK else { throw StoreError.io(operation: "flock", path: file.path, errno: errno) }
    wouldWait()
    try FileLock.lock(file, shared ? LOCK_SH : LOCK_EX)
  }

  deinit { flock(file.fd, LOCK_UN) }
}

/// The files a killed writer leaves behind: libgit2's lock files and half-written objects
/// (`*.lock`, `tmp_object_*`, `pack_git2_*`), Foundation's atomic-write files
/// (`.dat.nosync*`), and imggit's own atomic writes made beside their target
/// (`write.XXXXXX`, the mirror's `imggit-commits`). One rule for the mirror, which clears
/// them under its lock, and gc, which sweeps them once they are older than the grace period.
package enum Leftovers {
  package static func isLeftover(_ name: String) -> Bool {
    name.hasSuffix(".lock") || name.hasPrefix("tmp_object_") || name.hasPrefix("pack_git2_")
      || name.hasPrefix(".dat.nosync") || isAtomicWrite(name)
  }

  /// A temp file of ``FS/atomicWrite(_:to:tempDirectory:mode:)``: `write.` and the six
  /// letters and digits `mkstemp` puts in place of `XXXXXX`.
  private static func isAtomicWrite(_ name: String) -> Bool {
    let utf8 = name.utf8
    guard name.hasPrefix("write."), utf8.count == 12 else { return false }
    return utf8.dropFirst(6).allSatisfy {
      (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
    }
  }
}

/// A small file replaced whole, through a temporary file beside it: fsynced, renamed, and
/// the folder fsynced, so a reader (or a crash) sees the old bytes or the new, never a mix.
package enum AtomicFile {
  /// `mode` is the new file's (0600 for credentials).
  package static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
    let dir = (path as NSString).deletingLastPathComponent
    try FS.atomicWrite(data, to: path, tempDirectory: dir.isEmpty ? "." : dir, mode: mode)
  }
}

/// Writes an output file (an export, an extracted archive) so that a failed run leaves no
/// partial file: through a temporary file created exclusively under a random name beside it
/// (`O_EXCL` through `mkstemp`, so a symlink planted there is never followed), renamed over
/// the target at the end. A device or pipe (`-o /dev/null`, a named pipe) is written in
/// place: renaming over it would replace the device with a file.
package enum OutputFile {
  package static func write(to path: String, _ body: (Int32) throws -> Void) throws {
    var st = stat()
    if stat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG, st.st_mode & S_IFMT != S_IFDIR {
      let file = try FileHandleFD(path: path, flags: O_WRONLY, device: true)
      return try body(file.fd)
    }
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let mask = umask(0)
    umask(mask)
    let temp = try TempFile(
      in: dir.isEmpty ? "." : dir, prefix: ".\(url.lastPathComponent).imggit", mode: 0o666 & ~mask)
    try body(temp.file.fd)
    try temp.file.sync()
    try temp.rename(to: path)
  }
}
