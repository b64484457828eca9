import ImageModel

/// A tag of the store: an `index.json` entry with a name.
public struct Tag: Sendable, Hashable {
  public let name: TagName
  public let descriptor: Descriptor

  /// The name an index entry carries: the containerd image name (a full reference) when
  /// present, else `org.opencontainers.image.ref.name`.
  static func name(of d: Descriptor) -> TagName? {
    guard let a = d.annotations else { return nil }
    if let full = a[Tag.containerdName], let t = try? TagName(normalizing: full) { return t }
    if let ref = a[Tag.refName], let t = try? TagName(normalizing: ref) { return t }
    return nil
  }

  /// The tag name of an index entry, if it has one.
  public static func displayName(_ d: Descriptor) -> String? { name(of: d)?.description }

  static func all(in index: ImageIndex) -> [Tag] {
    var seen = Set<TagName>()
    var tags: [Tag] = []
    for d in index.manifests {
      guard let name = name(of: d), seen.insert(name).inserted else { continue }
      tags.append(Tag(name: name, descriptor: d))
    }
    return tags.sorted { $0.name < $1.name }
  }

  public static let refName = "org.opencontainers.image.ref.name"
  public static let containerdName = "io.containerd.image.name"
}

/// The tag changes of one ``Store/update(command:_:)``, applied to a copy of `index.json`.
public struct TagUpdate {
  public private(set) var index: ImageIndex
  struct Move {
    let tag: TagName
    let old: Descriptor?
    let new: Descriptor?
  }
  var moves: [Move] = []
  /// The entry each tag names, the first when several name it (as ``Tag/all(in:)`` reads
  /// them): a lookup per move, not a scan that parses every entry's name.
  private var positions: [TagName: Int] = [:]
  /// The name of each entry of `index.manifests`, parsed once.
  private var names: [TagName?]

  init(index: ImageIndex) {
    self.index = index
    names = index.manifests.map(Tag.name(of:))
    indexPositions()
  }

  private mutating func indexPositions() {
    positions = [:]
    positions.reserveCapacity(names.count)
    for (i, name) in names.enumerated() {
      if let name, positions[name] == nil { positions[name] = i }
    }
  }

  /// The current value of `tag`, seeing the moves made so far in this update.
  public func current(_ tag: TagName) -> Descriptor? {
    positions[tag].map { index.manifests[$0].bare }
  }

  /// Points `tag` at `descriptor`, creating the tag if needed. An entry another tool wrote
  /// keeps its annotations (so a full `docker.io/...` name stays as it was).
  public mutating func set(_ tag: TagName, to descriptor: Descriptor) {
    let new = descriptor.bare
    if let i = positions[tag] {
      let old = index.manifests[i]
      if old.bare == new { return }
      var entry = new
      entry.annotations = old.annotations
      index.manifests[i] = entry
      moves.append(Move(tag: tag, old: old.bare, new: new))
    } else {
      var entry = new
      entry.annotations = [Tag.refName: tag.description]
      index.manifests.append(entry)
      names.append(tag)
      positions[tag] = index.manifests.count - 1
      moves.append(Move(tag: tag, old: nil, new: new))
    }
  }

  /// Points `tag` at `descriptor` only if it still has the value `expected` (nil: only if
  /// it does not exist): the compare-and-swap of every rewrite, as `git update-ref NEW OLD`.
  ///
  /// - Throws: ``StoreError/tagMoved(_:expected:actual:)`` when another command moved it
  ///   since this one read it.
  public mutating func move(_ tag: TagName, from expected: Descriptor?, to descriptor: Descriptor) throws {
    let actual = current(tag)
    guard actual?.digest == expected?.digest else {
      throw StoreError.tagMoved(tag, expected: expected?.digest, actual: actual?.digest)
    }
    set(tag, to: descriptor)
  }

  /// Removes `tag`. Its blobs stay, and the reflog still reaches them.
  public mutating func delete(_ tag: TagName) throws {
    guard let i = positions[tag] else { throw StoreError.unknownTag(tag) }
    let old = index.manifests.remove(at: i)
    names.remove(at: i)
    moves.append(Move(tag: tag, old: old.bare, new: nil))
    // A later entry of the same name, if another tool wrote one, now names the tag.
    indexPositions()
  }
}
