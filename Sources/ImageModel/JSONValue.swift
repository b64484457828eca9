import Foundation

/// A JSON document kept as values, so that fields imggit does not model survive a
/// read–modify–write cycle unchanged (OCI configs carry many vendor fields).
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// Integers are kept apart from doubles so that sizes and ids above 2^53 stay exact.
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The value of `key` when this is an object, else `nil`.
  public subscript(key: String) -> JSONValue? {
    get {
      if case .object(let fields) = self { return fields[key] }
      return nil
    }
    set {
      guard case .object(var fields) = self else { return }
      fields[key] = newValue
      self = .object(fields)
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var int64Value: Int64? {
    switch self {
    case .int(let i): return i
    case .double(let d) where d.rounded() == d: return Int64(exactly: d)
    default: return nil
    }
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }
}

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int64.self) {
      self = .int(i)
    } else if let d = try? container.decode(Double.self) {
      self = .double(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let b): try container.encode(b)
    case .int(let i): try container.encode(i)
    case .double(let d): try container.encode(d)
    case .string(let s): try container.encode(s)
    case .array(let a): try container.encode(a)
    case .object(let o): try container.encode(o)
    }
  }
}

/// The one JSON encoding imggit writes: sorted keys and unescaped slashes, so that the same
/// value always gives the same bytes (digests of new manifests and configs are reproducible).
public enum CanonicalJSON {
  public static func encode<T: Encodable>(_ value: T) throws -> Data {
    if let json = value as? JSONValue, let bytes = direct(json) { return Data(bytes) }
    if let writable = value as? any JSONValueEncodable, let bytes = direct(writable.jsonValue) {
      return Data(bytes)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  /// The bytes `JSONEncoder` writes for `value` (sorted keys, slashes as they are), written
  /// directly: a commit id hashes one such value per commit, and the encoder costs 15 µs
  /// each, most of a `tag` on a deep image (and a config of a thousand history entries is
  /// written whole). Only values whose bytes are certain are written here: keys in ASCII,
  /// which the encoder sorts byte by byte, and no floating-point numbers, whose spelling is
  /// the encoder's own; anything else returns nil and goes through the encoder. A test holds
  /// the two equal.
  static func direct(_ value: JSONValue) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    return write(value, to: &out) ? out : nil
  }

  private static func write(_ value: JSONValue, to out: inout [UInt8]) -> Bool {
    switch value {
    case .null: out += Array("null".utf8)
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .int(let i): out += Array(String(i).utf8)
    case .double: return false
    case .string(let s): writeString(s, to: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        guard write(item, to: &out) else { return false }
      }
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      out.append(UInt8(ascii: "{"))
      guard fields.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return false }
      for (i, key) in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        guard write(fields[key]!, to: &out) else { return false }
      }
      out.append(UInt8(ascii: "}"))
    }
    return true
  }

  private static func writeString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      // Runs of bytes that need no escape are copied whole: most strings are one such run.
      var run = 0
      for i in bytes.indices
      where bytes[i] < 0x20 || bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "\\") {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
        escape(bytes[i], to: &out)
        run = i + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
    }
    out.append(UInt8(ascii: "\""))
  }

  private static func escape(_ b: UInt8, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    switch b {
    case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
    case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
    case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
    case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
    case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
    case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
    case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
    default: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
    }
  }

  /// Decodes `data`, turning Foundation's decoding error into a one-line ``ModelError``
  /// that names `what` was being read.
  ///
  /// An object with the same key twice is refused: Foundation reads one of the two values
  /// and Go's decoder (umoci, skopeo, containerd) the other, so the same manifest would
  /// name different images to imggit and to them.
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
    if T.self == JSONValue.self { return try JSONValue.parse(data, what: what) as! T }
    if let readable = T.self as? any JSONValueDecodable.Type {
      let json = try JSONValue.parse(data, what: what)
      do {
        return try readable.init(json: json, at: .root) as! T
      } catch {
        throw ModelError.malformedJSON(what: what, reason: error.reason)
      }
    }
    let value: T
    do {
      value = try JSONDecoder().decode(type, from: data)
    } catch let error as DecodingError {
      throw ModelError.malformedJSON(what: what, reason: error.oneLine)
    } catch {
      throw ModelError.malformedJSON(what: what, reason: "\(error)")
    }
    if let key = duplicateKey(in: data) {
      throw ModelError.malformedJSON(what: what, reason: "the key \"\(key)\" appears twice in one object")
    }
    return value
  }

  /// The first key that an object of `data` (valid JSON) holds twice, compared after
  /// unescaping, as decoders compare them.
  static func duplicateKey(in data: Data) -> String? {
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> String? in
      // One frame per open object or array: the keys seen, and whether a key comes next.
      var frames: [(keys: Set<String>?, expectKey: Bool)] = []
      var i = 0
      while i < bytes.count {
        switch bytes[i] {
        case UInt8(ascii: "{"): frames.append((Set(), true))
        case UInt8(ascii: "["): frames.append((nil, false))
        case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = frames.popLast()
        case UInt8(ascii: ","): if frames.last?.keys != nil { frames[frames.count - 1].expectKey = true }
        case UInt8(ascii: "\""):
          let start = i
          var escaped = false
          i += 1
          while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") {
              escaped = true
              i += 1
            }
            i += 1
          }
          guard let top = frames.last, top.keys != nil, top.expectKey else { break }
          let raw = Data(bytes[start...min(i, bytes.count - 1)])
          let key =
            escaped
            ? (try? JSONDecoder().decode(String.self, from: raw)) ?? String(decoding: raw, as: UTF8.self)
            : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
          if frames[frames.count - 1].keys!.insert(key).inserted == false { return key }
          frames[frames.count - 1].expectKey = false
        default: break
        }
        i += 1
      }
      return nil
    }
  }
}

extension DecodingError {
  /// A short reason with the coding path, instead of Foundation's multi-line dump.
  var oneLine: String {
    func path(_ context: Context) -> String {
      let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        .joined(separator: ".")
      return p.isEmpty ? "" : " at \(p)"
    }
    switch self {
    case .dataCorrupted(let c): return "not valid JSON\(path(c))"
    case .keyNotFound(let key, let c): return "missing field \"\(key.stringValue)\"\(path(c))"
    case .typeMismatch(_, let c): return "wrong type\(path(c)): \(c.debugDescription)"
    case .valueNotFound(_, let c): return "missing value\(path(c))"
    @unknown default: return "\(self)"
    }
  }
}

extension JSONValue {
  /// A descriptor found anywhere in a JSON document: an object with a `digest`.
  public struct Reference: Sendable, Hashable {
    public let digest: Digest
    public let mediaType: String?
    public let size: Int64
  }

  /// Every object in `data` that carries a valid `digest`, at any depth: what a manifest,
  /// index or artifact of any kind references.
  ///
  /// A reference without a size has size -1.
  ///
  /// - Throws: ``ModelError`` when `data` is not JSON, or a size is outside
  ///   ``Descriptor/sizeRange``.
  public static func referencedDescriptors(in data: Data, what: String) throws -> [Reference] {
    var found: [Reference] = []
    func walk(_ v: JSONValue) throws {
      switch v {
      case .object(let o):
        if let s = o["digest"]?.stringValue, let d = try? Digest(parsing: s) {
          let size = o["size"]?.int64Value
          if let size, let problem = Descriptor.sizeProblem(size) {
            throw ModelError.malformedJSON(what: what, reason: "\(problem) for \(d)")
          }
          found.append(Reference(digest: d, mediaType: o["mediaType"]?.stringValue, size: size ?? -1))
        }
        for value in o.values { try walk(value) }
      case .array(let a):
        for value in a { try walk(value) }
      default:
        break
      }
    }
    try walk(try CanonicalJSON.decode(JSONValue.self, from: data, what: what))
    return found
  }
}
