import Foundation
import ImageModel
import ImageStore
import LayerFS

/// A path a base changed between two of its commits, and how: what rebase's conflict check
/// holds against the paths the replayed layers touch.
struct BaseChange: Sendable, Hashable {
  let kind: Change.Kind
  let path: String
}

/// The base changes between two root filesystems, kept in the store's cache
/// (`.imggit/cache/base-changes/`). A tree is its layers' DiffIDs in order, so the file is
/// named by a hash of both lists and holds them, to be checked on reading and for gc.
/// Finding them costs a build of the old base's tree from its file indexes, most of a warm
/// rebase; every later rebase onto the same new base, and every `rebase --all`, reads this
/// instead.
///
///     imggit-base-changes 2
///     old <DiffID> <DiffID> ...
///     new <DiffID> <DiffID> ...
///     <A|M|D> <path>            (tab-separated, the path escaped as in a layer index)
struct BaseChangesCache {
  let cache: Cache

  init(store: Store) { cache = store.cache("base-changes") }

  // 2: paths as FileName decodes them since NFD names became keys of their own; a version 1
  // file holds an NFD name as its NFC twin. The version is in the header, hence in the file's
  // name: old files are never read, and gc removes them.
  static let magic = "imggit-base-changes 2"

  /// The first lines of the file for `old` and `new`, which also name it.
  static func header(old: [Digest], new: [Digest]) -> String {
    let list = { (layers: [Digest]) in layers.map(\.description).joined(separator: " ") }
    return "\(magic)\nold \(list(old))\nnew \(list(new))\n"
  }

  static func name(old: [Digest], new: [Digest]) -> String {
    Digest(of: Data(header(old: old, new: new).utf8)).hex + ".chg"
  }

  /// The changes from the tree of `old` to the tree of `new`, when cached.
  func read(old: [Digest], new: [Digest]) -> [BaseChange]? {
    guard let data = cache.read(Self.name(old: old, new: new)) else { return nil }
    return Self.parse(data, old: old, new: new)
  }

  func write(_ changes: [BaseChange], old: [Digest], new: [Digest]) {
    var out = Self.header(old: old, new: new)
    for c in changes { out += "\(c.kind.rawValue)\t\(LayerIndex.escapedField(c.path))\n" }
    cache.write(Data(out.utf8), Self.name(old: old, new: new))
  }

  /// Removes the files that name a layer not in `keeping` (gc), and any that does not parse;
  /// returns how many.
  func removeCaches(keeping: Set<Digest>, dryRun: Bool) throws -> Int {
    var removed = 0
    for name in try cache.names() {
      let layers = cache.read(name).flatMap(Self.layers)
      if let layers, layers.allSatisfy(keeping.contains) { continue }
      removed += 1
      if !dryRun { try cache.remove(name) }
    }
    return removed
  }

  /// The DiffIDs a file names, old and new together; nil when it is not such a file.
  private static func layers(_ data: Data) -> [Digest]? {
    let lines = data.split(separator: 0x0a, maxSplits: 3, omittingEmptySubsequences: false)
    guard lines.count >= 3, String(decoding: lines[0], as: UTF8.self) == magic else { return nil }
    var digests: [Digest] = []
    for (line, label) in zip(lines[1...2], ["old", "new"]) {
      let words = String(decoding: line, as: UTF8.self).split(separator: " ")
      guard words.first.map(String.init) == label else { return nil }
      for w in words.dropFirst() {
        guard let d = try? Digest(parsing: String(w)) else { return nil }
        digests.append(d)
      }
    }
    return digests
  }

  private static func parse(_ data: Data, old: [Digest], new: [Digest]) -> [BaseChange]? {
    let expected = header(old: old, new: new)
    guard data.starts(with: expected.utf8) else { return nil }
    return data.dropFirst(expected.utf8.count).withUnsafeBytes { raw -> [BaseChange]? in
      let bytes = raw.bindMemory(to: UInt8.self)
      var changes: [BaseChange] = []
      var start = 0
      while start < bytes.count {
        let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
        guard end - start >= 2, bytes[start + 1] == 0x09,
          let kind = Change.Kind(rawValue: String(UnicodeScalar(bytes[start])))
        else { return nil }
        let path = LayerIndex.unescapedField(UnsafeBufferPointer(rebasing: bytes[(start + 2)..<end])) ?? ""
        changes.append(BaseChange(kind: kind, path: path))
        start = end + 1
      }
      // A file cut short (a crash while the cache was written) is no answer.
      return bytes.last == 0x0a || bytes.isEmpty ? changes : nil
    }
  }
}
