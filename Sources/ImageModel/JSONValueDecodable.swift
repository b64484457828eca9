/// A type read from a ``JSONValue`` directly, with the rules its synthesized `Decodable`
/// conformance has (required fields, optional ones absent or null, unknown keys ignored).
///
/// `CanonicalJSON.decode` reads such types through ``JSONValue/parse(_:what:)``: Foundation's
/// decoder costs 12 ms for an `index.json` of a thousand tags, which `tag` and `reset` read
/// twice (before and under the lock), and most of `log` over a thousand manifests.
public protocol JSONValueDecodable {
  init(json: JSONValue, at path: JSONPath) throws(JSONPath.Failure)
}

/// Where in a document a value sits (`manifests[3].digest`), for errors.
///
/// A chain of links to the parent, so that naming where a value sits costs one small
/// allocation per nested object or array element and none per field: the names are spelled
/// out only when something fails.
public struct JSONPath: Sendable, CustomStringConvertible {
  private indirect enum Link: Sendable {
    case root
    case key(Link, String)
    case index(Link, Int)
  }
  private let link: Link

  public static let root = JSONPath(link: .root)

  public var description: String {
    var parts: [String] = []
    var l = link
    while true {
      switch l {
      case .root:
        var s = ""
        for p in parts.reversed() { s += p.hasPrefix("[") || s.isEmpty ? p : "." + p }
        return s
      case .key(let parent, let k):
        parts.append(k)
        l = parent
      case .index(let parent, let i):
        parts.append("[\(i)]")
        l = parent
      }
    }
  }

  private var isRoot: Bool {
    if case .root = link { return true }
    return false
  }

  func appending(_ key: String) -> JSONPath { JSONPath(link: .key(link, key)) }
  func appending(index: Int) -> JSONPath { JSONPath(link: .index(link, index)) }

  /// Why a value is not the type asked for: the reason, worded as ``ModelError`` words
  /// decoding errors.
  public struct Failure: Error {
    public let reason: String
  }

  func fail(_ reason: String) -> Failure {
    Failure(reason: isRoot ? reason : "\(reason) at \(self)")
  }
}

/// The fields of one JSON object, read by type.
struct JSONFields {
  let fields: [String: JSONValue]
  let path: JSONPath

  init(_ value: JSONValue, at path: JSONPath) throws(JSONPath.Failure) {
    guard case .object(let o) = value else { throw path.fail("wrong type: expected an object") }
    fields = o
    self.path = path
  }

  private func present(_ key: String) -> JSONValue? {
    guard let v = fields[key], v != .null else { return nil }
    return v
  }

  private func required(_ key: String) throws(JSONPath.Failure) -> JSONValue {
    guard let v = fields[key] else { throw path.fail("missing field \"\(key)\"") }
    guard v != .null else { throw path.appending(key).fail("missing value") }
    return v
  }

  func string(_ key: String) throws(JSONPath.Failure) -> String {
    guard case .string(let s) = try required(key) else { throw wrongType(key, "a string") }
    return s
  }

  func optionalString(_ key: String) throws(JSONPath.Failure) -> String? {
    guard let v = present(key) else { return nil }
    guard case .string(let s) = v else { throw wrongType(key, "a string") }
    return s
  }

  func int64(_ key: String) throws(JSONPath.Failure) -> Int64 {
    guard case .int(let i) = try required(key) else { throw wrongType(key, "an integer") }
    return i
  }

  func int(_ key: String) throws(JSONPath.Failure) -> Int {
    Int(try int64(key))
  }

  func digest(_ key: String) throws(JSONPath.Failure) -> Digest {
    let s = try string(key)
    guard let d = try? Digest(parsing: s) else {
      throw path.appending(key).fail(ModelError.invalidDigest(s).description)
    }
    return d
  }

  func optionalStrings(_ key: String) throws(JSONPath.Failure) -> [String]? {
    guard let v = present(key) else { return nil }
    guard case .array(let items) = v else { throw wrongType(key, "an array") }
    var out: [String] = []
    out.reserveCapacity(items.count)
    for (i, item) in items.enumerated() {
      guard case .string(let s) = item else {
        throw path.appending(key).appending(index: i).fail("wrong type: expected a string")
      }
      out.append(s)
    }
    return out
  }

  func optionalStringMap(_ key: String) throws(JSONPath.Failure) -> [String: String]? {
    guard let v = present(key) else { return nil }
    guard case .object(let o) = v else { throw wrongType(key, "an object") }
    var out: [String: String] = [:]
    out.reserveCapacity(o.count)
    for (k, value) in o {
      guard case .string(let s) = value else {
        throw path.appending(key).appending(k).fail("wrong type: expected a string")
      }
      out[k] = s
    }
    return out
  }

  func decode<T: JSONValueDecodable>(_ key: String, as: T.Type) throws(JSONPath.Failure) -> T {
    try T(json: try required(key), at: path.appending(key))
  }

  func optional<T: JSONValueDecodable>(_ key: String, as: T.Type) throws(JSONPath.Failure) -> T? {
    guard let v = present(key) else { return nil }
    return try T(json: v, at: path.appending(key))
  }

  func list<T: JSONValueDecodable>(_ key: String, of: T.Type) throws(JSONPath.Failure) -> [T] {
    guard case .array(let items) = try required(key) else { throw wrongType(key, "an array") }
    let p = path.appending(key)
    var out: [T] = []
    out.reserveCapacity(items.count)
    for (i, item) in items.enumerated() { out.append(try T(json: item, at: p.appending(index: i))) }
    return out
  }

  private func wrongType(_ key: String, _ expected: String) -> JSONPath.Failure {
    path.appending(key).fail("wrong type: expected \(expected)")
  }
}

extension Descriptor: JSONValueDecodable {
  public init(json: JSONValue, at path: JSONPath) throws(JSONPath.Failure) {
    let f = try JSONFields(json, at: path)
    let size = try f.int64("size")
    if let problem = Descriptor.sizeProblem(size) { throw path.appending("size").fail(problem) }
    self.init(
      mediaType: try f.string("mediaType"), digest: try f.digest("digest"), size: size,
      annotations: try f.optionalStringMap("annotations"),
      platform: try f.optional("platform", as: Platform.self))
    urls = try f.optionalStrings("urls")
    artifactType = try f.optionalString("artifactType")
    data = try f.optionalString("data")
  }
}

extension Platform: JSONValueDecodable {
  public init(json: JSONValue, at path: JSONPath) throws(JSONPath.Failure) {
    let f = try JSONFields(json, at: path)
    self.init(
      architecture: try f.string("architecture"), os: try f.string("os"),
      variant: try f.optionalString("variant"))
    osVersion = try f.optionalString("os.version")
    osFeatures = try f.optionalStrings("os.features")
  }
}

extension Manifest: JSONValueDecodable {
  public init(json: JSONValue, at path: JSONPath) throws(JSONPath.Failure) {
    let f = try JSONFields(json, at: path)
    self.init(
      config: try f.decode("config", as: Descriptor.self), layers: try f.list("layers", of: Descriptor.self),
      annotations: try f.optionalStringMap("annotations"))
    schemaVersion = try f.int("schemaVersion")
    mediaType = try f.optionalString("mediaType")
    artifactType = try f.optionalString("artifactType")
    subject = try f.optional("subject", as: Descriptor.self)
  }
}

extension ImageIndex: JSONValueDecodable {
  public init(json: JSONValue, at path: JSONPath) throws(JSONPath.Failure) {
    let f = try JSONFields(json, at: path)
    self.init(manifests: try f.list("manifests", of: Descriptor.self))
    schemaVersion = try f.int("schemaVersion")
    mediaType = try f.optionalString("mediaType")
    artifactType = try f.optionalString("artifactType")
    subject = try f.optional("subject", as: Descriptor.self)
    annotations = try f.optionalStringMap("annotations")
  }
}
