import Crypto
import Foundation

/// One line per entry below `root`: path, type, mode, owner, size, content digest or link
/// target. Two root filesystems are the same when their listings are equal.
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
      line = "file size=\(st.st_size) sha256=\(hex.prefix(16)) " + line
    default:
      line = "other type=\(st.st_mode & S_IFMT) " + line
    }
    result[rel] = line
  }
  return result
}
