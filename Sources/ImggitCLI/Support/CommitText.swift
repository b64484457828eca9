import Foundation
import History
import ImageModel
import LayerFS
import TarStream

/// The human forms of a commit and of file changes, shared by `log`, `show` and `diff`.
enum CommitText {
  /// `commit <id> (tags)`, then author, date, layer, and the indented message.
  static func header(_ c: Commit, tags: [TagName], git: String? = nil) -> [String] {
    let decorations =
      tags.isEmpty
      ? "" : " (" + tags.map { Terminal.paint($0.description, .green) }.joined(separator: ", ") + ")"
    var lines = ["\(Terminal.paint("commit \(c.id.hex)", .yellow))\(decorations)"]
    if let git { lines.append("Git:     \(git)") }
    if let author = c.history.author { lines.append("Author:  \(author)") }
    lines.append("Date:    \(Format.date(c.history.created))")
    lines.append(
      "Layer:   " + (c.layer.map { "\($0.digest.short) \(Format.size($0.size))" } ?? "empty (config only)"))
    lines.append("")
    let body = c.synthetic ? Summary.title(c) : (c.history.createdBy ?? "(no created_by)")
    lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    if let comment = c.history.comment, !comment.isEmpty {
      lines.append("")
      lines += comment.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    }
    return lines
  }

  /// `A<TAB>path` lines, as `git diff --name-status` prints them. Names are bytes: one
  /// that is not UTF-8 prints with `\xNN` for those bytes.
  static func nameStatus(_ changes: [Change]) -> [String] {
    changes.map { c in
      let color: Terminal.Color = c.kind == .added ? .green : c.kind == .deleted ? .red : .yellow
      return "\(Terminal.paint(c.kind.rawValue, color))\t\(FileName.display(c.path))"
    }
  }

  /// One line per path with its size change, then a summary line.
  static func stat(_ changes: [Change]) -> [String] {
    let width = min(60, changes.map { FileName.display($0.path).count }.max() ?? 0)
    var lines = changes.map { c -> String in
      let shown = FileName.display(c.path)
      let path =
        shown.count > width
        ? "…" + shown.suffix(width - 1) : shown.padding(toLength: width, withPad: " ", startingAt: 0)
      let what: String
      switch c.kind {
      case .added: what = Terminal.paint("+ \(describe(c.new!))", .green)
      case .deleted: what = Terminal.paint("- \(describe(c.old!))", .red)
      case .modified: what = "\(describe(c.old!)) -> \(describe(c.new!))"
      }
      return " \(path) | \(what)"
    }
    lines.append(summary(changes))
    return lines
  }

  static func summary(_ changes: [Change]) -> String {
    let added = changes.filter { $0.kind == .added }.count
    let modified = changes.filter { $0.kind == .modified }.count
    let deleted = changes.filter { $0.kind == .deleted }.count
    let bytes = changes.totalSize { ($0.new?.size ?? 0) &- ($0.old?.size ?? 0) }
    return
      " \(Format.count(changes.count, "path")) changed: \(added) added, \(modified) modified, \(deleted) deleted (\(bytes >= 0 ? "+" : "-")\(Format.size(abs(bytes))))"
  }

  private static func describe(_ e: FileEntry) -> String {
    switch e.effectiveType {
    case .regular: return Format.size(e.size)
    case .symlink: return "-> \(e.link ?? "")"
    default: return e.type.rawValue
    }
  }
}

/// The JSON form of a change.
struct ChangeJSON: Encodable {
  let kind: String
  let path: String
  let old: EntryJSON?
  let new: EntryJSON?
  init(_ c: Change) {
    kind = c.kind.rawValue
    path = FileName.display(c.path)
    old = c.old.map(EntryJSON.init)
    new = c.new.map(EntryJSON.init)
  }
}

/// The JSON form of a file entry: names as ``FileName/display(_:)`` shows them, xattr values
/// in base64.
struct EntryJSON: Encodable {
  let path: String
  let type: String
  let mode: UInt32
  let uid: Int64
  let gid: Int64
  let size: Int64
  let mtime: Int64
  let sha256: String?
  let link: String?
  let xattrs: [String: String]?
  let devMajor: UInt32?
  let devMinor: UInt32?

  init(_ e: FileEntry) {
    path = FileName.display(e.path)
    type = e.type.rawValue
    mode = e.mode
    uid = e.uid
    gid = e.gid
    size = e.size
    mtime = e.mtime
    sha256 = e.sha256
    link = e.link.map(FileName.display)
    xattrs = e.xattrs?.mapValues { Data($0).base64EncodedString() }
    devMajor = e.devMajor
    devMinor = e.devMinor
  }

  enum CodingKeys: String, CodingKey {
    case path, type, mode, uid, gid, size, mtime, sha256, link, xattrs
    case devMajor = "dev_major"
    case devMinor = "dev_minor"
  }
}
