import Foundation
import ImageModel
import ImageStore

/// Writes the difference between two root filesystems of one image as a single layer: the
/// heart of `merge --squash`. The layer is computed from the two trees, not by concatenating
/// layers, so files added and deleted inside the range leave nothing behind.
///
/// The layer holds every path whose final state differs from the base (type, mode, owner,
/// size, content, link target, xattrs, device numbers, mtime), a whiteout for each path of
/// the base the target no longer has (one for a whole deleted folder), and the opaque marker
/// for a folder whose lower children are all gone. Markers come first in the tar, then
/// folders (sorted), then files in the order of the layers that hold their bytes, then hard
/// links — the same inputs always give the same bytes.
public struct LayerDiff {
  public let store: Store
  /// Told the bytes of the layers read for the new layer's files.
  public let progress: ProgressReporter?
  /// The blobs this command has verified already (to index them): not hashed again.
  public let verified: VerifiedLayers?

  public init(store: Store, progress: ProgressReporter? = nil, verified: VerifiedLayers? = nil) {
    self.store = store
    self.progress = progress
    self.verified = verified
  }

  /// The compressed size from which a layer is read and inflated on a thread of its own.
  static let readAheadSize: Int64 = 1 << 19

  /// What the layer will do, before any byte is read.
  public struct Plan: Sendable {
    public var whiteouts: [String] = []
    public var opaque: [String] = []
    public var changed: [String] = []
    public var isEmpty: Bool { whiteouts.isEmpty && opaque.isEmpty && changed.isEmpty }
  }

  public static func plan(from base: RootFS, to target: RootFS) -> Plan {
    var plan = Plan()
    for (path, node) in target.nodes {
      guard let old = base.nodes[path] else {
        plan.changed.append(path)
        continue
      }
      // A regular file's source names its inode: the same source is the same file, bytes,
      // metadata and links included; another source means it was written in the range.
      if node.source != nil || old.source != nil {
        if node.source != old.source { plan.changed.append(path) }
      } else if old.entry.type != node.entry.type || !old.entry.sameContent(as: node.entry)
        || old.entry.mtime != node.entry.mtime
      {
        plan.changed.append(path)
      }
    }
    let deleted = Set(base.nodes.keys.filter { target.nodes[$0] == nil })
    // Children of a folder that disappears, or that a file now replaces, need no marker.
    func covered(_ path: String) -> Bool {
      LayerPath.parents(path).contains {
        deleted.contains($0) || (target.nodes[$0].map { $0.entry.type != .directory } ?? false)
      }
    }
    var lowerChildren: [String: Int] = [:]
    for path in base.nodes.keys { lowerChildren[LayerPath.split(path).dir, default: 0] += 1 }
    var gone: [String: [String]] = [:]
    for path in deleted where !covered(path) { gone[LayerPath.split(path).dir, default: []].append(path) }
    for (dir, paths) in gone {
      // Every lower child gone: one opaque marker says it (a folder replaced in the range).
      if paths.count > 1, paths.count == lowerChildren[dir] {
        plan.opaque.append(dir)
      } else {
        plan.whiteouts += paths
      }
    }
    plan.whiteouts.sort()
    plan.opaque.sort()
    plan.changed.sort()
    return plan
  }

  /// Writes the layer that turns `base` into `target`, both trees of `image` (the target's
  /// file bytes are read from the image's layers).
  public func write(
    image: Image, base: RootFS, target: RootFS, plan: Plan, into sink: LayerSink, mtime: Int64
  ) throws {
    for dir in plan.opaque { try sink.opaque(dir, mtime: mtime) }
    for path in plan.whiteouts { try sink.whiteout(path, mtime: mtime) }
    let changed = Set(plan.changed)
    for path in plan.changed where target.nodes[path]!.entry.type == .directory {
      try sink.directory(target.nodes[path]!.entry)
    }
    // Files that share bytes form one group per source entry; a group the base already has
    // (its source is unchanged at some path) is linked to, not copied.
    var groups: [RootFS.Source: [String]] = [:]
    for path in plan.changed {
      let node = target.nodes[path]!
      switch node.entry.type {
      case .directory: continue
      case .symlink: try sink.symlink(node.entry)
      case .characterDevice, .blockDevice, .fifo, .socket: try sink.special(node.entry)
      default: if let s = node.source { groups[s, default: []].append(path) }
      }
    }
    var unchangedBySource: [RootFS.Source: String] = [:]
    for (path, node) in target.nodes where !changed.contains(path) {
      if let s = node.source, groups[s] != nil {
        unchangedBySource[s] = min(unchangedBySource[s] ?? path, path)
      }
    }
    var links: [(path: String, target: String)] = []
    var toWrite: [RootFS.Source: String] = [:]
    for (source, members) in groups {
      let sorted = members.sorted()
      if let existing = unchangedBySource[source] {
        links += sorted.map { ($0, existing) }
        continue
      }
      let primary = sorted.contains(source.path) ? source.path : sorted[0]
      toWrite[source] = primary
      links += sorted.filter { $0 != primary }.map { ($0, primary) }
    }
    let layers = Set(toWrite.keys.map(\.layer)).sorted()
    try progress.phase("Squashing", total: layers.totalSize { image.manifest.layers[$0].size }) {
      for layer in layers {
        // A thread of its own pays for a layer of many blocks, not for one of a few (an
        // image of a thousand small layers would start a thousand threads).
        let stream = try LayerStream(
          store: store, layer: image.layers[layer], progress: progress, verified: verified,
          readAhead: image.manifest.layers[layer].size >= LayerDiff.readAheadSize)
        var last = LastEntry(target.layers[layer])
        while let header = try stream.next() {
          let path = try LayerPath.clean(header.path, layer: stream.layer.digest)
          guard last.isLast(path), header.type == .regular else { continue }
          guard let primary = toWrite[RootFS.Source(layer: layer, path: path)] else { continue }
          var entry = target.nodes[primary]!.entry
          entry.type = .regular
          entry.link = nil
          try stream.write(entry, header: header, to: sink)
        }
        try stream.finish()
      }
    }
    for (path, linkTarget) in links.sorted(by: { $0.path < $1.path }) {
      try sink.hardlink(target.nodes[path]!.entry, target: linkTarget)
    }
  }
}
