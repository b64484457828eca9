import Foundation
import ImageModel
import ImageStore
import LayerFS

/// How a new layer is compressed.
public struct LayerOptions: Sendable {
  public var compression: LayerCompression = .gzip
  public var level: Int?
  /// `SOURCE_DATE_EPOCH`, for the times imggit has to invent.
  public var sourceDateEpoch: Int64?
  public init() {}
}

/// The outcome of `merge --squash`.
public struct SquashResult: Sendable {
  public let ref: CommitRef
  public let tag: TagName
  /// How many commits the new one replaced.
  public let squashed: Int
  /// The paths the new layer adds or changes, and removes (whiteouts and opaque folders).
  public let changed: Int
  public let removed: Int
  /// The platforms squashed, each into its own image of a new index; empty for a
  /// single-platform image. The counts above are the repository's own platform's.
  public let platforms: [Platform]
}

/// One layer that takes the tree `from` to the tree `to`, replacing an image's layers past
/// the first `keep`: the shared step of `merge --squash` of a range and of two images.
struct LayerReplacement {
  /// The image whose layers hold the bytes of both trees.
  var source: Image
  var from: RootFS
  var to: RootFS
  /// How many layers of the result come before the new one.
  var keep: Int
  /// The history before the new step, and the step itself.
  var history: [HistoryEntry]
  var entry: HistoryEntry
  /// Write a layer even when the trees are equal (a range that stood for file changes).
  var forceLayer: Bool
}

/// A manifest and config not yet written, and the plan of the layer they end in.
struct ReplacedLayers {
  var manifest: Manifest
  var config: ImageConfig
  var plan: LayerDiff.Plan
}

extension Repository {
  /// `manifest`/`config` with their layers past `r.keep` replaced by one layer from `r.from`
  /// to `r.to` (or by none when nothing changes, the step then marked empty-layer).
  func replaceLayers(manifest: Manifest, config: ImageConfig, with r: LayerReplacement, options: LayerOptions)
    throws -> ReplacedLayers
  {
    var result = ReplacedLayers(
      manifest: manifest, config: config, plan: LayerDiff.plan(from: r.from, to: r.to))
    var entry = r.entry
    result.manifest.layers = Array(manifest.layers.prefix(r.keep))
    var diffIDs = Array(config.diffIDs.prefix(r.keep))
    if !result.plan.isEmpty || r.forceLayer {
      let sink = try LayerSink(
        store: store, compression: options.compression, level: options.level, indexing: true)
      let mtime =
        options.sourceDateEpoch ?? Dates.parse(entry.created).map { Int64($0.timeIntervalSince1970) } ?? 0
      try LayerDiff(store: store, progress: progress, verified: verifiedLayers).write(
        image: r.source, base: r.from, target: r.to, plan: result.plan, into: sink, mtime: mtime)
      let layer = try sink.close()
      keepIndex(of: layer)
      result.manifest.layers.append(layer.descriptor)
      diffIDs.append(layer.diffID)
    } else {
      entry.json["empty_layer"] = .bool(true)
    }
    result.config.diffIDs = diffIDs
    result.config.history = r.history + [entry]
    if let created = entry.created { result.config.created = created }
    return result
  }

  /// The time of a commit imggit makes: `SOURCE_DATE_EPOCH`, else the time of the commit it
  /// stands for (so the same command gives the same digests).
  func creationTime(_ options: LayerOptions, else fallback: String?) -> String? {
    options.sourceDateEpoch.map {
      Dates.format(Date(timeIntervalSince1970: TimeInterval($0)))
    }
      ?? fallback
  }

  /// `merge --squash BASE..IMAGE`: BASE's commits, then one commit whose layer is the
  /// difference between the root filesystems of BASE and IMAGE; the config is IMAGE's.
  /// Without `base`, the whole image becomes one layer.
  ///
  /// - Throws: ``HistoryError/notAncestor(_:_:)`` when BASE is not in IMAGE's history,
  ///   ``HistoryError/emptyRange(_:)`` when there is nothing between them.
  public func squash(base: Revision?, image: Revision, tag: TagName?, message: String?, options: LayerOptions)
    throws -> SquashResult
  {
    _ = try resolve(image)
    let target = try targetTag(tag, for: image)
    let expected = try startingValue(target)
    let rewrite = try forEachPlatform(of: image) {
      try squashOnePlatform(base: base, image: image, tag: target, message: message, options: options)
    }
    try moveTag(
      target, from: expected, to: rewrite.descriptor,
      command: "merge --squash \(base.map { "\($0).." } ?? "")\(image)")
    let r = rewrite.result
    return SquashResult(
      ref: r.ref, tag: target, squashed: r.squashed, changed: r.changed, removed: r.removed,
      platforms: rewrite.platforms)
  }

  /// The squash of one platform's image, checked; the step returned writes it.
  private func squashOnePlatform(
    base: Revision?, image: Revision, tag: TagName, message: String?, options: LayerOptions
  ) throws -> Rewrite<SquashResult> {
    let top = try resolve(image)
    var basePosition = -1
    if let base {
      let b = try resolve(base)
      guard let p = top.image.commits[...top.position].firstIndex(where: { $0.id == b.commit.id }) else {
        throw HistoryError.notAncestor(base.description, image.description)
      }
      basePosition = p
    }
    let range = top.image.commits[(basePosition + 1)..<(top.position + 1)]
    guard !range.isEmpty else { throw HistoryError.emptyRange("\(base?.description ?? "")..\(image)") }
    let baseLayers = basePosition >= 0 ? top.image.commits[basePosition].layerCount : 0
    let baseTree = try rootFS(top.image, layers: baseLayers)
    let topTree = try rootFS(top.image, layers: top.commit.layerCount)
    let created = creationTime(options, else: top.commit.history.created)
    let replaced = range.map { "- " + Summary.title($0) }.joined(separator: "\n")
    var entry = HistoryEntry(
      createdBy: message ?? "imggit merge --squash \(base.map { "\($0).." } ?? "")\(image)",
      created: created, comment: "squashed \(range.count) commit\(range.count == 1 ? "" : "s"):\n\(replaced)")
    if let author = top.commit.history.author { entry.json["author"] = .string(author) }
    return {
      try self.writeSquash(
        top, basePosition: basePosition, trees: (baseTree, topTree), entry, range, tag, options)
    }
  }

  private func writeSquash(
    _ top: CommitRef, basePosition: Int, trees: (RootFS, RootFS), _ entry: HistoryEntry,
    _ range: ArraySlice<Commit>, _ tag: TagName, _ options: LayerOptions
  ) throws -> (Descriptor, SquashResult) {
    let (baseTree, topTree) = trees
    // The trees hold what the write needs: the layer indexes they came from need not stay
    // in memory beside the compressor and the new layer's indexer.
    forgetLayerIndexes(keeping: [])
    let baseLayers = basePosition >= 0 ? top.image.commits[basePosition].layerCount : 0
    let cut = top.image.truncated(at: top.position)
    // A range whose layers cancel out still gets a layer: it stood for file changes.
    let squashed = try replaceLayers(
      manifest: cut.manifest, config: cut.config,
      with: LayerReplacement(
        source: top.image, from: baseTree, to: topTree, keep: baseLayers,
        history: top.image.commits.prefix(basePosition + 1).map(\.history), entry: entry,
        forceLayer: range.contains { !$0.isEmpty }),
      options: options)
    let plan = squashed.plan
    let result = try write(manifest: squashed.manifest, config: squashed.config)
    return (
      result.descriptor,
      SquashResult(
        ref: CommitRef(image: result, position: result.commits.count - 1), tag: tag, squashed: range.count,
        changed: plan.changed.count, removed: plan.whiteouts.count + plan.opaque.count, platforms: [])
    )
  }
}
