import Foundation
import ImageModel
import ImageStore

/// A line of `imggit tag`.
public struct TagInfo: Sendable {
  public let name: TagName
  public let manifest: Digest
  public let tip: Commit?
  public let created: String?
  public let layers: Int
  public let size: Int64
}

extension Repository {
  /// Every tag with its tip commit, layer count and stored size.
  public func tagList() throws -> [TagInfo] {
    preload(try tags().map(\.descriptor))
    return try tags().map { tag in
      let i = try image(tag.descriptor)
      return TagInfo(
        name: tag.name, manifest: tag.descriptor.digest, tip: i.tip, created: i.config.created,
        layers: i.manifest.layers.count, size: i.layerSize)
    }
  }

  /// Creates `name` at `revision` — any commit, an intermediate one too (the TAG
  /// instruction): the new image keeps history and layers up to that commit.
  ///
  /// With `force`, an existing tag is moved whatever it names by then, as `git tag -f` moves
  /// it: the move does not depend on the old value, so a concurrent move is replaced, not
  /// refused, and the reflog records the value replaced under the store's lock.
  @discardableResult
  public func createTag(_ name: TagName, at revision: Revision, force: Bool = false) throws -> CommitRef {
    let ref = try resolve(revision)
    let descriptor = try materializeAllPlatforms(revision)
    try updateTags(command: "tag \(name) \(revision)") { update in
      if force {
        update.set(name, to: descriptor)
      } else {
        guard update.current(name) == nil else { throw HistoryError.tagExists(name) }
        try update.move(name, from: nil, to: descriptor)
      }
    }
    return ref
  }

  /// Moves an existing tag to `revision`, usually an ancestor or a reflog entry.
  @discardableResult
  public func reset(_ name: TagName, to revision: Revision) throws -> CommitRef {
    let expected = try startingValue(name)
    let ref = try resolve(revision)
    let descriptor = try materializeAllPlatforms(revision)
    try updateTags(command: "reset \(name) \(revision)") { update in
      guard update.current(name) != nil else { throw StoreError.unknownTag(name) }
      try update.move(name, from: expected, to: descriptor)
    }
    return ref
  }

  /// ``materialize(_:)`` on every platform: a revision of a multi-platform image (`app:1~2`,
  /// `app:1@{1}`) names that commit on each platform, so the tag keeps them all. The
  /// revision's own index when it names a tip.
  private func materializeAllPlatforms(_ revision: Revision) throws -> Descriptor {
    let ref = try resolve(revision)
    guard let index = ref.index else { return try materialize(ref) }
    if ref.isTip { return index }
    return try forEachPlatform(of: revision) { () -> Rewrite<Void> in
      let ref = try resolve(revision)
      return { (try self.materialize(ref), ()) }
    }.descriptor
  }

  /// Deletes tags; their images stay reachable through the reflog until `gc` expires it.
  public func deleteTags(_ names: [TagName]) throws {
    try updateTags(command: "tag -d \(names.map(\.description).joined(separator: " "))") { update in
      for name in names { try update.delete(name) }
    }
  }

  /// One reflog line: the N-th move of a tag with the commits on both sides.
  public struct ReflogLine: Sendable {
    public let tag: TagName
    public let index: Int
    public let entry: ReflogEntry
    public let oldTip: CommitID?
    public let newTip: CommitID?
  }

  /// The reflog of one tag, or of every tag that has one, newest first.
  public func reflog(_ tag: TagName?) throws -> [ReflogLine] {
    let names = try tag.map { [$0] } ?? store.reflogTags()
    var lines: [ReflogLine] = []
    for name in names {
      let entries = try store.reflog(name)
      if let tag, entries.isEmpty, try tags().first(where: { $0.name == tag }) == nil {
        throw StoreError.unknownTag(tag)
      }
      for (n, e) in entries.enumerated() {
        lines.append(
          ReflogLine(
            tag: name, index: n, entry: e, oldTip: e.old.flatMap { tipID(of: $0) },
            newTip: e.new.flatMap { tipID(of: $0) }))
      }
    }
    if tag == nil { lines.sort { $0.entry.time > $1.entry.time } }
    return lines
  }
}
