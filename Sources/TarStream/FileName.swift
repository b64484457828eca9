/// File names are bytes; Swift strings are Unicode. This codec carries any byte string in a
/// `String` without loss, so two names that differ in bytes never become one name.
///
/// Valid UTF-8 is read as it is. Every byte that is not part of valid UTF-8 becomes one
/// scalar of a private-use range, U+10FF00 + byte, and encoding turns those scalars back
/// into their bytes. A name whose valid UTF-8 already holds a scalar of that range (no real
/// name does) has those scalars' bytes escaped too, which keeps decoding one-to-one:
/// `encode(decode(bytes)) == bytes` for every byte string.
///
/// Names are decoded where they enter (libarchive, `readdir`) and encoded where they leave
/// (libarchive, system calls, libgit2); in between, and in the index cache, they are plain
/// strings.
public enum FileName {
  static let base: UInt32 = 0x10_FF00

  /// The name whose bytes are `bytes`.
  public static func decode<C: Collection<UInt8>>(_ bytes: C) -> String {
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
    guard name.unicodeScalars.contains(where: { $0.value >= base }) else { return Array(name.utf8) }
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

  /// True when the name's bytes are not valid UTF-8 (it holds raw bytes).
  public static func hasRawBytes(_ name: String) -> Bool { name.unicodeScalars.contains { $0.value >= base } }

  /// The name for people: raw bytes shown as `\xNN`, the rest as it is.
  public static func display(_ name: String) -> String {
    guard hasRawBytes(name) else { return name }
    var out = ""
    for scalar in name.unicodeScalars {
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

#if canImport(Glibc)
  import Glibc
#endif
