import Foundation
import ImageModel

/// One move of a tag: what it pointed to before and after, when, and by which command.
public struct ReflogEntry: Sendable, Hashable, Codable {
  public let old: Descriptor?
  /// `nil` when the tag was deleted.
  public let new: Descriptor?
  public let time: String
  public let command: String
}

extension Store {
  /// The reflog file of a tag; tag names hold `:` and `/`, so every other byte is %-escaped.
  func reflogPath(_ tag: TagName) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".utf8)
    let escaped = tag.description.utf8.map {
      allowed.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0)
    }.joined()
    return "\(reflogDirectory)/\(escaped)"
  }

  func appendReflog(_ entry: ReflogEntry, for tag: TagName) throws {
    var line = try CanonicalJSON.encode(entry)
    line.append(0x0a)
    let file = try FileHandleFD(path: reflogPath(tag), flags: O_WRONLY | O_CREAT | O_APPEND)
    try line.withUnsafeBytes { try file.writeAll($0) }
    try file.sync()
  }

  /// A tag's moves, newest first. Entry N is what `tag@{N}` names (its `new` value).
  public func reflog(_ tag: TagName) throws -> [ReflogEntry] {
    let p = reflogPath(tag)
    guard FS.exists(p) else { return [] }
    let text = String(decoding: try FS.readFile(p), as: UTF8.self)
    var entries: [ReflogEntry] = []
    for (n, line) in text.split(separator: "\n").enumerated() {
      entries.append(
        try CanonicalJSON.decode(ReflogEntry.self, from: Data(line.utf8), what: "\(p) line \(n + 1)"))
    }
    return entries.reversed()
  }

  /// Drops reflog entries older than `cutoff` (all tags); returns how many. Call it under
  /// the store's lock (from ``Store/update(command:_:)``).
  public func expireReflogs(before cutoff: Date, dryRun: Bool) throws -> Int {
    let f = ISO8601DateFormatter()
    var dropped = 0
    for tag in reflogTags() {
      let entries = try reflog(tag)
      let kept = entries.filter { f.date(from: $0.time).map { $0 >= cutoff } ?? true }
      dropped += entries.count - kept.count
      guard !dryRun, kept.count != entries.count else { continue }
      if kept.isEmpty {
        FS.remove(reflogPath(tag))
        continue
      }
      var data = Data()
      for e in kept.reversed() {
        data.append(try CanonicalJSON.encode(e))
        data.append(0x0a)
      }
      try FS.atomicWrite(data, to: reflogPath(tag), tempDirectory: tempDirectory)
    }
    return dropped
  }

  /// Every tag that has a reflog, including deleted ones.
  public func reflogTags() -> [TagName] {
    FS.listDirectory(reflogDirectory).compactMap { name in
      name.removingPercentEncoding.flatMap { try? TagName(parsing: $0) }
    }.sorted()
  }
}

#if canImport(Glibc)
  import Glibc
#endif
