import Foundation

/// An image configuration, kept as its JSON object so that every field a builder wrote
/// (Docker's `container_config`, vendor keys) survives when imggit rewrites it.
public struct ImageConfig: Sendable, Hashable {
  public var json: [String: JSONValue]

  public init(json: [String: JSONValue]) { self.json = json }

  public static func parse(_ data: some DataProtocol, digest: Digest) throws -> ImageConfig {
    let value = try CanonicalJSON.decode(JSONValue.self, from: Data(data), what: "config \(digest)")
    guard let object = value.objectValue else {
      throw ModelError.malformedJSON(what: "config \(digest)", reason: "not a JSON object")
    }
    let config = ImageConfig(json: object)
    if let ids = object["rootfs"]?["diff_ids"]?.arrayValue {
      for id in ids {
        guard let s = id.stringValue, (try? Digest(parsing: s)) != nil else {
          throw ModelError.malformedJSON(
            what: "config \(digest)", reason: "rootfs.diff_ids holds a value that is not a digest")
        }
      }
    }
    return config
  }

  /// The layers' uncompressed digests, lowest first.
  public var diffIDs: [Digest] {
    get {
      (json["rootfs"]?["diff_ids"]?.arrayValue ?? []).compactMap {
        $0.stringValue.flatMap { try? Digest(parsing: $0) }
      }
    }
    set {
      var rootfs = json["rootfs"] ?? .object(["type": .string("layers")])
      rootfs["diff_ids"] = .array(newValue.map { .string($0.description) })
      json["rootfs"] = rootfs
    }
  }

  /// The history entries as written, oldest first; empty when the builder wrote none.
  public var history: [HistoryEntry] {
    get { (json["history"]?.arrayValue ?? []).compactMap { $0.objectValue.map(HistoryEntry.init) } }
    set { json["history"] = .array(newValue.map { .object($0.json) }) }
  }

  public var created: String? {
    get { json["created"]?.stringValue }
    set { json["created"] = newValue.map(JSONValue.string) }
  }

  public var architecture: String? { json["architecture"]?.stringValue }
  public var os: String? { json["os"]?.stringValue }

  public func encoded() throws -> Data { try CanonicalJSON.encode(JSONValue.object(json)) }
}

/// One entry of a config's `history`: one build step, with or without a layer.
public struct HistoryEntry: Sendable, Hashable {
  public var json: [String: JSONValue]

  public init(json: [String: JSONValue]) { self.json = json }

  public init(createdBy: String?, created: String? = nil, comment: String? = nil, emptyLayer: Bool = false) {
    var j: [String: JSONValue] = [:]
    if let createdBy { j["created_by"] = .string(createdBy) }
    if let created { j["created"] = .string(created) }
    if let comment { j["comment"] = .string(comment) }
    if emptyLayer { j["empty_layer"] = .bool(true) }
    self.json = j
  }

  public var created: String? { json["created"]?.stringValue }
  public var createdBy: String? { json["created_by"]?.stringValue }
  public var author: String? { json["author"]?.stringValue }
  public var comment: String? { json["comment"]?.stringValue }
  public var emptyLayer: Bool { json["empty_layer"]?.boolValue ?? false }
}
