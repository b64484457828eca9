import Foundation
import ImageModel
import ImageStore
import LayerFS

extension Repository {
  /// The root filesystem at a commit: the image's layers up to it, from cached indexes.
  public func rootFS(_ ref: CommitRef) throws -> RootFS {
    try rootFS(ref.image, layers: ref.commit.layerCount)
  }

  func rootFS(_ image: Image, layers count: Int) throws -> RootFS {
    var tree = RootFS()
    for (i, index) in try layerIndexes(image, count: count).enumerated() {
      try tree.apply(index, at: i)
    }
    return tree
  }

  private func apply(_ image: Image, _ i: Int, to tree: RootFS) throws -> RootFS {
    var t = tree
    try t.apply(try layerIndexes([image.layers[i]])[0], at: i)
    return t
  }

  /// What a commit's layer adds, modifies and deletes relative to its parent's filesystem;
  /// nothing for a config-only commit.
  public func changes(of ref: CommitRef) throws -> [Change] {
    let c = ref.commit
    guard !c.isEmpty else { return [] }
    let before = try rootFS(ref.image, layers: c.layerCount - 1)
    let after = try apply(ref.image, c.layerCount - 1, to: before)
    return before.changes(to: after)
  }

  /// The file-level difference between the filesystems of two commits.
  public func diff(_ a: CommitRef, _ b: CommitRef) throws -> [Change] {
    try rootFS(a).changes(to: try rootFS(b))
  }

  /// The changes of every layer commit of `image`, computed in one walk up its history.
  public func changesByCommit(_ image: Image) throws -> [CommitID: [Change]] {
    _ = try layerIndexes(image, count: image.manifest.layers.count)
    var tree = RootFS()
    var result: [CommitID: [Change]] = [:]
    for c in image.commits where !c.isEmpty {
      let next = try apply(image, c.layerCount - 1, to: tree)
      result[c.id] = tree.changes(to: next)
      tree = next
    }
    return result
  }

  /// The changes of each of `commits` (`log --stat`), found in the fewest walks: one per
  /// reachable image that holds a commit still needed, stopping once every one is done.
  /// Empty commits map to no changes.
  public func changes(of commits: some Sequence<Commit>) throws -> [CommitID: [Change]] {
    var result: [CommitID: [Change]] = [:]
    var needed = Set<CommitID>()
    for c in commits {
      if c.isEmpty { result[c.id] = [] } else { needed.insert(c.id) }
    }
    guard !needed.isEmpty else { return result }
    for (_, image) in try reachableImages(reflogs: true)
    where !needed.isDisjoint(with: image.commits.map(\.id)) {
      for (id, changes) in try changesByCommit(image) where needed.remove(id) != nil { result[id] = changes }
      if needed.isEmpty { break }
    }
    return result
  }

  /// What an extraction could not do exactly.
  public struct ExtractReport: Sendable {
    /// What the target could not restore (ownership as an ordinary user, xattrs).
    public var restore: [String] = []
    /// What one layer alone could not give.
    public var layer: [ExtractWarning] = []

    public init(restore: [String] = [], layer: [ExtractWarning] = []) {
      self.restore = restore
      self.layer = layer
    }
  }

  /// Writes the root filesystem at `ref` (or, with `layerOnly`, just its layer's entries).
  public func extract(
    _ ref: CommitRef, layerOnly: Bool, paths: [String], into sink: TreeSink, keepWhiteouts: Bool
  )
    throws -> ExtractReport
  {
    let extractor = Extractor(store: store, progress: progress, verified: verifiedLayers)
    if layerOnly {
      let c = ref.commit
      guard let layer = c.layer else { throw HistoryError.noLayer(c.id.short) }
      let warnings = try extractor.extractLayer(
        layer, paths: paths, into: sink, keepWhiteouts: keepWhiteouts)
      return ExtractReport(restore: sink.warnings, layer: warnings)
    } else {
      try extractor.extractRootFS(
        image: ref.image, layerCount: ref.commit.layerCount, paths: paths, into: sink,
        indexes: try layerIndexes(ref.image, count: ref.commit.layerCount))
    }
    return ExtractReport(restore: sink.warnings)
  }
}
