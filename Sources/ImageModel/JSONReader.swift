import Foundation

extension JSONValue {
  /// Reads one JSON document (RFC 8259) into a value.
  ///
  /// Foundation's `JSONDecoder` reads a ``JSONValue`` through `Codable`, which can only ask
  /// for each type in turn and throws for every wrong guess: 180 µs for a small config, most
  /// of `tag` or `log` over a thousand images, and seconds for a config of a thousand history
  /// entries. This reader looks at the next byte instead. It is stricter than the decoder
  /// where Go's `encoding/json` (umoci, skopeo, containerd) is: a trailing comma is refused.
  /// Numbers follow the decoder: a value that is a whole number within `Int64` (`1`, `1.0`,
  /// `1e2`) is ``int(_:)``, any other finite number ``double(_:)``.
  ///
  /// - Throws: ``ModelError/malformedJSON(what:reason:)`` naming `what` and the byte offset:
  ///   not JSON, invalid UTF-8, a lone surrogate, nesting deeper than 512, or a key that
  ///   appears twice in one object (Foundation keeps one of the two values and Go the
  ///   other, so the same manifest would name different images).
  public static func parse(_ data: Data, what: String) throws -> JSONValue {
    try data.withUnsafeBytes { bytes in
      var reader = JSONReader(bytes)
      do throws(JSONReader.Failure) {
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.at == bytes.count else { throw JSONReader.Failure("unexpected data after the value") }
        return value
      } catch {
        throw ModelError.malformedJSON(what: what, reason: "\(error.reason) at byte \(reader.at)")
      }
    }
  }
}

extension JSONValue {
  /// The members of the JSON object `data` holds, each value as the exact bytes it was
  /// written with, in order: what lets a file imggit shares with other tools (an auth file)
  /// be edited in one key while every other key keeps its bytes, numbers' digits included.
  /// Nil when the document is valid JSON but not an object.
  ///
  /// - Throws: ``ModelError/malformedJSON(what:reason:)`` as ``parse(_:what:)`` does.
  public static func rawMembers(of data: Data, what: String) throws -> [(key: String, raw: Data)]? {
    guard case .object = try parse(data, what: what) else { return nil }
    return try data.withUnsafeBytes { bytes in
      var reader = JSONReader(bytes)
      var members: [(key: String, raw: Data)] = []
      do throws(JSONReader.Failure) {
        reader.skipSpace()
        try reader.skip("{")
        reader.skipSpace()
        if try reader.take("}") { return members }
        while true {
          reader.skipSpace()
          let key = try reader.key()
          reader.skipSpace()
          try reader.skip(":")
          reader.skipSpace()
          let start = reader.at
          _ = try reader.value(depth: 1)
          members.append((key, Data(bytes[start..<reader.at])))
          reader.skipSpace()
          if try reader.take("}") { return members }
          try reader.skip(",")
        }
      } catch {
        throw ModelError.malformedJSON(what: what, reason: "\(error.reason) at byte \(reader.at)")
      }
    }
  }
}

/// A cursor over the bytes of one document; see ``JSONValue/parse(_:what:)``.
struct JSONReader {
  struct Failure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
  }

  private let bytes: UnsafeRawBufferPointer
  private(set) var at = 0
  /// Where an escaped string is assembled, reused between strings.
  private var scratch: [UInt8] = []
  static let maxDepth = 512

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  private var next: UInt8? { at < bytes.count ? bytes[at] : nil }

  mutating func skipSpace() {
    while at < bytes.count {
      switch bytes[at] {
      case 0x20, 0x09, 0x0A, 0x0D: at += 1
      default: return
      }
    }
  }

  mutating func value(depth: Int) throws(Failure) -> JSONValue {
    guard let b = next else { throw Failure("unexpected end of input") }
    switch b {
    case UInt8(ascii: "{"): return try object(depth: depth + 1)
    case UInt8(ascii: "["): return try array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default: throw Failure("unexpected character")
    }
  }

  /// Steps over `c`, which must be next.
  mutating func skip(_ c: Character) throws(Failure) { try expect(c) }

  /// Steps over `c` when it is next.
  mutating func take(_ c: Character) throws(Failure) -> Bool {
    guard next == c.asciiValue else { return false }
    at += 1
    return true
  }

  /// An object's key: a string.
  mutating func key() throws(Failure) -> String {
    guard next == UInt8(ascii: "\"") else { throw Failure("expected a key") }
    return try string()
  }

  private mutating func expect(_ c: Character) throws(Failure) {
    guard next == c.asciiValue else { throw Failure("expected \"\(c)\"") }
    at += 1
  }

  private mutating func literal(_ word: StaticString) throws(Failure) {
    let n = word.utf8CodeUnitCount
    guard at + n <= bytes.count, memcmp(bytes.baseAddress! + at, word.utf8Start, n) == 0 else {
      throw Failure("unexpected character")
    }
    at += n
  }

  private mutating func object(depth: Int) throws(Failure) -> JSONValue {
    guard depth <= Self.maxDepth else { throw Failure("nested deeper than \(Self.maxDepth)") }
    at += 1
    var fields: [String: JSONValue] = [:]
    skipSpace()
    if next == UInt8(ascii: "}") {
      at += 1
      return .object(fields)
    }
    while true {
      skipSpace()
      guard next == UInt8(ascii: "\"") else { throw Failure("expected a key") }
      let keyStart = at
      let key = try string()
      skipSpace()
      try expect(":")
      skipSpace()
      let v = try value(depth: depth)
      guard fields.updateValue(v, forKey: key) == nil else {
        at = keyStart
        throw Failure("the key \"\(key)\" appears twice in one object")
      }
      skipSpace()
      guard let b = next else { throw Failure("unexpected end of input") }
      at += 1
      if b == UInt8(ascii: "}") { return .object(fields) }
      guard b == UInt8(ascii: ",") else {
        at -= 1
        throw Failure("expected \",\" or \"}\"")
      }
    }
  }

  private mutating func array(depth: Int) throws(Failure) -> JSONValue {
    guard depth <= Self.maxDepth else { throw Failure("nested deeper than \(Self.maxDepth)") }
    at += 1
    var items: [JSONValue] = []
    skipSpace()
    if next == UInt8(ascii: "]") {
      at += 1
      return .array(items)
    }
    while true {
      skipSpace()
      items.append(try value(depth: depth))
      skipSpace()
      guard let b = next else { throw Failure("unexpected end of input") }
      at += 1
      if b == UInt8(ascii: "]") { return .array(items) }
      guard b == UInt8(ascii: ",") else {
        at -= 1
        throw Failure("expected \",\" or \"]\"")
      }
    }
  }

  /// A string; `at` is on its opening quote. Without escapes the bytes are taken as they
  /// are (after UTF-8 validation), which is nearly every string of a manifest or config.
  private mutating func string() throws(Failure) -> String {
    at += 1
    let start = at
    while at < bytes.count {
      let b = bytes[at]
      if b == UInt8(ascii: "\"") {
        let s = try Self.utf8(UnsafeRawBufferPointer(rebasing: bytes[start..<at]))
        at += 1
        return s
      }
      if b == UInt8(ascii: "\\") { break }
      guard b >= 0x20 else { throw Failure("control character in a string") }
      at += 1
    }
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<at]))
    while at < bytes.count {
      let b = bytes[at]
      switch b {
      case UInt8(ascii: "\""):
        at += 1
        guard let s = scratch.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) else {
          throw Failure("invalid UTF-8 in a string")
        }
        return s
      case UInt8(ascii: "\\"):
        at += 1
        guard let e = next else { throw Failure("unexpected end of input") }
        at += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"): scratch.append(contentsOf: try escapedScalar().utf8)
        default:
          at -= 1
          throw Failure("invalid escape")
        }
      default:
        guard b >= 0x20 else { throw Failure("control character in a string") }
        scratch.append(b)
        at += 1
      }
    }
    throw Failure("unterminated string")
  }

  /// The scalar of `\uXXXX` (`at` past the `u`), joining a surrogate pair.
  private mutating func escapedScalar() throws(Failure) -> String {
    let high = try hex4()
    var scalar = UInt32(high)
    if (0xD800..<0xDC00).contains(high) {
      guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
        throw Failure("lone surrogate in a string")
      }
      at += 2
      let low = try hex4()
      guard (0xDC00..<0xE000).contains(low) else { throw Failure("lone surrogate in a string") }
      scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
    } else if (0xDC00..<0xE000).contains(high) {
      throw Failure("lone surrogate in a string")
    }
    // Every value outside the surrogates is a scalar.
    return String(Unicode.Scalar(scalar)!)
  }

  private mutating func hex4() throws(Failure) -> UInt16 {
    guard at + 4 <= bytes.count else { throw Failure("unexpected end of input") }
    var v: UInt16 = 0
    for _ in 0..<4 {
      let b = bytes[at]
      let digit: UInt8
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
      default: throw Failure("invalid \\u escape")
      }
      v = v << 4 | UInt16(digit)
      at += 1
    }
    return v
  }

  private static func utf8(_ buffer: UnsafeRawBufferPointer) throws(Failure) -> String {
    guard let s = String(validating: buffer, as: UTF8.self) else {
      throw Failure("invalid UTF-8 in a string")
    }
    return s
  }

  /// A number, by RFC 8259's grammar. A plain integer is read from its digits; anything
  /// else goes through `Double`'s own parsing of the text.
  private mutating func number() throws(Failure) -> JSONValue {
    let start = at
    let negative = next == UInt8(ascii: "-")
    if negative { at += 1 }
    var magnitude: UInt64 = 0
    var overflow = false
    guard let first = next, isDigit(first) else { throw Failure("invalid number") }
    if first == UInt8(ascii: "0") {
      at += 1
    } else {
      while let b = next, isDigit(b) {
        let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
        overflow = overflow || o1 || o2
        magnitude = s
        at += 1
      }
    }
    var integral = true
    if next == UInt8(ascii: ".") {
      integral = false
      at += 1
      guard let b = next, isDigit(b) else { throw Failure("invalid number") }
      while let b = next, isDigit(b) { at += 1 }
    }
    if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
      integral = false
      at += 1
      if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { at += 1 }
      guard let b = next, isDigit(b) else { throw Failure("invalid number") }
      while let b = next, isDigit(b) { at += 1 }
    }
    if integral, !overflow {
      if negative, magnitude <= UInt64(Int64.max) + 1 {
        return .int(Int64(truncatingIfNeeded: 0 &- magnitude))
      }
      if !negative, magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
    }
    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
    guard let d = Double(text), d.isFinite else {
      at = start
      throw Failure("number out of range")
    }
    // As the decoder: a whole number that fits is an integer, whichever way it was written
    // (an integer written out that does not fit stays a double, even where it rounds to one
    // that would).
    if !integral, d.rounded() == d, d >= -0x1p63, d < 0x1p63 { return .int(Int64(d)) }
    return .double(d)
  }

  private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
