/// A type written as a ``JSONValue`` directly, with the fields its synthesized `Encodable`
/// conformance writes (an absent optional is left out).
///
/// `CanonicalJSON.encode` writes such types from that value: Foundation's encoder costs
/// 7 ms for an `index.json` of a thousand tags, which every tag move writes. The bytes are
/// the encoder's own (a test holds them equal), so digests do not change.
public protocol JSONValueEncodable {
  var jsonValue: JSONValue { get }
}

/// The fields of one JSON object being written.
struct JSONObjectWriter {
  private(set) var fields: [String: JSONValue] = [:]

  init(capacity: Int) { fields.reserveCapacity(capacity) }

  mutating func set(_ key: String, _ value: JSONValue) { fields[key] = value }
  mutating func set(_ key: String, _ value: String?) {
    if let value { fields[key] = .string(value) }
  }
  mutating func set(_ key: String, _ value: (some JSONValueEncodable)?) {
    if let value { fields[key] = value.jsonValue }
  }
  mutating func set(_ key: String, _ value: [String]?) {
    if let value { fields[key] = .array(value.map(JSONValue.string)) }
  }
  mutating func set(_ key: String, _ value: [String: String]?) {
    if let value { fields[key] = .object(value.mapValues(JSONValue.string)) }
  }
  mutating func set(_ key: String, _ value: [some JSONValueEncodable]) {
    fields[key] = .array(value.map(\.jsonValue))
  }

  var value: JSONValue { .object(fields) }
}

extension Descriptor: JSONValueEncodable {
  public var jsonValue: JSONValue {
    var o = JSONObjectWriter(capacity: 8)
    o.set("mediaType", .string(mediaType))
    o.set("digest", .string(digest.description))
    o.set("size", .int(size))
    o.set("urls", urls)
    o.set("annotations", annotations)
    o.set("platform", platform)
    o.set("artifactType", artifactType)
    o.set("data", data)
    return o.value
  }
}

extension Platform: JSONValueEncodable {
  public var jsonValue: JSONValue {
    var o = JSONObjectWriter(capacity: 5)
    o.set("architecture", .string(architecture))
    o.set("os", .string(os))
    o.set("os.version", osVersion)
    o.set("os.features", osFeatures)
    o.set("variant", variant)
    return o.value
  }
}

extension Manifest: JSONValueEncodable {
  public var jsonValue: JSONValue {
    var o = JSONObjectWriter(capacity: 7)
    o.set("schemaVersion", .int(Int64(schemaVersion)))
    o.set("mediaType", mediaType)
    o.set("artifactType", artifactType)
    o.set("config", config.jsonValue)
    o.set("layers", layers)
    o.set("subject", subject)
    o.set("annotations", annotations)
    return o.value
  }
}

extension ImageIndex: JSONValueEncodable {
  public var jsonValue: JSONValue {
    var o = JSONObjectWriter(capacity: 6)
    o.set("schemaVersion", .int(Int64(schemaVersion)))
    o.set("mediaType", mediaType)
    o.set("artifactType", artifactType)
    o.set("manifests", manifests)
    o.set("subject", subject)
    o.set("annotations", annotations)
    return o.value
  }
}
