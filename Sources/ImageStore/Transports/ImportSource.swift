/// Where `imggit import` reads images from.
public enum ImportSource: Sendable, Hashable, CustomStringConvertible {
  /// A `docker save` tarball (classic or OCI-in-tar) or an OCI archive, possibly compressed.
  case archive(path: String)
  /// The same formats, read from standard input.
  case standardInput
  /// An OCI layout folder; with a tag, only that image.
  case layout(path: String, tag: String?)

  /// Parses `-`, `oci:DIR[:TAG]`, `oci-archive:FILE`, `docker-archive:FILE`, or a plain path
  /// (a folder is a layout, a file an archive).
  public init(parsing s: String) throws {
    if s == "-" {
      self = .standardInput
    } else if s.hasPrefix("oci:") {
      let rest = s.dropFirst(4)
      if let colon = rest.firstIndex(of: ":") {
        self = .layout(path: String(rest[..<colon]), tag: String(rest[rest.index(after: colon)...]))
      } else {
        self = .layout(path: String(rest), tag: nil)
      }
    } else if s.hasPrefix("oci-archive:") {
      self = .archive(path: String(s.dropFirst(12)))
    } else if s.hasPrefix("docker-archive:") {
      self = .archive(path: String(s.dropFirst(15)))
    } else if FS.isDirectory(s) {
      self = .layout(path: s, tag: nil)
    } else {
      guard FS.exists(s) else { throw StoreError.badSource(s, reason: "no such file or folder") }
      self = .archive(path: s)
    }
    if case .layout(let p, _) = self, p.isEmpty {
      throw StoreError.badSource(s, reason: "oci: needs a folder")
    }
  }

  public var description: String {
    switch self {
    case .archive(let p): return p
    case .standardInput: return "standard input"
    case .layout(let p, let t): return "oci:\(p)" + (t.map { ":\($0)" } ?? "")
    }
  }
}
