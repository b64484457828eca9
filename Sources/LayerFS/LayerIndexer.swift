import Foundation
import ImageModel
import ImageStore
import TarStream

/// Builds and caches the ``LayerIndex`` of layers.
///
/// The index of a DiffID is computed once (one streaming pass that hashes every file) and
/// kept in `.imggit/cache/layers/`; a missing or unreadable cache file is simply rebuilt.
public struct LayerIndexer: Sendable {
  public let store: Store

  public init(store: Store) { self.store = store }

  /// The index of `layer`, from the cache when it is there.
  public func index(layer: Descriptor, diffID: Digest) throws -> LayerIndex {
    let name = "layers/\(diffID.hex).idx"
    if let data = store.readCache(name), let cached = LayerIndex(lines: data), cached.diffID == diffID {
      return cached
    }
    let index = try build(layer: layer, diffID: diffID)
    store.writeCache(index.encodedLines(), name)
    return index
  }

  /// Reads the layer once, hashing every regular file, and verifies the blob and DiffID.
  public func build(layer: Descriptor, diffID: Digest) throws -> LayerIndex {
    let stream = try LayerStream(store: store, layer: layer, diffID: diffID)
    var entries: [FileEntry] = []
    var position: [String: Int] = [:]
    var whiteouts: [String] = []
    var opaque: [String] = []
    while let header = try stream.next() {
      let path = try LayerPath.clean(header.path, layer: layer.digest)
      if path.isEmpty { continue }  // "./" itself: the root's own metadata is not tracked
      switch try LayerPath.kind(of: path, layer: layer.digest) {
      case .opaque(let dir): opaque.append(dir)
      case .whiteout(let p): whiteouts.append(p)
      case .entry:
        var entry = FileEntry(path: path, header: header)
        if header.type == .hardlink {
          entry.link = try LayerPath.clean(header.linkTarget ?? "", layer: layer.digest)
        } else if header.type == .regular {
          let hash = HashBox()
          try stream.readData { hash.update($0) }
          entry.sha256 = hash.finalize().hex
        }
        if let i = position[path] {
          entries[i] = entry
        } else {
          position[path] = entries.count
          entries.append(entry)
        }
      }
    }
    try stream.finish()
    return LayerIndex(diffID: diffID, entries: entries, whiteouts: whiteouts, opaque: opaque)
  }
}
