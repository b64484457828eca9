/// What every error of imggit's library is: one line that says what went wrong and names
/// what was involved (the file, digest, revision or registry), and the error it came from,
/// if it was made from another (a libarchive or system failure).
///
/// The command line prints an `ImggitError` once, as `imggit: <description>`, and may add a
/// hint about its own flags; the library's messages never name a flag.
public protocol ImggitError: Error, Sendable, CustomStringConvertible {
  /// The error this one was made from, when there is one.
  var cause: (any Error)? { get }
}

extension ImggitError {
  public var cause: (any Error)? { nil }
}

extension String {
  /// The text with every control character (C0, DEL, C1) and bidirectional override written
  /// as an escape (`\n`, `\x1b`, `\u{202E}`): what a registry, an archive or a file name says
  /// is printed as one line that cannot forge another, move the cursor or reorder what a
  /// terminal shows.
  public var escapingControlCharacters: String {
    guard unicodeScalars.contains(where: String.needsEscape) else { return self }
    var out = ""
    for scalar in unicodeScalars {
      guard String.needsEscape(scalar) else {
        out.unicodeScalars.append(scalar)
        continue
      }
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        let hex = String(scalar.value, radix: 16)
        out += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
      }
    }
    return out
  }

  private static func needsEscape(_ s: Unicode.Scalar) -> Bool {
    s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
      || (0x2066...0x2069).contains(s.value)
  }
}
