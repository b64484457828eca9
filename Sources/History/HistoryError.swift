import Errors
import ImageModel

/// What can go wrong resolving revisions or moving tags.
public enum HistoryError: ImggitError, Equatable {
  case unknownRevision(String, candidates: [String])
  case ambiguousRevision(String, candidates: [String])
  case noSuchAncestor(String, available: Int)
  case noReflogEntry(TagName, Int, count: Int)
  case deletedInReflog(TagName, Int)
  case tagExists(TagName)
  case emptyImage(String)
  case noLayer(String)
  case needsTag(String)
  case notAncestor(String, String)
  case emptyRange(String)
  case noForkPoint(String, String)
  case rebaseConflicts([String])
  case mergeConflicts([String])
  case unrelated(String, String)
  case oursNeedsSquash
  case noSuchPath(String, String)

  public var description: String {
    switch self {
    case .unknownRevision(let r, let c):
      return "unknown revision \"\(r)\""
        + (c.isEmpty ? "; the store has no tags" : "; tags here: \(c.joined(separator: ", "))")
    case .ambiguousRevision(let r, let c):
      return "ambiguous revision \"\(r)\" could be: \(c.joined(separator: "; "))"
    case .noSuchAncestor(let r, let n):
      return "\(r) does not exist: that commit has \(n) ancestor\(n == 1 ? "" : "s")"
    case .noReflogEntry(let t, let n, let count):
      return "\(t)@{\(n)} does not exist: the reflog of \(t) has \(count) entr\(count == 1 ? "y" : "ies")"
    case .deletedInReflog(let t, let n):
      return "\(t)@{\(n)} is the deletion of the tag; try \(t)@{\(n + 1)}"
    case .tagExists(let t):
      return "tag \(t) already exists"
    case .notAncestor(let a, let b):
      return "\(a) is not an ancestor of \(b): nothing in \(b)'s history to squash onto"
    case .noForkPoint(let new, let image):
      return
        "cannot tell where \(image) forked from \(new) (no earlier value of its tag and no base annotation is an ancestor)"
    case .rebaseConflicts(let list):
      return
        "rebase refused: \(list.count) conflict\(list.count == 1 ? "" : "s"): \(list.prefix(5).joined(separator: "; "))\(list.count > 5 ? "; …" : "")"
    case .mergeConflicts(let list):
      return
        "merge refused: \(list.count) path\(list.count == 1 ? "" : "s") changed on both sides: \(list.prefix(5).joined(separator: "; "))\(list.count > 5 ? "; …" : "")"
    case .unrelated(let a, let b):
      return "\(a) and \(b) share no commit: there is no merge base"
    case .oursNeedsSquash:
      return "keeping A's version needs a squash: B's layers cannot be reused unchanged when A's version wins"
    case .emptyRange(let r):
      return "\(r) holds no commits to squash"
    case .needsTag(let r):
      return "\(r) is not a tag, so there is no tag to move"
    case .noSuchPath(let p, let id):
      return "cannot remove \(p): no such path in the filesystem of \(id)"
    case .noLayer(let id):
      return "commit \(id) is a config-only step: it has no layer to extract"
    case .emptyImage(let r):
      return "\(r) names an image with no layers and no history"
    }
  }
}
