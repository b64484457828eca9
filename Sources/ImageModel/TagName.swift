/// A tag of the store, `name:tag` (`latest` when no tag is given), as the
/// `org.opencontainers.image.ref.name` annotation of an `index.json` entry holds it.
public struct TagName: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
  public let name: String
  public let tag: String
  /// `name:tag`, kept: tags are sorted and compared by it, a thousand times per listing.
  public let description: String

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
    guard name.utf8.allSatisfy({ TagName.allowed[Int($0)] != 0 }) else {
      throw ModelError.invalidTagName(
        s, reason: "a name may hold only letters, digits and . _ - / + : characters")
    }
    guard tag.utf8.allSatisfy({ TagName.allowed[Int($0)] == 2 }), tag.utf8.count <= 128 else {
      throw ModelError.invalidTagName(
        s, reason: "a tag may hold only letters, digits and . _ - (at most 128)")
    }
    guard !name.contains(".."), !name.hasPrefix("/"), !name.hasSuffix("/") else {
      throw ModelError.invalidTagName(s, reason: "the name has an empty path component or '..'")
    }
    self.name = name
    self.tag = tag
    self.description = "\(name):\(tag)"
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

  public static func < (a: TagName, b: TagName) -> Bool { a.description < b.description }
  // A tag never holds ':', so `name:tag` names one pair: comparing it is comparing both.
  public static func == (a: TagName, b: TagName) -> Bool { a.description == b.description }
  public func hash(into hasher: inout Hasher) { hasher.combine(description) }

  public init(from decoder: any Decoder) throws {
    try self.init(parsing: decoder.singleValueContainer().decode(String.self))
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }

  /// Per byte: 2 where a tag (and a name) may hold it, 1 where only a name may, 0 nowhere.
  /// Every allowed character is ASCII, so a byte of a longer UTF-8 sequence is refused.
  static let allowed: [UInt8] = (0..<256).map { b -> UInt8 in
    let c = Unicode.Scalar(UInt8(b))
    if ("0"..."9").contains(c) || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
      || "._-".unicodeScalars.contains(c)
    {
      return 2
    }
    return "/+:".unicodeScalars.contains(c) ? 1 : 0
  }
}
