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
    let target = try targetTag(tag, for: image)
    let baseLayers = basePosition >= 0 ? top.image.commits[basePosition].layerCount : 0
    let baseTree = try rootFS(top.image, layers: baseLayers)
    let topTree = try rootFS(top.image, layers: top.commit.layerCount)
    let plan = LayerDiff.plan(from: baseTree, to: topTree)

    let created =
      options.sourceDateEpoch.map {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval($0)))
      }
      ?? top.commit.history.created
    let mtime = options.sourceDateEpoch ?? Dates.parse(created).map { Int64($0.timeIntervalSince1970) } ?? 0
    let cut = top.image.truncated(at: top.position)
    var manifest = cut.manifest
    var config = cut.config
    manifest.layers = Array(manifest.layers.prefix(baseLayers))
    var diffIDs = Array(config.diffIDs.prefix(baseLayers))
    let hasLayer = !plan.isEmpty || range.contains { !$0.isEmpty }
    if hasLayer {
      let sink = try LayerSink(store: store, compression: options.compression, level: options.level)
      try LayerDiff(store: store).write(
        image: top.image, base: baseTree, target: topTree, plan: plan, into: sink, mtime: mtime)
      let layer = try sink.close()
      manifest.layers.append(layer.descriptor)
      diffIDs.append(layer.diffID)
    }
    config.diffIDs = diffIDs
    let replaced = range.map { "- " + Summary.title($0) }.joined(separator: "\n")
    var entry = HistoryEntry(
      createdBy: message ?? "imggit merge --squash \(base.map { "\($0).." } ?? "")\(image)",
      created: created, comment: "squashed \(range.count) commit\(range.count == 1 ? "" : "s"):\n\(replaced)",
      emptyLayer: !hasLayer)
    if let author = top.commit.history.author { entry.json["author"] = .string(author) }
    config.history = top.image.commits.prefix(basePosition + 1).map(\.history) + [entry]
    if let created { config.created = created }
    let descriptor = try store.writeImage(manifest: manifest, config: config)
    try store.update(command: "merge --squash \(base.map { "\($0).." } ?? "")\(image)") {
      $0.set(target, to: descriptor)
    }
    let result = try self.image(descriptor)
    return SquashResult(
      ref: CommitRef(image: result, position: result.commits.count - 1), tag: target, squashed: range.count,
      changed: plan.changed.count, removed: plan.whiteouts.count + plan.opaque.count)
  }
}
