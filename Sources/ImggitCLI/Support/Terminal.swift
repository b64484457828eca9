import Foundation
import History
import ImageModel
import LayerFS

/// Where output goes and how it looks: colour only on a terminal and never with NO_COLOR.
enum Terminal {
  static let colorEnabled: Bool = {
    let env = ProcessInfo.processInfo.environment
    if env["NO_COLOR"] != nil || env["TERM"] == "dumb" { return false }
    return isatty(STDOUT_FILENO) == 1
  }()

  enum Color: String {
    case yellow = "33", green = "32", cyan = "36", red = "31", bold = "1", dim = "2"
  }

  static func paint(_ s: String, _ color: Color) -> String {
    colorEnabled ? "\u{1b}[\(color.rawValue)m\(s)\u{1b}[0m" : s
  }

  static func printError(_ s: String) {
    ProgressBar.breakLine()
    FileHandle.standardError.write(Data((s + "\n").utf8))
  }

  /// The width of the terminal on standard error (80 when it cannot be told).
  static func width() -> Int {
    var size = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
  }

  /// Pretty, key-sorted JSON on standard output.
  static func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }
}

/// Human forms of sizes and dates.
enum Format {
  /// ` on 2 platforms (linux/amd64, linux/arm64)`, or nothing for a single-platform image.
  static func platforms(_ ps: [Platform]) -> String {
    ps.isEmpty ? "" : " on \(count(ps.count, "platform")) (\(ps.map(\.label).joined(separator: ", ")))"
  }

  /// `1 blob`, `2 blobs`: a count with its noun, in the plural when it is not one.
  static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
  }

  /// Decimal units, as `docker images` prints them.
  static func size(_ bytes: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var v = Double(bytes)
    var u = 0
    while v >= 1000, u < units.count - 1 {
      v /= 1000
      u += 1
    }
    return u == 0
      ? "\(bytes) B" : String(format: v < 10 ? "%.2f %@" : v < 100 ? "%.1f %@" : "%.0f %@", v, units[u])
  }

  /// `2024-05-01 10:00:00 UTC`. Cut from the RFC 3339 form in UTC, which has a fixed
  /// width: a `DateFormatter` costs 200 µs to make, a fifth of `tag` over a thousand images.
  static func date(_ s: String?) -> String {
    guard let d = Dates.parse(s) else { return s ?? "-" }
    let utc = Dates.format(d)  // yyyy-MM-ddTHH:mm:ssZ
    return "\(utc.prefix(10)) \(utc.dropFirst(11).prefix(8)) UTC"
  }

  /// `2024-05-01`.
  static func shortDate(_ s: String?) -> String {
    guard let d = Dates.parse(s) else { return "-" }
    return String(Dates.format(d).prefix(10))
  }
}

/// The JSON form of a commit, shared by `log --json` and other listings.
struct CommitJSON: Encodable {
  let id: String
  let parent: String?
  let created: String?
  let author: String?
  let createdBy: String?
  let comment: String?
  let emptyLayer: Bool
  let diffID: String?
  let layer: Descriptor?
  let tags: [String]?
  let changes: [ChangeJSON]?
  let gitCommit: String?

  init(_ c: Commit, tags: [TagName]? = nil, changes: [Change]? = nil, git: String? = nil) {
    id = c.id.hex
    parent = c.parent?.hex
    created = c.history.created
    author = c.history.author
    createdBy = c.history.createdBy
    comment = c.history.comment
    emptyLayer = c.isEmpty
    diffID = c.diffID?.description
    layer = c.layer?.descriptor
    self.tags = tags?.map(\.description)
    self.changes = changes?.map(ChangeJSON.init)
    gitCommit = git
  }

  enum CodingKeys: String, CodingKey {
    case id, parent, created, author, comment, layer, tags, changes
    case createdBy = "created_by"
    case emptyLayer = "empty_layer"
    case diffID = "diff_id"
    case gitCommit = "git_commit"
  }
}
