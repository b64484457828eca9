import Foundation
import ImageModel
import TarStream

/// The on-disk form of a ``LayerIndex``: one line per entry, fields separated by tabs. It
/// reads several times faster than JSON, which matters because `show`, `diff`, `log --stat`
/// and rebase's conflict check read every index of an image each time.
///
///     imggit-layer-index 2 sha256:<DiffID>
///     E <path> <type> <mode, octal> <uid> <gid> <size> <mtime> <sha256> <link> <xattrs> <major> <minor>
///     W <path>                      (a whiteout)
///     O <folder>                    (an opaque marker)
///
/// Text fields escape backslash, tab and newline as `\\`, `\t`, `\n`; an empty field is
/// "none"; xattrs are `base64(name):base64(value)` joined by commas.
extension LayerIndex {
  static let magic = "imggit-layer-index"

  public func encodedLines() -> Data {
    var out = "\(LayerIndex.magic) \(LayerIndex.formatVersion) \(diffID)\n"
    func esc(_ s: String?) -> String {
      guard let s else { return "" }
      guard s.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" }) else { return s }
      return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
        .replacingOccurrences(of: "\n", with: "\\n")
    }
    for e in entries {
      let xattrs = (e.xattrs ?? [:]).sorted { $0.key < $1.key }
        .map { Data($0.key.utf8).base64EncodedString() + ":" + $0.value }.joined(separator: ",")
      let fields = [
        "E", esc(e.path), e.type.rawValue, String(e.mode, radix: 8), String(e.uid), String(e.gid),
        String(e.size),
        String(e.mtime), e.sha256 ?? "", esc(e.link), xattrs, e.devMajor.map(String.init) ?? "",
        e.devMinor.map(String.init) ?? "",
      ]
      out += fields.joined(separator: "\t") + "\n"
    }
    for w in whiteouts { out += "W\t\(esc(w))\n" }
    for o in opaque { out += "O\t\(esc(o))\n" }
    return Data(out.utf8)
  }

  /// Parses ``encodedLines()``; `nil` for anything else (an old or damaged cache file).
  public init?(lines data: Data) {
    let text = String(decoding: data, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
    guard let header = lines.popFirst() else { return nil }
    let h = header.split(separator: " ")
    guard h.count == 3, h[0] == LayerIndex.magic, Int(h[1]) == LayerIndex.formatVersion,
      let diffID = try? Digest(parsing: String(h[2]))
    else { return nil }
    func unesc(_ s: Substring) -> String? {
      if s.isEmpty { return nil }
      guard s.contains("\\") else { return String(s) }
      var out = ""
      var escaped = false
      for c in s {
        if escaped {
          out.append(c == "t" ? "\t" : c == "n" ? "\n" : c)
          escaped = false
        } else if c == "\\" {
          escaped = true
        } else {
          out.append(c)
        }
      }
      return out
    }
    var entries: [FileEntry] = []
    var whiteouts: [String] = []
    var opaque: [String] = []
    for line in lines {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false)
      switch f.first {
      case "W": guard f.count == 2, let p = unesc(f[1]) else { return nil }; whiteouts.append(p)
      case "O": guard f.count == 2 else { return nil }; opaque.append(unesc(f[1]) ?? "")
      case "E":
        guard f.count == 13, let path = unesc(f[1]), let type = EntryType(rawValue: String(f[2])),
          let mode = UInt32(f[3], radix: 8), let uid = Int64(f[4]), let gid = Int64(f[5]),
          let size = Int64(f[6]),
          let mtime = Int64(f[7])
        else { return nil }
        var e = FileEntry(path: path, type: type, mode: mode, uid: uid, gid: gid, size: size, mtime: mtime)
        e.sha256 = f[8].isEmpty ? nil : String(f[8])
        e.link = unesc(f[9])
        if !f[10].isEmpty {
          var x: [String: String] = [:]
          for pair in f[10].split(separator: ",") {
            let kv = pair.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, let name = Data(base64Encoded: String(kv[0])) else { return nil }
            x[String(decoding: name, as: UTF8.self)] = String(kv[1])
          }
          e.xattrs = x
        }
        e.devMajor = UInt32(f[11])
        e.devMinor = UInt32(f[12])
        entries.append(e)
      default: return nil
      }
    }
    self.init(diffID: diffID, entries: entries, whiteouts: whiteouts, opaque: opaque)
  }
}
