import Foundation
import ImageModel
import TarStream

/// The on-disk form of a ``LayerIndex``: one line per entry, fields separated by tabs. It
/// reads several times faster than JSON, which matters because `show`, `diff`, `log --stat`
/// and rebase's conflict check read every index of an image each time.
///
///     imggit-layer-index 4 sha256:<DiffID>
///     E <path> <type> <mode, octal> <uid> <gid> <size> <mtime> <sha256> <link> <xattrs> <major> <minor>
///     W <path>                      (a whiteout)
///     O <folder>                    (an opaque marker)
///     R <path> <count>              (a path the tar holds count times; the last counts)
///
/// Text fields escape backslash, tab and newline as `\\`, `\t`, `\n`; an empty field is
/// "none"; xattrs are `base64(name):base64(value)` joined by commas.
extension LayerIndex {
  static let magic = "imggit-layer-index"

  /// A text field as the cache files write it: backslash, tab and newline escaped; nil is
  /// the empty field.
  package static func escapedField(_ s: String?) -> String {
    guard let s else { return "" }
    guard s.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" }) else { return s }
    return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
      .replacingOccurrences(of: "\n", with: "\\n")
  }

  /// ``escapedField(_:)`` read back from bytes; nil for the empty field.
  package static func unescapedField(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    if bytes.isEmpty { return nil }
    guard bytes.contains(0x5C) else { return String(decoding: bytes, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var escaped = false
    for b in bytes {
      if escaped {
        out.append(b == UInt8(ascii: "t") ? 0x09 : b == UInt8(ascii: "n") ? 0x0A : b)
        escaped = false
      } else if b == 0x5C {
        escaped = true
      } else {
        out.append(b)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  public func encodedLines() -> Data {
    var out = LayerIndex.headerLine(diffID)
    for e in entries { out += LayerIndex.entryLine(e) }
    for w in whiteouts { out += LayerIndex.whiteoutLine(w) }
    for o in opaque { out += LayerIndex.opaqueLine(o) }
    for (path, count) in repeats.sorted(by: { $0.key < $1.key }) {
      out += "R\t\(LayerIndex.escapedField(path))\t\(count)\n"
    }
    return Data(out.utf8)
  }

  /// The lines of the format, one by one, for whoever writes an index as it reads the layer.
  static func headerLine(_ diffID: Digest) -> String {
    "\(LayerIndex.magic) \(LayerIndex.formatVersion) \(diffID)\n"
  }
  static func whiteoutLine(_ path: String) -> String { "W\t\(escapedField(path))\n" }
  static func opaqueLine(_ dir: String) -> String { "O\t\(escapedField(dir))\n" }
  static func entryLine(_ e: FileEntry) -> String {
    let esc = LayerIndex.escapedField
    let xattrs = (e.xattrs ?? [:]).sorted { $0.key < $1.key }
      .map { Data($0.key.utf8).base64EncodedString() + ":" + Data($0.value).base64EncodedString() }.joined(
        separator: ",")
    let fields = [
      "E", esc(e.path), e.type.rawValue, String(e.mode, radix: 8), String(e.uid), String(e.gid),
      String(e.size),
      String(e.mtime), e.sha256 ?? "", esc(e.link), xattrs, e.devMajor.map(String.init) ?? "",
      e.devMinor.map(String.init) ?? "",
    ]
    return fields.joined(separator: "\t") + "\n"
  }

  /// Parses ``encodedLines()``; `nil` for anything else (an old or damaged cache file).
  /// Works on bytes in place, not Characters (grapheme breaking would dominate the cost),
  /// and makes a string only for each text field: every index of an image is parsed by
  /// every `show`, `diff`, `log --stat` and rebase.
  public init?(lines data: Data) {
    guard let parsed = data.withUnsafeBytes({ LayerIndex.parse($0.bindMemory(to: UInt8.self)) }) else {
      return nil
    }
    self = parsed
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> LayerIndex? {
    func string(_ r: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }
    func text(_ r: Range<Int>) -> String? { unescapedField(UnsafeBufferPointer(rebasing: bytes[r])) }
    /// A decimal (or octal) number as the encoder writes it: an optional minus, digits.
    func int<T: FixedWidthInteger>(_ r: Range<Int>, radix: T = 10) -> T? {
      var i = r.lowerBound
      let negative = i < r.upperBound && bytes[i] == UInt8(ascii: "-")
      if negative { i += 1 }
      guard i < r.upperBound, !negative || T.isSigned else { return nil }
      var value: T = 0
      while i < r.upperBound {
        let d = T(truncatingIfNeeded: Int(bytes[i]) - 48)
        guard bytes[i] >= 48, d < radix else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: radix)
        let (v, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
        guard !o1, !o2 else { return nil }
        value = v
        i += 1
      }
      return value
    }
    var lineStart = 0
    func nextLine() -> Range<Int>? {
      while lineStart < bytes.count {
        let start = lineStart
        var end = start
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        lineStart = end + 1
        if end > start { return start..<end }
      }
      return nil
    }
    guard let header = nextLine() else { return nil }
    let h = string(header).split(separator: " ")
    guard h.count == 3, h[0] == LayerIndex.magic, Int(h[1]) == LayerIndex.formatVersion,
      let diffID = try? Digest(parsing: String(h[2]))
    else { return nil }
    var entries: [FileEntry] = []
    var whiteouts: [String] = []
    var opaque: [String] = []
    var repeats: [String: Int] = [:]
    var f: [Range<Int>] = []
    f.reserveCapacity(13)
    while let line = nextLine() {
      f.removeAll(keepingCapacity: true)
      var start = line.lowerBound
      for i in line where bytes[i] == 0x09 {
        f.append(start..<i)
        start = i + 1
      }
      f.append(start..<line.upperBound)
      guard f[0].count == 1 else { return nil }
      switch bytes[line.lowerBound] {
      case UInt8(ascii: "W"):
        guard f.count == 2, let p = text(f[1]) else { return nil }
        whiteouts.append(p)
      case UInt8(ascii: "R"):
        guard f.count == 3, let p = text(f[1]), let n: Int = int(f[2]) else { return nil }
        repeats[p] = n
      case UInt8(ascii: "O"):
        guard f.count == 2 else { return nil }
        opaque.append(text(f[1]) ?? "")
      case UInt8(ascii: "E"):
        guard f.count == 13, let path = text(f[1]),
          let type = EntryType.allCases.first(where: { $0.rawValue.utf8.elementsEqual(bytes[f[2]]) }),
          let mode: UInt32 = int(f[3], radix: 8), let uid: Int64 = int(f[4]), let gid: Int64 = int(f[5]),
          let size: Int64 = int(f[6]), let mtime: Int64 = int(f[7])
        else { return nil }
        var e = FileEntry(path: path, type: type, mode: mode, uid: uid, gid: gid, size: size, mtime: mtime)
        e.sha256 = f[8].isEmpty ? nil : string(f[8])
        e.link = text(f[9])
        if !f[10].isEmpty {
          var x: [String: [UInt8]] = [:]
          for pair in string(f[10]).split(separator: ",") {
            let kv = pair.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, let name = Data(base64Encoded: String(kv[0])),
              let value = Data(base64Encoded: String(kv[1]))
            else { return nil }
            x[String(decoding: name, as: UTF8.self)] = [UInt8](value)
          }
          e.xattrs = x
        }
        e.devMajor = int(f[11])
        e.devMinor = int(f[12])
        entries.append(e)
      default: return nil
      }
    }
    return LayerIndex(
      diffID: diffID, entries: entries, whiteouts: whiteouts, opaque: opaque, repeats: repeats)
  }
}
