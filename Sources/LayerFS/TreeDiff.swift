import ImageModel

/// One difference between two root filesystems.
public struct Change: Sendable, Hashable {
  public enum Kind: String, Sendable, Codable {
    case added = "A"
    case modified = "M"
    case deleted = "D"
  }
  public let kind: Kind
  public let path: String
  public let old: FileEntry?
  public let new: FileEntry?
}

extension Change {
  /// What became of `path` between two trees, given its node in each; nil when it is the
  /// same file in both (modification times aside) or in neither.
  init?(path: String, from a: RootFS.Node?, to b: RootFS.Node?) {
    switch (a, b) {
    case (let a?, let b?) where !a.entry.sameContent(as: b.entry):
      self.init(kind: .modified, path: path, old: a.entry, new: b.entry)
    case (let a?, nil): self.init(kind: .deleted, path: path, old: a.entry, new: nil)
    case (nil, let b?): self.init(kind: .added, path: path, old: nil, new: b.entry)
    default: return nil
    }
  }
}

extension RootFS {
  /// What changes from `self` to `other`, by path: added, deleted, and modified (type, mode,
  /// owner, size, content, link target, xattrs). Modification times alone are not changes.
  public func changes(to other: RootFS) -> [Change] {
    var result: [Change] = []
    for (path, a) in nodes {
      if let b = other.nodes[path] {
        if !a.entry.sameContent(as: b.entry) {
          result.append(Change(kind: .modified, path: path, old: a.entry, new: b.entry))
        }
      } else {
        result.append(Change(kind: .deleted, path: path, old: a.entry, new: nil))
      }
    }
    for (path, b) in other.nodes where nodes[path] == nil {
      result.append(Change(kind: .added, path: path, old: nil, new: b.entry))
    }
    return result.sorted { $0.path < $1.path }
  }
}

extension RootFS {
  /// What `layers` (indexes with their positions, applied in order) change in this tree:
  /// the same as ``changes(to:)`` against the tree with them applied, at the cost of the
  /// paths they touch instead of two whole trees.
  public func changes(applying layers: [(index: LayerIndex, position: Int)]) throws -> [Change] {
    var after = self
    return try after.applyReportingChanges(layers)
  }
}
