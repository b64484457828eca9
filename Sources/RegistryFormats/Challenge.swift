/// One challenge of a `WWW-Authenticate` header: its scheme and parameters.
public struct Challenge: Sendable, Equatable {
  /// The scheme, lowercased: `basic`, `bearer`.
  public var scheme: String
  /// The parameters by lowercased name, values unquoted.
  public var parameters: [String: String]

  public init(scheme: String, parameters: [String: String] = [:]) {
    self.scheme = scheme
    self.parameters = parameters
  }

  /// Every challenge of a `WWW-Authenticate` value, as RFC 9110 §11.6.1 writes them: a
  /// header may hold several (`Basic realm="r", Bearer realm="https://auth/token"`), and a
  /// quoted value may hold commas, spaces and escaped quotes. What does not parse ends the
  /// list; nothing here throws or traps, whatever a registry sends.
  public static func parse(_ header: String) -> [Challenge] {
    var scanner = Scanner(Array(header.unicodeScalars))
    var challenges: [Challenge] = []
    while true {
      scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
      guard let scheme = scanner.token(), !scheme.isEmpty else { break }
      var challenge = Challenge(scheme: scheme.lowercased())
      // Parameters, or a token68 (`Bearer abc==`), until the next scheme.
      while true {
        let mark = scanner.at
        scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
        guard let name = scanner.token(), !name.isEmpty else {
          scanner.at = mark
          break
        }
        scanner.skip { $0 == " " || $0 == "\t" }
        guard scanner.take("=") else {
          // A token not followed by `=` starts the next challenge.
          scanner.at = mark
          break
        }
        scanner.skip { $0 == " " || $0 == "\t" }
        // RFC 9110 wants a token or a quoted string; some registries send an unquoted URL.
        let value = scanner.peek == "\"" ? scanner.quoted() : scanner.bare()
        challenge.parameters[name.lowercased()] = value
      }
      challenges.append(challenge)
      // A token68 or junk: skip to the next comma.
      scanner.skip { $0 != "," }
    }
    return challenges
  }

  /// The challenge imggit answers among several: Bearer (a token for the exact scope)
  /// before Basic.
  public static func preferred(_ header: String) -> Challenge? {
    let all = parse(header)
    return all.first { $0.scheme == "bearer" } ?? all.first
  }
}

/// A cursor over the scalars of a header value.
private struct Scanner {
  let scalars: [Unicode.Scalar]
  var at = 0

  init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

  var peek: Unicode.Scalar? { at < scalars.count ? scalars[at] : nil }

  mutating func skip(while test: (Unicode.Scalar) -> Bool) {
    while let c = peek, test(c) { at += 1 }
  }

  mutating func take(_ c: Unicode.Scalar) -> Bool {
    guard peek == c else { return false }
    at += 1
    return true
  }

  /// An RFC 9110 token (tchar), nil at the end.
  mutating func token() -> String? {
    guard peek != nil else { return nil }
    var out = String.UnicodeScalarView()
    while let c = peek, Scanner.isTokenChar(c) {
      out.append(c)
      at += 1
    }
    // A token68 may end in `=` padding; as a parameter name it never does.
    return String(out)
  }

  /// An unquoted value: up to the next comma or white space.
  mutating func bare() -> String {
    var out = String.UnicodeScalarView()
    while let c = peek, c != ",", c != " ", c != "\t" {
      out.append(c)
      at += 1
    }
    return String(out)
  }

  /// A quoted-string, the cursor on its opening quote; an unterminated one takes the rest.
  mutating func quoted() -> String {
    at += 1
    var out = String.UnicodeScalarView()
    while let c = peek {
      at += 1
      if c == "\\", let next = peek {
        out.append(next)
        at += 1
      } else if c == "\"" {
        break
      } else {
        out.append(c)
      }
    }
    return String(out)
  }

  static func isTokenChar(_ c: Unicode.Scalar) -> Bool {
    if c.value > 0x7E || c.value <= 0x20 { return false }
    return !"\"(),/:;<=>?@[\\]{}".unicodeScalars.contains(c)
  }
}
