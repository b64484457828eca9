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

  /// What a commit's layer adds, modifies and deletes relative to its parent's filesystem;
  /// nothing for a config-only commit.
  public func changes(of ref: CommitRef) throws -> [Change] {
    let c = ref.commit
    guard !c.isEmpty else { return [] }
    let position = c.layerCount - 1
    var tree = try rootFS(ref.image, layers: position)
    return try tree.applyReportingChanges(try layerIndex(ref.image.layers[position]), at: position)
  }

  /// The file-level difference between the filesystems of two commits.
  public func diff(_ a: CommitRef, _ b: CommitRef) throws -> [Change] {
    try rootFS(a).changes(to: try rootFS(b))
  }

  /// The changes of every layer commit of `image`, computed in one walk up its history, each
  /// at the cost of the paths its layer touches (not of two whole trees per layer, which
  /// made `log --stat` of a long image grow with layers times files).
  public func changesByCommit(_ image: Image) throws -> [CommitID: [Change]] {
    let indexes = try layerIndexes(image, count: image.manifest.layers.count)
    var tree = RootFS()
    var result: [CommitID: [Change]] = [:]
    for c in image.commits where !c.isEmpty {
      let position = c.layerCount - 1
      result[c.id] = try tree.applyReportingChanges(indexes[position], at: position)
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
    // Tagged images first: they hold what `log` lists. Only a commit they lack sends the
    // walk to the reflogs' images, read one at a time (a thousand for a tag moved a
    // thousand times, which held at once made `log --stat` of such an image take a gigabyte).
    func take(_ image: Image) throws {
      guard !needed.isDisjoint(with: image.commits.map(\.id)) else { return }
      for (id, changes) in try changesByCommit(image) where needed.remove(id) != nil { result[id] = changes }
    }
    for (_, image) in try taggedImages() where !needed.isEmpty { try take(image) }
    if !needed.isEmpty {
      try forEachReflogImage {
        try take($0)
        return !needed.isEmpty
      }
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
