internal import Crypto
import Foundation

/// A content digest, `sha256:` followed by 64 lowercase hex digits: the only algorithm OCI
/// layouts written by skopeo, umoci and docker use.
public struct Digest: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The 64 hex digits.
  public let hex: String

  public init(parsing string: String) throws {
    guard string.hasPrefix("sha256:") else { throw ModelError.invalidDigest(string) }
    let hex = String(string.dropFirst(7))
    guard Digest.isHex64(hex) else { throw ModelError.invalidDigest(string) }
    self.hex = hex
  }

  public init(hex: String) throws {
    guard Digest.isHex64(hex) else { throw ModelError.invalidDigest(hex) }
    self.hex = hex
  }

  /// The digest of `data`.
  public init(of data: some DataProtocol) {
    self.init(SHA256.hash(data: data))
  }

  init(_ digest: SHA256.Digest) {
    hex = digest.withUnsafeBytes { Digest.hex($0) }
  }

  /// Lowercase hex through a table: `String(format:)` costs tens of microseconds a digest,
  /// which dominated indexing a layer of many small files.
  static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
      for (i, b) in bytes.enumerated() {
        out[2 * i] = digits[Int(b >> 4)]
        out[2 * i + 1] = digits[Int(b & 0x0f)]
      }
      return bytes.count * 2
    }
  }

  /// `sha256:<hex>`.
  public var description: String { "sha256:" + hex }
  /// The first 12 hex digits, as people read digests.
  public var short: String { String(hex.prefix(12)) }

  public static func < (a: Digest, b: Digest) -> Bool { a.hex < b.hex }

  public init(from decoder: any Decoder) throws {
    let s = try decoder.singleValueContainer().decode(String.self)
    try self.init(parsing: s)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }

  static func isHex64(_ s: String) -> Bool {
    s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }
}

/// Incremental SHA-256 for streams: feed chunks, then read the digest once.
public struct DigestHasher {
  private var hasher = SHA256()
  public private(set) var count: Int64 = 0

  public init() {}

  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    hasher.update(bufferPointer: bytes)
    count += Int64(bytes.count)
  }

  public mutating func update(_ data: Data) {
    hasher.update(data: data)
    count += Int64(data.count)
  }

  public func finalize() -> Digest { Digest(hasher.finalize()) }
}
