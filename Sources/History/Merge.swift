import Foundation
import ImageModel
import ImageStore
import LayerFS

/// Which side wins a path both sides changed.
public enum MergeStrategy: String, Sendable, CaseIterable {
  /// A's version (needs a squash: B's layers cannot be reused unchanged).
  case ours
  /// B's version: B's layers replayed on top as they are.
  case theirs
}

/// The outcome of merging two images.
public struct MergeResult: Sendable {
  public let tag: TagName
  public let ref: CommitRef
  public let fastForward: Bool
  public let replayed: Int
  public let conflicts: [RebaseConflict]
  /// The platforms merged, each with the same platform of B; empty for single-platform A.
  public var platforms: [Platform] = []
}

extension Repository {
  /// `merge A B`: from the merge base M (the newest commit both share), A plus B's commits
  /// since M — their layer blobs reused byte for byte, or one squashed layer with `squash`.
  /// A fast-forward when A is an ancestor of B.
  ///
  /// - Throws: ``HistoryError/mergeConflicts(_:)`` when both sides changed a path and no
  ///   strategy is given; ``HistoryError/unrelated(_:_:)`` when A and B share no commit.
  public func merge(
    _ a: Revision, _ b: Revision, tag: TagName, squash: Bool, strategy: MergeStrategy?, options: LayerOptions
  ) throws -> MergeResult {
    let expected = try startingValue(tag)
    let rewrite = try forEachPlatform(of: a) {
      try mergeOnePlatform(a, b, squash: squash, strategy: strategy, options: options, tag: tag)
    }
    var result = rewrite.result
    result.platforms = rewrite.platforms
    let command =
      result.fastForward ? "merge \(a) \(b) (fast-forward)" : "merge \(a) \(b)\(squash ? " --squash" : "")"
    try moveTag(tag, from: expected, to: rewrite.descriptor, command: command)
    return result
  }

  /// One platform's merge, checked (related, no unresolved conflicts); the step returned
  /// writes its image.
  private func mergeOnePlatform(
    _ a: Revision, _ b: Revision, squash: Bool, strategy: MergeStrategy?, options: LayerOptions, tag: TagName
  ) throws -> Rewrite<MergeResult> {
    let ours = try resolve(a)
    let theirs = try resolve(b)
    let chainA = ours.image.commits[...ours.position]
    let chainB = theirs.image.commits[...theirs.position]
    var common = 0
    while common < min(chainA.count, chainB.count), chainA[common].id == chainB[common].id { common += 1 }
    guard common > 0 else { throw HistoryError.unrelated(a.description, b.description) }
    if strategy == .ours && !squash { throw HistoryError.oursNeedsSquash }

    if common == chainA.count || common == chainB.count {
      // One side contains the other: the result is the longer one.
      let winner = common == chainA.count ? theirs : ours
      let fastForward = common == chainA.count
      return {
        (
          try self.materialize(winner),
          MergeResult(tag: tag, ref: winner, fastForward: fastForward, replayed: 0, conflicts: [])
        )
      }
    }
    let base = CommitRef(image: ours.image, position: common - 1)
    let replayed = Array(chainB[common...])
    let conflicts = try rebaseConflicts(old: base, new: ours, replayed: replayed, in: theirs.image)
    if !conflicts.isEmpty && strategy == nil {
      throw HistoryError.mergeConflicts(conflicts.map(\.description))
    }
    return {
      try self.writeMerge(
        ours, theirs, a, b, replayed: replayed, conflicts: conflicts, squash: squash, strategy: strategy,
        options: options, tag: tag)
    }
  }

  private func writeMerge(
    _ ours: CommitRef, _ theirs: CommitRef, _ a: Revision, _ b: Revision, replayed: [Commit],
    conflicts: [RebaseConflict], squash: Bool, strategy: MergeStrategy?, options: LayerOptions, tag: TagName
  ) throws -> (Descriptor, MergeResult) {
    var (manifest, config) = try assemble(onto: ours, named: a, replaying: replayed, from: theirs)
    if squash {
      // The merged tree, then one layer that takes A's tree there.
      let layers = ours.commit.layerCount
      let placeholder = Descriptor(mediaType: MediaType.ociManifest, digest: Digest(of: Data()), size: 0)
      let merged = try Image(descriptor: placeholder, manifest: manifest, config: config)
      let treeA = try rootFS(ours)
      var tree = try rootFS(merged, layers: merged.manifest.layers.count)
      if strategy == .ours {
        for c in conflicts { tree.replace(c.path, with: treeA.nodes[c.path]) }
      }
      var entry = HistoryEntry(
        createdBy: "imggit merge --squash \(a) \(b)",
        created: creationTime(options, else: theirs.commit.history.created),
        comment: "merged \(replayed.count) commit\(replayed.count == 1 ? "" : "s") of \(b):\n"
          + replayed.map { "- " + Summary.title($0) }.joined(separator: "\n"))
      if let author = theirs.commit.history.author { entry.json["author"] = .string(author) }
      let squashed = try replaceLayers(
        manifest: manifest, config: config,
        with: LayerReplacement(
          source: merged, from: treeA, to: tree, keep: layers,
          history: ours.image.commits[...ours.position].map(\.history), entry: entry, forceLayer: false),
        options: options)
      manifest = squashed.manifest
      config = squashed.config
    }
    let result = try write(manifest: manifest, config: config)
    return (
      result.descriptor,
      MergeResult(
        tag: tag, ref: CommitRef(image: result, position: result.commits.count - 1), fastForward: false,
        replayed: replayed.count, conflicts: conflicts)
    )
  }
}
