import Foundation

/// File names are bytes; Swift strings are Unicode. This codec carries any byte string in a
/// `String` without loss, so two names that differ in bytes never become one name.
///
/// Two traps stand between bytes and a `String` key. Bytes that are not UTF-8 have no
/// scalar: each becomes one scalar of a private-use range, U+10FF00 + byte. And `String`
/// equality is canonical equivalence: NFC `café` and NFD `café`, Ω (U+03A9) and the ohm sign
/// (U+2126), are one key to a dictionary but two files to tar, the kernel and umoci. So a
/// decoded name is always its own NFC, where canonically equivalent strings are equal
/// scalar for scalar: a name whose UTF-8 is NFC is read as it is, and any other has every
/// byte above ASCII escaped into that private-use range (scalars that no normalization
/// touches). ASCII is never escaped, so `/`, `.` and the `.wh.` prefix keep their meaning.
///
/// The choice is made one path component at a time, so a folder's name decodes the same
/// alone (from `readdir`) as inside a longer path (from a tar header). A component is read
/// as it is only when each of its ASCII characters, and a `/` on either side, stays a
/// character of its own: a component starting with a combining mark would otherwise glue
/// to the `/` before it, and `String` splitting and prefix tests, which work on
/// characters, would miss that separator.
///
/// Decoding is one-to-one, `encode(decode(bytes)) == bytes` for every byte string; a name
/// whose valid UTF-8 already holds a scalar of the escape range (no real name does) has
/// those scalars' bytes escaped too. Names are decoded where they enter (libarchive,
/// `readdir`, paths typed by a user) and encoded where they leave (libarchive, system
/// calls, libgit2); in between, and in the index cache, they are plain strings.
public enum FileName {
  static let base: UInt32 = 0x10_FF00

  /// The name whose bytes are `bytes`.
  public static func decode<C: Collection<UInt8>>(_ bytes: C) -> String {
    // ASCII is its own NFC and nothing in it glues to a neighbour: most names stop here.
    guard bytes.contains(where: { $0 >= 0x80 }) else { return String(decoding: bytes, as: UTF8.self) }
    let b = Array(bytes)
    return b.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(component)
      .joined(separator: "/")
  }

  /// One path component: as it is when that is safe as a key, else with every byte above
  /// ASCII escaped.
  static func component(_ bytes: ArraySlice<UInt8>) -> String {
    guard bytes.contains(where: { $0 >= 0x80 }) else { return String(decoding: bytes, as: UTF8.self) }
    let readable = escapingInvalid(bytes)
    if isKeySafe(readable) { return readable }
    var scalars = String.UnicodeScalarView()
    for byte in bytes {
      scalars.append(byte < 0x80 ? Unicode.Scalar(byte) : Unicode.Scalar(base + UInt32(byte))!)
    }
    return String(scalars)
  }

  /// True when `name` is its own NFC (compared scalar by scalar: `==` would call any
  /// canonically equivalent string equal) and its ASCII characters, framed by `/`, each
  /// stay a character of their own.
  static func isKeySafe(_ name: String) -> Bool {
    // Below the combining marks (U+0300) every scalar is NFC and glues to no neighbour, CR
    // to LF aside: most accented names are answered without normalizing.
    if name.unicodeScalars.allSatisfy({ $0.value < 0x300 && $0 != "\r" }) { return true }
    guard name.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(name.unicodeScalars) else {
      return false
    }
    let framed = "/" + name + "/"
    return framed.unicodeScalars.count(where: \.isASCII)
      == framed.count(where: { $0.isASCII && $0.unicodeScalars.count == 1 })
  }

  /// Valid UTF-8 read as it is, every other byte (and the bytes of a scalar of the escape
  /// range) escaped.
  static func escapingInvalid<C: Collection<UInt8>>(_ bytes: C) -> String {
    if let s = String(validating: bytes, as: UTF8.self),
      !s.unicodeScalars.contains(where: { $0.value >= base })
    {
      return s
    }
    let b = Array(bytes)
    var scalars = String.UnicodeScalarView()
    var i = 0
    while i < b.count {
      // The one scalar of valid UTF-8 starting at i, if there is one.
      var scalar: Unicode.Scalar?
      var length = 0
      for k in 1...4 where i + k <= b.count {
        if let s = String(validating: b[i..<(i + k)], as: UTF8.self), s.unicodeScalars.count == 1 {
          scalar = s.unicodeScalars.first
          length = k
          break
        }
      }
      if let scalar, scalar.value < base {
        scalars.append(scalar)
        i += length
      } else {
        for byte in b[i..<(i + max(length, 1))] { scalars.append(Unicode.Scalar(base + UInt32(byte))!) }
        i += max(length, 1)
      }
    }
    return String(scalars)
  }

  /// The name libarchive or the C library hands out as a C string.
  public static func decode(cString: UnsafePointer<CChar>) -> String {
    decode(
      UnsafeBufferPointer(
        start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self), count: strlen(cString)))
  }

  /// The bytes of a name.
  public static func encode(_ name: String) -> [UInt8] {
    guard hasEscapes(name) else { return Array(name.utf8) }
    var out: [UInt8] = []
    for scalar in name.unicodeScalars {
      if scalar.value >= base {
        out.append(UInt8(scalar.value - base))
      } else {
        out += String(scalar).utf8
      }
    }
    return out
  }

  /// The bytes of a name, NUL-terminated, for a C call.
  public static func cString(_ name: String) -> [CChar] {
    encode(name).map { CChar(bitPattern: $0) } + [0]
  }

  /// True when the name holds escaped bytes: bytes that are not UTF-8, or a name whose
  /// UTF-8 is not safe as a key (see ``FileName``).
  public static func hasEscapes(_ name: String) -> Bool { name.unicodeScalars.contains { $0.value >= base } }

  /// The name for people, and for JSON: its bytes, with those that are not UTF-8 shown as
  /// `\xNN`. A name that is UTF-8 shows as that text, whatever its normalization, so an NFD
  /// name prints as the NFD bytes `ls` prints for it.
  public static func display(_ name: String) -> String {
    guard hasEscapes(name) else { return name }
    var out = ""
    for scalar in escapingInvalid(encode(name)).unicodeScalars {
      if scalar.value >= base {
        let hex = String(scalar.value - base, radix: 16)
        out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
