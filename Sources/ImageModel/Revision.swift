/// A revision in git's syntax, parsed but not yet resolved against a store.
///
/// - `name[:tag]` — a tag (`latest` by default), or a commit-id prefix of 4+ hex digits
/// - `name:tag@{N}` — the tag's value N moves ago, from its reflog
/// - `@sha256:…` — the image whose manifest has that digest
/// - `REV~N`, `REV^` — the N-th ancestor (every commit has exactly one parent)
/// - `HOST[:PORT]/REPO[:TAG]` (or `docker://…`) — an image in a registry (``ImageReference``):
///   a first component with a `.` or a `:`, or `localhost`, is a registry host
public indirect enum Revision: Sendable, Hashable, CustomStringConvertible {
  case named(RevisionName)
  case remote(ImageReference)
  case reflog(TagName, Int)
  case manifest(Digest)
  case ancestor(Revision, Int)

  public init(parsing s: String) throws {
    guard !s.isEmpty else { throw ModelError.invalidRevision(s, reason: "empty") }
    if s.contains("..") {
      throw ModelError.invalidRevision(s, reason: "a range A..B is not taken here; name one revision")
    }
    let suffixStart = s.firstIndex(where: { $0 == "~" || $0 == "^" }) ?? s.endIndex
    let base = String(s[..<suffixStart])
    var revision = try Revision.parseBase(base, whole: s)
    var rest = s[suffixStart...]
    while let op = rest.first {
      rest = rest.dropFirst()
      let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
      rest = rest.dropFirst(digits.count)
      var n = 1
      if !digits.isEmpty {
        guard let v = Int(digits) else {
          throw ModelError.invalidRevision(s, reason: "the number after \(op) is too large")
        }
        n = v
      }
      if op == "^" {
        guard n <= 1 else {
          throw ModelError.invalidRevision(
            s, reason: "^\(n) names a second parent, and image commits have only one")
        }
      } else if op != "~" {
        throw ModelError.invalidRevision(s, reason: "unexpected \"\(op)\"")
      }
      if n > 0 {
        if case .ancestor(let inner, let m) = revision {
          let (sum, overflow) = m.addingReportingOverflow(n)
          guard !overflow else {
            throw ModelError.invalidRevision(s, reason: "the ancestor count is too large")
          }
          revision = .ancestor(inner, sum)
        } else {
          revision = .ancestor(revision, n)
        }
      }
    }
    self = revision
  }

  private static func parseBase(_ base: String, whole: String) throws -> Revision {
    guard !base.isEmpty else {
      throw ModelError.invalidRevision(whole, reason: "nothing before ~ or ^")
    }
    if ImageReference.looksRemote(base) {
      return .remote(try ImageReference(parsing: base, defaultRegistry: false))
    }
    if base.hasPrefix("@") {
      let d = String(base.dropFirst())
      guard d.hasPrefix("sha256:") else {
        throw ModelError.invalidRevision(whole, reason: "expected @sha256:<manifest digest>")
      }
      if let digest = try? Digest(parsing: d) { return .manifest(digest) }
      throw ModelError.invalidRevision(whole, reason: "\(d) is not a full sha256 digest")
    }
    if let open = base.range(of: "@{") {
      guard base.hasSuffix("}") else {
        throw ModelError.invalidRevision(whole, reason: "a reflog entry is written name:tag@{N}")
      }
      let number = base[open.upperBound..<base.index(before: base.endIndex)]
      guard let n = Int(number), n >= 0 else {
        throw ModelError.invalidRevision(whole, reason: "\"\(number)\" in @{…} is not a number")
      }
      let tag = try TagName(parsing: String(base[..<open.lowerBound]))
      return .reflog(tag, n)
    }
    if base.contains("@") {
      throw ModelError.invalidRevision(whole, reason: "unexpected '@'")
    }
    return .named(RevisionName(base))
  }

  public var description: String {
    switch self {
    case .named(let n): return n.text
    case .remote(let r): return r.description
    case .reflog(let t, let n): return "\(t)@{\(n)}"
    case .manifest(let d): return "@\(d)"
    case .ancestor(let r, let n): return "\(r)~\(n)"
    }
  }

  /// A plain name, as typed: a tag, else a commit-id prefix.
  public static func name(_ s: String) -> Revision { .named(RevisionName(s)) }

  /// The tag a revision names directly, if it is a plain `name[:tag]`.
  public var tagName: TagName? {
    switch self {
    case .named(let n): return n.tag
    case .remote(let r): return r.localTag
    default: return nil
    }
  }

  /// True when the revision names an image of a registry (`HOST/REPO:TAG`, or an ancestor of
  /// one): resolving it brings that image into the store, so the command writes.
  public var isRemote: Bool {
    switch self {
    case .remote: return true
    case .ancestor(let base, _): return base.isRemote
    default: return false
    }
  }

  /// True when `s` could be a commit-id prefix: 4 to 64 lowercase hex digits.
  public static func isCommitPrefix(_ s: String) -> Bool {
    (4...64).contains(s.utf8.count)
      && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }
}

/// A plain name in a revision, read once: the tag it spells (if it is a valid tag name) and
/// whether it could also be a commit-id prefix. Tags win; a prefix is tried only when no
/// such tag exists.
public struct RevisionName: Sendable, Hashable {
  /// What was typed.
  public let text: String
  public let tag: TagName?
  public let isCommitPrefix: Bool

  public init(_ text: String) {
    self.text = text
    tag = try? TagName(parsing: text)
    isCommitPrefix = Revision.isCommitPrefix(text)
  }
}

/// What `log` takes: one revision, or a range `A..B` (the commits of B that A lacks).
public enum RevisionSpec: Sendable, Hashable, CustomStringConvertible {
  case single(Revision)
  case range(exclude: Revision, include: Revision)

  public init(parsing s: String) throws {
    if let r = s.range(of: "..") {
      let a = String(s[..<r.lowerBound])
      let b = String(s[r.upperBound...])
      guard !a.isEmpty, !b.isEmpty else {
        throw ModelError.invalidRevision(s, reason: "a range needs a revision on both sides of ..")
      }
      guard !b.contains("..") else {
        throw ModelError.invalidRevision(s, reason: "more than one .. in a range")
      }
      self = .range(exclude: try Revision(parsing: a), include: try Revision(parsing: b))
    } else {
      self = .single(try Revision(parsing: s))
    }
  }

  /// The revisions the spec names: one, or both ends of the range.
  public var revisions: [Revision] {
    switch self {
    case .single(let r): return [r]
    case .range(let a, let b): return [a, b]
    }
  }

  public var description: String {
    switch self {
    case .single(let r): return r.description
    case .range(let a, let b): return "\(a)..\(b)"
    }
  }
}
