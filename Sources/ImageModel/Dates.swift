import Foundation

/// RFC 3339 times as image configs and reflogs write them.
package enum Dates {
  private static let whole = Date.ISO8601FormatStyle()
  private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

  /// Parses `2024-05-01T10:00:00Z`, with or without fractional seconds (Go writes up to
  /// nine digits, more than the format style reads, so they are cut to three) and with a
  /// numeric offset. Nil for anything else.
  package static func parse(_ s: String?) -> Date? {
    guard let s else { return nil }
    if let d = try? whole.parse(s) { return d }
    guard let dot = s.firstIndex(of: ".") else { return nil }
    let digits = s[s.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
    let rest = s[digits.endIndex...]
    return try? fractional.parse(
      String(s[..<dot]) + "." + digits.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0) + rest)
  }

  /// The current time as RFC 3339 in UTC, to the second.
  package static func now() -> String { whole.format(Date()) }

  /// A time as RFC 3339 in UTC, to the second.
  package static func format(_ date: Date) -> String { whole.format(date) }
}
