/// An image in a registry: `HOST[:PORT]/REPOSITORY[:TAG|@sha256:…]`, also written with
/// `docker://` in front (skopeo's spelling).
///
/// Read by Docker's reference grammar: the first component is a registry host only when it
/// holds a `.` or a `:`, or is `localhost`. That is what keeps a reference apart from a local
/// revision: `app:1` and `app:1~2` are revisions of the store, `localhost:5000/app:1` and
/// `registry.example/team/app:1` are references. Where only a reference makes sense (`pull`,
/// `push`), a name without a host means Docker Hub, as Docker reads it (`debian:12` is
/// `docker.io/library/debian:12`).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
  /// `host[:port]`, as typed (`docker.io` for Docker Hub).
  public let registry: String
  /// The repository path, `team/app` (`library/debian` on Docker Hub).
  public let repository: String
  /// The tag, when the reference names one (and no digest).
  public let tag: String?
  /// The manifest digest, when the reference pins one.
  public let digest: Digest?

  public init(registry: String, repository: String, tag: String?, digest: Digest?) {
    self.registry = registry
    self.repository = repository
    self.tag = digest == nil ? (tag ?? "latest") : tag
    self.digest = digest
  }

  /// True when `s` is written as a reference (a `docker://` prefix, or a registry host first)
  /// and so is not a revision of the store.
  public static func looksRemote(_ s: String) -> Bool {
    if s.hasPrefix("docker://") { return true }
    guard let slash = s.firstIndex(of: "/") else { return false }
    return isHost(s[..<slash])
  }

  static func isHost(_ component: Substring) -> Bool {
    component.contains(".") || component.contains(":") || component == "localhost"
  }

  /// Parses a reference. With `defaultRegistry` false, a name without a host is refused (a
  /// command that also takes revisions must not read `app:1` as Docker Hub's).
  public init(parsing input: String, defaultRegistry: Bool = true) throws {
    var s = Substring(input)
    if s.hasPrefix("docker://") { s = s.dropFirst("docker://".count) }
    guard !s.isEmpty else { throw ModelError.invalidReference(input, reason: "empty") }
    var digest: Digest?
    if let at = s.firstIndex(of: "@") {
      let d = String(s[s.index(after: at)...])
      guard let parsed = try? Digest(parsing: d) else {
        throw ModelError.invalidReference(input, reason: "\(d) is not a sha256 digest")
      }
      digest = parsed
      s = s[..<at]
    }
    var tag: String?
    if let colon = s.lastIndex(of: ":"), !s[s.index(after: colon)...].contains("/") {
      tag = String(s[s.index(after: colon)...])
      s = s[..<colon]
    }
    var registry = "docker.io"
    var path = s
    if let slash = s.firstIndex(of: "/"), ImageReference.isHost(s[..<slash]) {
      registry = String(s[..<slash])
      path = s[s.index(after: slash)...]
    } else if !defaultRegistry {
      throw ModelError.invalidReference(
        input, reason: "name a registry host first (HOST[:PORT]/REPOSITORY), or write docker://")
    }
    registry = ImageReference.canonicalRegistry(registry)
    var repository = String(path)
    if registry == "docker.io" && !repository.contains("/") { repository = "library/" + repository }
    try ImageReference.check(repository: repository, tag: tag, input: input)
    self.init(registry: registry, repository: repository, tag: tag, digest: digest)
  }

  /// The distribution spec's grammar: lowercase components of `[a-z0-9]` joined by `.`, `_`,
  /// `__` or `-`, separated by `/`; a tag of at most 128 word characters, `.` and `-`.
  private static func check(repository: String, tag: String?, input: String) throws {
    guard !repository.isEmpty else { throw ModelError.invalidReference(input, reason: "no repository") }
    for component in repository.split(separator: "/", omittingEmptySubsequences: false) {
      let bytes = Array(component.utf8)
      let alnum: (UInt8) -> Bool = { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
      guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last),
        bytes.allSatisfy({ alnum($0) || $0 == 0x2e || $0 == 0x5f || $0 == 0x2d })
      else {
        throw ModelError.invalidReference(
          input,
          reason: "repository component \"\(component)\" must be lowercase letters and digits, "
            + "joined by . _ or -")
      }
    }
    if let tag {
      let bytes = Array(tag.utf8)
      let word: (UInt8) -> Bool = {
        (0x61...0x7a).contains($0) || (0x41...0x5a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f
      }
      guard let first = bytes.first, word(first), bytes.count <= 128,
        bytes.allSatisfy({ word($0) || $0 == 0x2e || $0 == 0x2d })
      else {
        throw ModelError.invalidReference(input, reason: "invalid tag \"\(tag)\"")
      }
    }
  }

  /// The host HTTP requests go to (Docker Hub's API lives on another name than its references).
  public var apiHost: String { ImageReference.apiHost(of: registry) }

  /// A registry host as references name it: lowercase, Docker Hub's aliases as `docker.io`.
  public static func canonicalRegistry(_ host: String) -> String {
    let h = host.lowercased()
    return h == "index.docker.io" || h == "registry-1.docker.io" ? "docker.io" : h
  }

  /// The API host of a registry as references name it.
  public static func apiHost(of registry: String) -> String {
    registry == "docker.io" ? "registry-1.docker.io" : registry
  }

  /// What the manifest endpoint is asked for: the digest if pinned, else the tag.
  public var manifestReference: String { digest?.description ?? tag ?? "latest" }

  public var description: String {
    var s = "\(registry)/\(repository)"
    if let tag { s += ":\(tag)" }
    if let digest { s += "@\(digest)" }
    return s
  }

  /// The store's tag for this image: `registry/repo:tag`, Docker Hub's without
  /// `docker.io/library/`; nil for a reference pinned by digest alone.
  public var localTag: TagName? {
    guard let tag else { return nil }
    return try? TagName(normalizing: "\(registry)/\(repository):\(tag)")
  }

  /// The same repository with another tag or digest.
  public func with(tag: String? = nil, digest: Digest? = nil) -> ImageReference {
    ImageReference(registry: registry, repository: repository, tag: tag, digest: digest)
  }
}
