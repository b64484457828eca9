internal import CLinux
import Foundation
import SystemPackage
import TarStream

#if canImport(Glibc)
  import Glibc
#endif

/// Writes entries below a folder, and never outside it.
///
/// Every path is opened one component at a time with `O_NOFOLLOW` from a descriptor of the
/// target folder, so a symlink (from the image or already in the folder) is never followed
/// on the way to a file; paths were cleaned of `..` and `/` when the layer was indexed.
/// Folder modes and times are set last, deepest first, so read-only folders still fill.
public final class DirectorySink: ConcurrentTreeSink {
  private let root: Int32
  private let rootPath: String
  private let canChown = geteuid() == 0
  private var directories: [FileEntry] = []
  public private(set) var warnings: [String] = []
  private var warnedOwnership = false
  private var warnedXattrs = false

  public init(path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw LayerFSError.extract(path: path, operation: "mkdir", errno: errno)
    }
    root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard root >= 0 else { throw LayerFSError.extract(path: path, operation: "open", errno: errno) }
    rootPath = path
  }

  /// A second writer below the same folder, for files written on another thread.
  private init(workerOf sink: DirectorySink) throws {
    root = dup(sink.root)
    guard root >= 0 else { throw LayerFSError.extract(path: sink.rootPath, operation: "dup", errno: errno) }
    rootPath = sink.rootPath
  }

  deinit {
    for (_, fd) in walk { close(fd) }
    close(root)
  }

  public func worker() throws -> TreeSink { try DirectorySink(workerOf: self) }

  public func absorb(_ worker: TreeSink) {
    // A worker writes only files, whose warnings are the two said once per extraction.
    guard let worker = worker as? DirectorySink else { return }
    if worker.warnedOwnership { warnOwnership() }
    if worker.warnedXattrs, !warnedXattrs,
      let w = worker.warnings.first(where: { $0.hasPrefix("could not set xattr") })
    {
      warnedXattrs = true
      warnings.append(w)
    }
  }

  /// The folders of the last path opened, outermost first, each with its descriptor:
  /// entries come in tree order, so the next path mostly shares them, and a path thousands
  /// of folders deep costs one `openat` per new folder instead of one per folder.
  private var walk: [(name: Substring, fd: Int32)] = []

  private static let folderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

  /// Opens the folder holding `path` and returns it (a descriptor of the caller's, to
  /// close) with the last component's bytes (names are bytes: see ``FileName``).
  private func parent(of path: String) throws -> (fd: Int32, name: [CChar]) {
    let (dir, name) = LayerPath.split(path)
    let components = dir.split(separator: "/")
    var shared = 0
    while shared < min(walk.count, components.count), walk[shared].name == components[shared] { shared += 1 }
    while walk.count > shared { close(walk.removeLast().fd) }
    for component in components[shared...] {
      let next = openat(walk.last?.fd ?? root, FileName.cString(String(component)), Self.folderFlags)
      guard next >= 0 else {
        let err = errno
        // Out of descriptors: walk from the root holding one at a time.
        if err == EMFILE {
          for (_, fd) in walk { close(fd) }
          walk = []
          return try parentUncached(of: path)
        }
        if err == ELOOP || err == ENOTDIR {
          throw LayerFSError.escapes(path: path, through: String(component))
        }
        throw LayerFSError.extract(path: "\(rootPath)/\(path)", operation: "open", errno: err)
      }
      walk.append((component, next))
    }
    return (dup(walk.last?.fd ?? root), FileName.cString(name))
  }

  /// The walk from the root, holding one descriptor at a time.
  private func parentUncached(of path: String) throws -> (fd: Int32, name: [CChar]) {
    let (dir, name) = LayerPath.split(path)
    var fd = dup(root)
    for component in dir.split(separator: "/") {
      let next = openat(
        fd, FileName.cString(String(component)), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      let err = errno
      close(fd)
      guard next >= 0 else {
        if err == ELOOP || err == ENOTDIR {
          throw LayerFSError.escapes(path: path, through: String(component))
        }
        throw LayerFSError.extract(path: "\(rootPath)/\(path)", operation: "open", errno: err)
      }
      fd = next
    }
    return (fd, FileName.cString(name))
  }

  /// Removes whatever is at `name` unless it is a folder and a folder is wanted.
  private func clear(_ fd: Int32, _ name: [CChar], keepDirectory: Bool, path: String) throws {
    var st = stat()
    guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      if keepDirectory { return }
      // The cached walk may hold this folder or one inside it.
      for (_, fd) in walk { close(fd) }
      walk = []
      try removeTree(fd, name, path: path)
    } else if unlinkat(fd, name, 0) != 0 {
      throw LayerFSError.extract(path: "\(rootPath)/\(path)", operation: "unlink", errno: errno)
    }
  }

  /// Removes a folder and everything in it, through descriptors: never through a symlink,
  /// at any depth, whatever bytes the names hold.
  private func removeTree(_ parent: Int32, _ name: [CChar], path: String) throws {
    let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0, let dir = fdopendir(fd) else {
      throw LayerFSError.extract(path: "\(rootPath)/\(path)", operation: "open", errno: errno)
    }
    defer { closedir(dir) }
    while let entry = readdir(dir) {
      let child = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 }.map { CChar(bitPattern: $0) }) + [0]
      }
      if child == [46, 0] || child == [46, 46, 0] { continue }
      if entry.pointee.d_type == UInt8(DT_DIR) {
        try removeTree(fd, child, path: path)
      } else if unlinkat(fd, child, 0) != 0 {
        // Some file systems do not fill d_type: a folder says so here.
        guard errno == EISDIR else {
          throw LayerFSError.extract(path: "\(rootPath)/\(path)", operation: "unlink", errno: errno)
        }
        try removeTree(fd, child, path: path)
      }
    }
    guard unlinkat(parent, name, AT_REMOVEDIR) == 0 else {
      throw LayerFSError.extract(path: "\(rootPath)/\(path)", operation: "rmdir", errno: errno)
    }
  }

  public func directory(_ e: FileEntry) throws {
    let (fd, name) = try parent(of: e.path)
    defer { close(fd) }
    try clear(fd, name, keepDirectory: true, path: e.path)
    if mkdirat(fd, name, 0o700) != 0 && errno != EEXIST {
      throw LayerFSError.extract(path: "\(rootPath)/\(e.path)", operation: "mkdir", errno: errno)
    }
    directories.append(e)
  }

  public func file(_ e: FileEntry, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    try create(e) { fd in
      var at: Int64 = 0
      try feed { bytes in
        try writeAll(fd, bytes, at: at, e)
        at += Int64(bytes.count)
      }
    }
  }

  /// Data where the map puts it and holes as holes: the file takes the room of its data.
  public func sparseFile(
    _ e: FileEntry, map: [SparseRegion], feed: ((Int64, UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    try create(e) { fd in
      try feed { offset, bytes in try writeAll(fd, bytes, at: offset, e) }
      guard ftruncate(fd, off_t(e.size)) == 0 else {
        throw LayerFSError.extract(path: "\(rootPath)/\(e.path)", operation: "truncate", errno: errno)
      }
    }
  }

  /// Creates the regular file `e` (never through a symlink), lets `body` write it, then
  /// sets its owner, mode, xattrs and time.
  private func create(_ e: FileEntry, _ body: (Int32) throws -> Void) throws {
    let (dir, name) = try parent(of: e.path)
    defer { close(dir) }
    try clear(dir, name, keepDirectory: false, path: e.path)
    let fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw LayerFSError.extract(path: "\(rootPath)/\(e.path)", operation: "create", errno: errno)
    }
    defer { close(fd) }
    try body(fd)
    applyMetadata(fd: fd, e)
  }

  private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, _ e: FileEntry) throws
  {
    do { _ = try FileDescriptor(rawValue: fd).writeAll(toAbsoluteOffset: offset, bytes) } catch let error
      as Errno
    {
      throw LayerFSError.extract(path: "\(rootPath)/\(e.path)", operation: "write", errno: error.rawValue)
    }
  }

  public func symlink(_ e: FileEntry) throws {
    let (dir, name) = try parent(of: e.path)
    defer { close(dir) }
    try clear(dir, name, keepDirectory: false, path: e.path)
    guard symlinkat(FileName.cString(e.link ?? ""), dir, name) == 0 else {
      throw LayerFSError.extract(path: "\(rootPath)/\(e.path)", operation: "symlink", errno: errno)
    }
    chown(dir: dir, name: name, e, followLinks: false)
    setTime(dir: dir, name: name, e.mtime)
  }

  public func hardlink(_ e: FileEntry, target: String) throws {
    let (dir, name) = try parent(of: e.path)
    defer { close(dir) }
    let (tdir, tname) = try parent(of: target)
    defer { close(tdir) }
    try clear(dir, name, keepDirectory: false, path: e.path)
    guard linkat(tdir, tname, dir, name, 0) == 0 else {
      throw LayerFSError.extract(path: "\(rootPath)/\(e.path)", operation: "link to \(target)", errno: errno)
    }
  }

  public func special(_ e: FileEntry) throws {
    let (dir, name) = try parent(of: e.path)
    defer { close(dir) }
    try clear(dir, name, keepDirectory: false, path: e.path)
    let kind: mode_t
    switch e.type {
    case .characterDevice: kind = S_IFCHR
    case .blockDevice: kind = S_IFBLK
    case .socket: kind = S_IFSOCK
    default: kind = S_IFIFO
    }
    let dev = csystem_makedev(e.devMajor ?? 0, e.devMinor ?? 0)
    guard mknodat(dir, name, kind | mode_t(e.mode & 0o7777), dev) == 0 else {
      warnings.append("could not create \(e.type.rawValue) \(e.path): \(String(cString: strerror(errno)))")
      return
    }
    chown(dir: dir, name: name, e, followLinks: false)
    // mknod applies the umask; the image's mode is set exactly afterwards.
    fchmodat(dir, name, mode_t(e.mode & 0o7777), 0)
    setTime(dir: dir, name: name, e.mtime)
  }

  public func finish() throws {
    for e in directories.sorted(by: { $0.path.count > $1.path.count }) {
      let (dir, name) = try parent(of: e.path)
      defer { close(dir) }
      let fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      guard fd >= 0 else { continue }
      applyMetadata(fd: fd, e)
      close(fd)
    }
  }

  /// Owner, mode, xattrs and time, in that order: chown clears setuid bits, so mode follows it.
  private func applyMetadata(fd: Int32, _ e: FileEntry) {
    if canChown {
      fchown(fd, uid_t(truncatingIfNeeded: e.uid), gid_t(truncatingIfNeeded: e.gid))
    } else {
      warnOwnership()
    }
    fchmod(fd, mode_t(e.mode & 0o7777))
    for (key, value) in e.xattrs ?? [:] {
      let r = value.withUnsafeBytes { csystem_fsetxattr(fd, key, $0.baseAddress, $0.count) }
      if r != 0 && !warnedXattrs {
        warnedXattrs = true
        warnings.append(
          "could not set xattr \(key) on \(e.path) (and maybe others): \(String(cString: strerror(errno)))")
      }
    }
    var times = [timespec(tv_sec: Int(e.mtime), tv_nsec: 0), timespec(tv_sec: Int(e.mtime), tv_nsec: 0)]
    futimens(fd, &times)
  }

  private func chown(dir: Int32, name: [CChar], _ e: FileEntry, followLinks: Bool) {
    guard canChown else { return warnOwnership() }
    fchownat(
      dir, name, uid_t(truncatingIfNeeded: e.uid), gid_t(truncatingIfNeeded: e.gid),
      followLinks ? 0 : AT_SYMLINK_NOFOLLOW)
  }

  private func setTime(dir: Int32, name: [CChar], _ mtime: Int64) {
    var times = [timespec(tv_sec: Int(mtime), tv_nsec: 0), timespec(tv_sec: Int(mtime), tv_nsec: 0)]
    utimensat(dir, name, &times, AT_SYMLINK_NOFOLLOW)
  }

  private func warnOwnership() {
    guard !warnedOwnership else { return }
    warnedOwnership = true
    warnings.append("not running as root: files keep your ownership instead of the image's")
  }
}
