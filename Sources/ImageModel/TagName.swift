/// A tag of the store, `name:tag` (`latest` when no tag is given), as the
/// `org.opencontainers.image.ref.name` annotation of an `index.json` entry holds it.
public struct TagName: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
  public let name: String
  public let tag: String

  /// Parses what a user typed: `name` or `name:tag`; a registry host with a port
  /// (`localhost:5000/app:1`) is part of the name.
  public init(parsing s: String) throws {
    guard !s.isEmpty else { throw ModelError.invalidTagName(s, reason: "empty") }
    var name = s
    var tag = "latest"
    if let colon = s.lastIndex(of: ":"), !s[s.index(after: colon)...].contains("/") {
      name = String(s[..<colon])
      tag = String(s[s.index(after: colon)...])
    }
    guard !name.isEmpty else { throw ModelError.invalidTagName(s, reason: "the name part is empty") }
    guard !tag.isEmpty else { throw ModelError.invalidTagName(s, reason: "the tag after ':' is empty") }
    guard name.unicodeScalars.allSatisfy(TagName.nameCharacters.contains) else {
      throw ModelError.invalidTagName(
        s, reason: "a name may hold only letters, digits and . _ - / + : characters")
    }
    guard tag.unicodeScalars.allSatisfy(TagName.tagCharacters.contains), tag.count <= 128 else {
      throw ModelError.invalidTagName(
        s, reason: "a tag may hold only letters, digits and . _ - (at most 128)")
    }
    guard !name.contains(".."), !name.hasPrefix("/"), !name.hasSuffix("/") else {
      throw ModelError.invalidTagName(s, reason: "the name has an empty path component or '..'")
    }
    self.name = name
    self.tag = tag
  }

  /// Reads a name that another tool wrote into an index: full references such as
  /// `docker.io/library/debian:12` become `debian:12`, so one image has one name.
  public init(normalizing s: String) throws {
    var v = s
    if let at = v.firstIndex(of: "@") { v = String(v[..<at]) }  // drop a pinned digest
    for prefix in ["docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"]
    where v.hasPrefix(prefix) {
      v = String(v.dropFirst(prefix.count))
      break
    }
    try self.init(parsing: v)
  }

  public var description: String { "\(name):\(tag)" }

  public static func < (a: TagName, b: TagName) -> Bool { a.description < b.description }

  public init(from decoder: any Decoder) throws {
    try self.init(parsing: decoder.singleValueContainer().decode(String.self))
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }

  static let tagCharacters = Set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
  static let nameCharacters = tagCharacters.union("/+:".unicodeScalars)
}
