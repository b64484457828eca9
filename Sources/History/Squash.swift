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
}

extension Repository {
  /// Replaces the layers of `manifest`/`config` past `keep` with one layer that turns
  /// `base` into `target` (trees of `image`, whose layers hold the bytes), or with none when
  /// nothing changes; appends `entry` to `history` (marked empty-layer in that case).
  /// Shared by `merge --squash` of a range and of two images.
  func squashInto(
    manifest: inout Manifest, config: inout ImageConfig, keep: Int, history: [HistoryEntry],
    entry: HistoryEntry,
    image: Image, base: RootFS, target: RootFS, forceLayer: Bool, options: LayerOptions
  ) throws -> LayerDiff.Plan {
    let plan = LayerDiff.plan(from: base, to: target)
    var entry = entry
    manifest.layers = Array(manifest.layers.prefix(keep))
    var diffIDs = Array(config.diffIDs.prefix(keep))
    if !plan.isEmpty || forceLayer {
      let sink = try LayerSink(store: store, compression: options.compression, level: options.level)
      let mtime =
        options.sourceDateEpoch ?? Dates.parse(entry.created).map { Int64($0.timeIntervalSince1970) } ?? 0
      try LayerDiff(store: store, progress: progress).write(
        image: image, base: base, target: target, plan: plan, into: sink, mtime: mtime)
      let layer = try sink.close()
      manifest.layers.append(layer.descriptor)
      diffIDs.append(layer.diffID)
    } else {
      entry.json["empty_layer"] = .bool(true)
    }
    config.diffIDs = diffIDs
    config.history = history + [entry]
    if let created = entry.created { config.created = created }
    return plan
  }

  /// The time of a commit imggit makes: `SOURCE_DATE_EPOCH`, else the time of the commit it
  /// stands for (so the same command gives the same digests).
  func creationTime(_ options: LayerOptions, else fallback: String?) -> String? {
    options.sourceDateEpoch.map {
      ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval($0)))
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
    let top = try resolve(image)
    let target = try targetTag(tag, for: image)
    let expected = try startingValue(target)
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
    let cut = top.image.truncated(at: top.position)
    var manifest = cut.manifest
    var config = cut.config
    let replaced = range.map { "- " + Summary.title($0) }.joined(separator: "\n")
    var entry = HistoryEntry(
      createdBy: message ?? "imggit merge --squash \(base.map { "\($0).." } ?? "")\(image)",
      created: created, comment: "squashed \(range.count) commit\(range.count == 1 ? "" : "s"):\n\(replaced)")
    if let author = top.commit.history.author { entry.json["author"] = .string(author) }
    // A range whose layers cancel out still gets a layer: it stood for file changes.
    let plan = try squashInto(
      manifest: &manifest, config: &config, keep: baseLayers,
      history: top.image.commits.prefix(basePosition + 1).map(\.history), entry: entry, image: top.image,
      base: baseTree, target: topTree, forceLayer: range.contains { !$0.isEmpty }, options: options)
    let result = try write(manifest: manifest, config: config)
    let descriptor = result.descriptor
    try moveTag(
      target, from: expected, to: descriptor,
      command: "merge --squash \(base.map { "\($0).." } ?? "")\(image)")
    return SquashResult(
      ref: CommitRef(image: result, position: result.commits.count - 1), tag: target, squashed: range.count,
      changed: plan.changed.count, removed: plan.whiteouts.count + plan.opaque.count)
  }
}
