import Crypto
import Foundation

/// One line per entry below `root`: path, type, mode, owner, size, content digest, hard-link
/// count, link target, device number. Two root filesystems are the same when their listings
/// are equal; modification times are left out (unpackers set folder times differently).
public func fileTree(_ root: String) throws -> [String: String] {
  var result: [String: String] = [:]
  guard let e = FileManager.default.enumerator(atPath: root) else { return result }
  for case let rel as String in e {
    let full = "\(root)/\(rel)"
    var st = stat()
    guard lstat(full, &st) == 0 else { continue }
    let mode = String(st.st_mode & 0o7777, radix: 8)
    var line = "mode=\(mode) uid=\(st.st_uid) gid=\(st.st_gid)"
    switch st.st_mode & S_IFMT {
    case S_IFDIR:
      line = "dir " + line
    case S_IFLNK:
      let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?"
      line = "symlink -> \(target)"
    case S_IFREG:
      let data = try Data(contentsOf: URL(fileURLWithPath: full))
      let hex = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
      line = "file size=\(st.st_size) sha256=\(hex.prefix(16)) links=\(st.st_nlink) " + line
    case S_IFCHR, S_IFBLK:
      line = "device type=\(st.st_mode & S_IFMT) rdev=\(st.st_rdev) " + line
    default:
      line = "other type=\(st.st_mode & S_IFMT) " + line
    }
    result[rel] = line
  }
  return result
}
