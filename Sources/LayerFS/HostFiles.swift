import Foundation
import ImageModel
import TarStream

/// Files of this machine turned into layer entries, as `COPY SRC DEST` does: a folder's
/// contents go below DEST; a file becomes DEST (or DEST/NAME when DEST ends with `/`).
/// Symlinks are kept as symlinks, files linked to each other stay hard links, ownership
/// becomes root's, and with `mtime` every time is that one (for reproducible layers).
package enum HostFiles {
  package static func entries(source: String, destination: String, mtime: Int64?) throws -> [LayerEntry] {
    var st = stat()
    guard lstat(FileName.cString(source), &st) == 0 else {
      throw LayerFSError.extract(path: source, operation: "stat", errno: errno)
    }
    var dest = try LayerPath.cleanUserPath(destination)
    if (st.st_mode & S_IFMT) != S_IFDIR, destination.hasSuffix("/") || dest.isEmpty {
      let name = FileName.decode(Array((source as NSString).lastPathComponent.utf8))
      dest = dest.isEmpty ? name : "\(dest)/\(name)"
    }
    var result: [LayerEntry] = []
    // Files with several names, by inode: written once, the other names as hard links.
    var linked: [String: [LayerEntry]] = [:]
    func add(_ host: String, _ path: String) throws {
      if LayerPath.split(path).base.hasPrefix(LayerPath.whiteoutPrefix) {
        throw LayerFSError.whiteoutName(path, host: host)
      }
      var st = stat()
      guard lstat(FileName.cString(host), &st) == 0 else {
        throw LayerFSError.extract(path: host, operation: "stat", errno: errno)
      }
      let time = mtime ?? Int64(st.st_mtim.tv_sec)
      let mode = UInt32(st.st_mode & 0o7777)
      switch st.st_mode & S_IFMT {
      case S_IFDIR:
        if !path.isEmpty {
          result.append(LayerEntry(FileEntry(path: path, type: .directory, mode: mode, mtime: time)))
        }
        let children = try HostFiles.names(in: host).sorted()
        for child in children { try add("\(host)/\(child)", path.isEmpty ? child : "\(path)/\(child)") }
      case S_IFREG:
        let file = LayerEntry(
          FileEntry(path: path, type: .regular, mode: mode, size: Int64(st.st_size), mtime: time),
          content: .file(path: host))
        if st.st_nlink > 1 {
          linked["\(st.st_dev):\(st.st_ino)", default: []].append(file)
        } else {
          result.append(file)
        }
      case S_IFLNK:
        var e = FileEntry(path: path, type: .symlink, mode: 0o777, mtime: time)
        e.link = try HostFiles.linkTarget(host)
        result.append(LayerEntry(e))
      default:
        throw LayerFSError.extract(
          path: host, operation: "add (only files, folders and symlinks can be added)", errno: EINVAL)
      }
    }
    try add(source, dest)
    // The layer writer sorts by path, and a hard link must follow its target: the first
    // name in that order carries the bytes.
    for (_, names) in linked {
      let sorted = names.sorted { $0.entry.path < $1.entry.path }
      result.append(sorted[0])
      for other in sorted.dropFirst() {
        var link = other.entry
        link.type = .hardlink
        link.link = sorted[0].entry.path
        link.size = 0
        result.append(LayerEntry(link))
      }
    }
    return result
  }

  /// A folder's names as bytes (``FileName``): a name that is not UTF-8 stays itself.
  static func names(in dir: String) throws -> [String] {
    guard let d = opendir(FileName.cString(dir)) else {
      throw LayerFSError.extract(path: dir, operation: "list", errno: errno)
    }
    defer { closedir(d) }
    var names: [String] = []
    while let entry = readdir(d) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in FileName.decode(raw.prefix { $0 != 0 }) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// A symlink's target, as bytes.
  static func linkTarget(_ path: String) throws -> String {
    var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = buffer.withUnsafeMutableBytes { readlink(FileName.cString(path), $0.baseAddress!, $0.count) }
    guard n >= 0 else { throw LayerFSError.extract(path: path, operation: "readlink", errno: errno) }
    return FileName.decode(buffer[0..<n])
  }
}
