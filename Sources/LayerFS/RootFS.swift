import ImageModel
import TarStream

/// The root filesystem an image has at one commit: its layers' indexes applied in order with
/// full whiteout semantics. Only metadata and content digests; no file bytes.
public struct RootFS: Sendable {
  /// Where a regular file's bytes come from: the layer (by position in the image) and the
  /// path of the entry that wrote them. Hard links share the source of their target, which is
  /// what makes them one file.
  public struct Source: Sendable, Hashable {
    public let layer: Int
    public let path: String
  }

  public struct Node: Sendable {
    /// The entry as the filesystem sees it; a hard link carries its target's metadata.
    public var entry: FileEntry
    /// The layer (position in the image) that last wrote this path.
    public var layer: Int
    /// A folder no layer listed, made because something below it was.
    public var implicit: Bool
    /// For regular files and hard links: the entry that holds the bytes.
    public var source: Source?
  }

  public private(set) var nodes: [String: Node] = [:]
  /// The indexes applied, by layer position, for readers of their bytes (repeated paths).
  public private(set) var layers: [Int: LayerIndex] = [:]
  /// The last component of every symlink ever put in the tree (some may be gone since): a
  /// folder whose name is not here is no symlink, which spares most lookups in ``resolve``.
  private var symlinkNames: Set<Substring> = []
  /// While ``applyRecordingChanges(_:at:)`` runs: every path set or removed.
  private var recorded: Set<String>?
  /// While ``applyReportingChanges(_:at:)`` runs: each path touched, with its node before
  /// the first touch (nil: there was none).
  private var before: [String: Node?]?
  /// A folder whose path crosses no symlink, as the tree stands: the folder of the last
  /// entry applied that crossed none. A tar lists a folder's files one after another, and
  /// they are then taken as they are, not looked up folder by folder (most of a rebase's
  /// time). Forgotten whenever a symlink is put anywhere.
  private var cleanFolder: Substring.UTF8View?

  public init() {}

  /// Applies the layers in order (index 0 is the lowest).
  public init(layers: [LayerIndex]) throws {
    for (i, layer) in layers.enumerated() { try apply(layer, at: i) }
  }

  /// Applies one layer and returns the paths it set or removed, so that a caller keeping
  /// something per path (the git mirror's trees) updates only those, instead of copying the
  /// tree and comparing it whole, which grows with every layer.
  public mutating func applyRecordingChanges(_ index: LayerIndex, at layer: Int) throws -> Set<String> {
    recorded = []
    defer { recorded = nil }
    try apply(index, at: layer)
    return recorded ?? []
  }

  /// Applies one layer and returns what it changed: what ``changes(to:)`` would give
  /// between the tree before and after, at the cost of the paths the layer touches, with no
  /// copy of the tree. `log --stat` walks an image's layers with it.
  public mutating func applyReportingChanges(_ index: LayerIndex, at layer: Int) throws -> [Change] {
    try applyReportingChanges([(index, layer)])
  }

  /// Applies `layers` (indexes with their positions) in order and returns what they changed
  /// together, as ``applyReportingChanges(_:at:)`` does for one.
  public mutating func applyReportingChanges(_ layers: [(index: LayerIndex, position: Int)]) throws
    -> [Change]
  {
    before = [:]
    defer { before = nil }
    for (index, position) in layers { try apply(index, at: position) }
    return (before ?? [:]).compactMap { Change(path: $0.key, from: $0.value, to: nodes[$0.key]) }
      .sorted { $0.path < $1.path }
  }

  /// Sets or removes one path, noting it when changes are recorded or reported.
  private mutating func put(_ path: String, _ node: Node?) {
    recorded?.insert(path)
    if before != nil, before!.index(forKey: path) == nil { before![path] = .some(nodes[path]) }
    if node?.entry.type == .symlink { cleanFolder = nil }
    nodes[path] = node
  }

  /// ``resolve(_:last:)`` of an entry's path, through ``cleanFolder``.
  private mutating func resolveEntry(_ path: String) -> String {
    let utf8 = path.utf8
    guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")), slash != utf8.startIndex,
      utf8.index(after: slash) != utf8.endIndex
    else { return resolve(path) }
    let folder = path[..<slash].utf8
    if let cleanFolder, folder.elementsEqual(cleanFolder) { return path }
    if LayerPath.crossesNothing(path, last: false, mayBeLink: { symlinkNames.contains($0) }, link: linkTarget)
    {
      cleanFolder = folder
      return path
    }
    return resolve(path)
  }

  /// Applies one layer: its opaque markers and whiteouts hide what the layers below had
  /// (never what this layer adds, wherever the marker sits in the tar), then its entries.
  ///
  /// Paths are resolved through the symlinks of the tree so far, inside the root (see
  /// ``LayerPath/resolve(_:last:link:)``): under merged /usr, `lib/modules/x` lands in
  /// `usr/lib/modules/x` and `lib` stays a symlink, as umoci and the runtimes extract it. A
  /// node's entry carries the resolved path; its ``Source`` keeps the path in the tar.
  public mutating func apply(_ index: LayerIndex, at layer: Int) throws {
    if !index.repeats.isEmpty { layers[layer] = index }
    for dir in index.opaque { removeBelow(resolve(dir, last: true)) }
    for raw in index.whiteouts {
      let path = resolve(raw)
      put(path, nil)
      removeBelow(path)
    }
    // Room for the larger of the tree and the layer, not their sum: a layer mostly rewrites
    // paths the tree has (a squashed one rewrites nearly all), and the sum doubled the table
    // of a squashed image's tree (22 MB for app-big:1's, where 11 do).
    nodes.reserveCapacity(max(nodes.count, index.entries.count))
    for raw in index.entries {
      var e = raw
      e.path = resolveEntry(raw.path)
      if let old = nodes[e.path], old.entry.type == .directory, e.type != .directory {
        removeBelow(e.path)
      }
      ensureParents(of: e.path, layer: layer)
      switch e.type {
      case .hardlink:
        let target = raw.link.map { resolve($0) }
        guard let target, let t = nodes[target], t.entry.effectiveType == .regular else {
          throw LayerFSError.danglingHardLink(raw.path, target: raw.link ?? "", layer: index.diffID)
        }
        var resolved = t.entry
        resolved.path = e.path
        resolved.type = .hardlink
        resolved.link = target
        put(e.path, Node(entry: resolved, layer: layer, implicit: false, source: t.source))
      case .regular:
        put(
          e.path, Node(entry: e, layer: layer, implicit: false, source: Source(layer: layer, path: raw.path)))
      default:
        if e.type == .symlink { symlinkNames.insert(Substring(LayerPath.split(e.path).base)) }
        put(e.path, Node(entry: e, layer: layer, implicit: false, source: nil))
      }
    }
  }

  /// A path of a layer as it lands in this tree: its folders resolved through symlinks.
  public func resolve(_ path: String, last: Bool = false) -> String {
    LayerPath.resolve(path, last: last, mayBeLink: { symlinkNames.contains($0) }, link: linkTarget)
  }

  /// Where the symlink at `path` points, from the root; nil when `path` is no symlink.
  private func linkTarget(_ path: String) -> String? {
    guard let n = nodes[path], n.entry.type == .symlink else { return nil }
    return Self.target(of: n.entry, at: path)
  }

  /// A symlink's target as a path from the root: relative targets start in its folder.
  static func target(of entry: FileEntry, at path: String) -> String? {
    guard let link = entry.link, !link.isEmpty else { return nil }
    if link.hasPrefix("/") { return link }
    let dir = LayerPath.split(path).dir
    return "/" + (dir.isEmpty ? link : dir + "/" + link)
  }

  /// Puts `node` at `path` (or removes the path), keeping everything below a folder that
  /// stays a folder. For merges that let one side win a path.
  public mutating func replace(_ path: String, with node: Node?) {
    if node?.entry.type != .directory { removeBelow(path) }
    if node?.entry.type == .symlink { symlinkNames.insert(Substring(LayerPath.split(path).base)) }
    put(path, node)
  }

  private mutating func removeBelow(_ dir: String) {
    if dir.isEmpty {
      if recorded != nil { recorded!.formUnion(nodes.keys) }
      if before != nil {
        for (path, node) in nodes where before!.index(forKey: path) == nil { before![path] = .some(node) }
      }
      nodes.removeAll()
      return
    }
    let prefix = dir + "/"
    // The keys are gathered first: removing while iterating `nodes.keys` would hold a second
    // reference to the storage and copy the whole tree on the first removal.
    let below = nodes.keys.filter { $0.hasPrefix(prefix) }
    for key in below { put(key, nil) }
  }

  /// Makes the folders above `path` exist. Every node's folders exist already, so the walk
  /// up stops at the first folder found (this runs once per entry of every layer).
  private mutating func ensureParents(of path: String, layer: Int) {
    var end = path.utf8.endIndex
    while let slash = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
      let parent = String(path[..<slash])
      if let n = nodes[parent] {
        if n.entry.type == .directory { return }
        removeBelow(parent)
      }
      put(
        parent,
        Node(
          entry: FileEntry(path: parent, type: .directory, mode: 0o755), layer: layer, implicit: true,
          source: nil))
      end = slash
    }
  }

  /// Paths in order, parents before children.
  public var sortedPaths: [String] { nodes.keys.sorted() }

  /// The nodes within `filters` (all when empty) and the folders above them.
  public func selecting(_ filters: [String]) -> RootFS {
    guard !filters.isEmpty else { return self }
    var out = RootFS()
    out.layers = layers
    out.symlinkNames = symlinkNames
    for (path, node) in nodes where filters.contains(where: { LayerPath.isWithin(path, $0) }) {
      out.nodes[path] = node
      for p in LayerPath.parents(path) where out.nodes[p] == nil { out.nodes[p] = nodes[p] }
    }
    return out
  }
}
