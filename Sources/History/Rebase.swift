import Foundation
import ImageModel
import ImageStore
import LayerFS
import TarStream

/// A path that the base changed between OLD and NEW and that a replayed layer also touches.
public struct RebaseConflict: Sendable, Hashable, CustomStringConvertible {
  public let path: String
  /// How the base changed it from OLD to NEW (A, M or D).
  public let upstream: Change.Kind
  /// The replayed commit and what its layer does there.
  public let commit: CommitID
  public let action: String

  public var description: String {
    "\(FileName.display(path)): changed by the new base (\(upstream.rawValue)), and commit \(commit.short) \(action) it"
  }
}

/// The outcome of rebasing one image.
public struct RebaseResult: Sendable {
  public let tag: TagName
  public let oldTip: CommitID
  public let ref: CommitRef
  public let replayed: Int
  public let conflicts: [RebaseConflict]
  /// The platforms rebased, each onto the new base's image of the same platform; empty for
  /// a single-platform image. The other fields are the repository's own platform's.
  public var platforms: [Platform] = []
}

extension Repository {
  /// `rebase --onto NEW OLD IMAGE`: the commits of OLD..IMAGE placed on NEW, their layer
  /// blobs reused byte for byte. Without OLD, the fork point is found (see ``forkPoint(of:new:)``).
  /// Reads no layer bytes beyond the cached indexes the conflict check needs.
  ///
  /// - Throws: ``HistoryError/rebaseConflicts(_:)`` with `strict` when the check finds any.
  public func rebase(onto new: Revision, old: Revision?, image: Revision, tag: TagName?, strict: Bool) throws
    -> RebaseResult
  {
    let plan = try planRebase(onto: new, old: old, image: image, tag: tag, strict: strict)
    try moveTag(plan.result.tag, from: plan.expected, to: plan.descriptor, command: plan.command)
    return plan.result
  }

  /// A rebase computed and its images written, its tag not yet moved.
  struct RebasePlan {
    var result: RebaseResult
    /// The tag's value when the rebase started: the old value of its compare-and-swap.
    let expected: Descriptor?
    let command: String
    /// Where the tag moves: the new image, or the new index of a multi-platform one.
    var descriptor: Descriptor
  }

  /// The rebase of every platform of `image` (see ``forEachPlatform(of:_:)``).
  func planRebase(onto new: Revision, old: Revision?, image: Revision, tag: TagName?, strict: Bool) throws
    -> RebasePlan
  {
    let rewrite = try forEachPlatform(of: image) {
      try planRebaseOnePlatform(onto: new, old: old, image: image, tag: tag, strict: strict)
    }
    var plan = rewrite.result
    plan.descriptor = rewrite.descriptor
    plan.result.platforms = rewrite.platforms
    return plan
  }

  /// One platform's rebase, checked (fork point, conflicts with `strict`); the step
  /// returned writes its image.
  private func planRebaseOnePlatform(
    onto new: Revision, old: Revision?, image: Revision, tag: TagName?, strict: Bool
  ) throws
    -> Rewrite<RebasePlan>
  {
    let top = try resolve(image)
    let target = try targetTag(tag, for: image)
    let expected = try startingValue(target)
    let oldID: CommitID
    if let old {
      oldID = try resolve(old).commit.id
    } else {
      oldID = try forkPoint(of: top, new: new)
    }
    guard let oldPosition = top.image.commits[...top.position].firstIndex(where: { $0.id == oldID }) else {
      throw HistoryError.notAncestor(old?.description ?? oldID.short, image.description)
    }
    let onto = try resolve(new)
    let replayed = Array(top.image.commits[(oldPosition + 1)..<(top.position + 1)])
    let conflicts = try rebaseConflicts(
      old: CommitRef(image: top.image, position: oldPosition), new: onto, replayed: replayed, in: top.image)
    if strict && !conflicts.isEmpty { throw HistoryError.rebaseConflicts(conflicts.map(\.description)) }

    return {
      let (manifest, config) = try self.assemble(onto: onto, named: new, replaying: replayed, from: top)
      let result = try self.write(manifest: manifest, config: config)
      let plan = RebasePlan(
        result: RebaseResult(
          tag: target, oldTip: top.commit.id,
          ref: CommitRef(image: result, position: result.commits.count - 1),
          replayed: replayed.count, conflicts: conflicts),
        expected: expected, command: "rebase --onto \(new) \(old?.description ?? oldID.short) \(image)",
        descriptor: result.descriptor)
      return (result.descriptor, plan)
    }
  }

  /// The image `replayed` (commits of `top`) makes on `onto`: the config is top's, with
  /// onto's history, DiffIDs and platform in front; layer blobs are reused as they are.
  func assemble(onto: CommitRef, named new: Revision, replaying replayed: [Commit], from top: CommitRef)
    throws
    -> (Manifest, ImageConfig)
  {
    let base = onto.image.truncated(at: onto.position)
    let cut = top.image.truncated(at: top.position)
    var config = cut.config
    config.history = onto.image.commits[...onto.position].map(\.history) + replayed.map(\.history)
    config.diffIDs = base.config.diffIDs + replayed.compactMap(\.diffID)
    for key in ["architecture", "os", "variant", "os.version", "os.features"] {
      config.json[key] = base.config.json[key]
    }
    var manifest = cut.manifest
    manifest.layers = base.manifest.layers + replayed.compactMap(\.layer?.descriptor)
    let baseDescriptor = try materialize(onto)
    var annotations = manifest.annotations ?? [:]
    annotations["org.opencontainers.image.base.digest"] = baseDescriptor.digest.description
    annotations["org.opencontainers.image.base.name"] = new.tagName?.description ?? new.description
    manifest.annotations = annotations
    return (manifest, config)
  }

  /// `rebase --onto NEW OLD --all`: every tagged image that descends from OLD (other than
  /// OLD's and NEW's own tags) moves onto NEW, all in one tag update: either every tag moves
  /// or none does (a tag another command moved meanwhile stops them all), and a store of a
  /// thousand images rewrites `index.json` once, not a thousand times.
  public func rebaseAll(onto new: Revision, old: Revision, strict: Bool) throws -> [RebaseResult] {
    let oldID = try resolve(old).commit.id
    let newID = try resolve(new).commit.id
    var plans: [RebasePlan] = []
    for tag in try tags() {
      let image = try image(tag.descriptor)
      guard let tip = image.tip, tip.id != oldID, tip.id != newID,
        image.commits.contains(where: { $0.id == oldID }),
        !image.commits.contains(where: { $0.id == newID })
      else { continue }
      plans.append(
        try planRebase(onto: new, old: old, image: .name(tag.name.description), tag: tag.name, strict: strict)
      )
    }
    guard !plans.isEmpty else { return [] }
    try updateTags(command: "rebase --onto \(new) \(old) --all") { update in
      for plan in plans {
        try update.move(plan.result.tag, from: plan.expected, to: plan.descriptor)
      }
    }
    return plans.map(\.result)
  }

  /// Where IMAGE left NEW's line: the newest earlier value of NEW's tag (from its reflog) that
  /// is an ancestor of IMAGE, else the base recorded in IMAGE's annotations.
  public func forkPoint(of image: CommitRef, new: Revision) throws -> CommitID {
    let chain = Set(image.image.commits[...image.position].map(\.id))
    if let tag = new.tagName {
      for entry in try store.reflog(tag) {
        for d in [entry.new, entry.old].compactMap({ $0 }) where store.hasBlob(d.digest) {
          if let tip = try? self.image(d).tip, chain.contains(tip.id) { return tip.id }
        }
      }
    }
    if let s = image.image.manifest.annotations?["org.opencontainers.image.base.digest"],
      let d = try? Digest(parsing: s),
      store.hasBlob(d), let tip = try? resolve(.manifest(d)).commit, chain.contains(tip.id)
    {
      return tip.id
    }
    throw HistoryError.noForkPoint(new.description, image.commit.id.short)
  }

  /// Paths that differ between OLD and NEW and that a replayed layer also writes, removes,
  /// or hides (an opaque folder whose lower content changed meaning on the new base).
  func rebaseConflicts(old: CommitRef, new: CommitRef, replayed: [Commit], in image: Image) throws
    -> [RebaseConflict]
  {
    guard replayed.contains(where: { !$0.isEmpty }) else { return [] }
    let upstream = try baseChanges(from: old, to: new)
    guard !upstream.isEmpty else { return [] }
    let changed = Dictionary(upstream.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
    var conflicts: [RebaseConflict] = []
    let layers = replayed.compactMap { c in c.layer.map { (c, $0) } }
    let indexes = try layerIndexes(layers.map(\.1))
    for ((c, _), index) in zip(layers, indexes) {
      for e in index.entries {
        if let k = changed[e.path] {
          conflicts.append(.init(path: e.path, upstream: k, commit: c.id, action: "writes"))
        }
      }
      for w in index.whiteouts {
        for (p, k) in changed where LayerPath.isWithin(p, w) {
          conflicts.append(.init(path: p, upstream: k, commit: c.id, action: "removes"))
        }
      }
      for d in index.opaque {
        for (p, k) in changed where p != d && LayerPath.isWithin(p, d) {
          conflicts.append(
            .init(path: p, upstream: k, commit: c.id, action: "hides (opaque folder \(d.isEmpty ? "/" : d))"))
        }
      }
    }
    return conflicts.sorted { ($0.path, $0.commit) < ($1.path, $1.commit) }
  }
}
