import Foundation
import ImageModel
import ImageStore
import TarStream

/// Writes a root filesystem, or one layer's own entries, into a ``TreeSink``, reading each
/// layer at most once and only the layers that hold a file of the result.
public struct Extractor {
  public let store: Store
  /// Told the bytes of the layers read.
  public let progress: ProgressReporter?
  /// The blobs this command has verified already (to index them): not hashed again.
  public let verified: VerifiedLayers?

  public init(store: Store, progress: ProgressReporter? = nil, verified: VerifiedLayers? = nil) {
    self.store = store
    self.progress = progress
    self.verified = verified
  }

  /// Extracts the root filesystem of `image` cut at `layerCount` layers, limited to `paths`
  /// (and the folders above them) when any are given.
  ///
  /// `indexes` are the layers' indexes when the caller has them; otherwise they are read or
  /// built (and cached) here.
  public func extractRootFS(
    image: Image, layerCount: Int, paths: [String], into sink: TreeSink, indexes: [LayerIndex]? = nil
  ) throws {
    let indexes =
      try indexes
      ?? LayerIndexer(store: store, progress: progress, verified: verified).indexes(
        Array(image.layers.prefix(layerCount)))
    let filters = try paths.map { try LayerPath.cleanUserPath($0) }
    let tree = try RootFS(layers: indexes).selecting(filters)

    // Files that share bytes (hard links, or a link whose target was later replaced) form one
    // group per source entry; the first path written is the one the others link to.
    var groups: [RootFS.Source: [String]] = [:]
    for (path, node) in tree.nodes { if let s = node.source { groups[s, default: []].append(path) } }
    var primary: [RootFS.Source: String] = [:]
    for (source, members) in groups {
      primary[source] = tree.nodes[source.path]?.source == source ? source.path : members.min()!
    }
    // Only regular files need bytes; symlinks and devices are all in the index.
    let layersToRead = Set(primary.keys.map(\.layer))

    for path in tree.sortedPaths where tree.nodes[path]!.entry.type == .directory {
      try sink.directory(tree.nodes[path]!.entry)
    }
    let total = layersToRead.totalSize { image.manifest.layers[$0].size }
    let files = FileWriting(
      store: store, image: image, indexes: indexes, tree: tree, primary: primary, verified: verified)
    try progress.phase("Extracting", total: total) {
      let threads = min(ProcessInfo.processInfo.activeProcessorCount, layersToRead.count)
      if let concurrent = sink as? ConcurrentTreeSink, threads > 1 {
        try files.write(layers: layersToRead, into: concurrent, threads: threads, progress: progress)
      } else {
        for layer in layersToRead.sorted() { try files.write(layer: layer, into: sink, progress: progress) }
      }
    }
    for path in tree.sortedPaths {
      let node = tree.nodes[path]!
      switch node.entry.type {
      case .symlink: try sink.symlink(node.entry)
      case .characterDevice, .blockDevice, .fifo, .socket: try sink.special(node.entry)
      default: break
      }
    }
    for (source, members) in groups.sorted(by: { primary[$0.key]! < primary[$1.key]! }) {
      let target = primary[source]!
      for path in members.sorted() where path != target {
        try sink.hardlink(tree.nodes[path]!.entry, target: target)
      }
    }
    try sink.finish()
  }

  /// Extracts only the entries of one layer (a build's output), limited to `paths`.
  /// Whiteouts are kept in a tar and skipped in a folder, where they would mean nothing.
  /// Returns what the layer alone could not give (the sink's own warnings are its own).
  @discardableResult
  public func extractLayer(
    _ layer: Layer, paths: [String], into sink: TreeSink, keepWhiteouts: Bool
  )
    throws -> [ExtractWarning]
  {
    let filters = try paths.map { try LayerPath.cleanUserPath($0) }
    progress?.start("Extracting", total: layer.size)
    let stream = try LayerStream(store: store, layer: layer, progress: progress, verified: verified)
    var written = Set<String>()
    var skippedLinks = 0
    var directories = Set<String>()
    func ensureParents(_ path: String) throws {
      for p in LayerPath.parents(path) where !directories.contains(p) {
        directories.insert(p)
        try sink.directory(FileEntry(path: p, type: .directory, mode: 0o755))
      }
    }
    while let header = try stream.next() {
      let path = try LayerPath.clean(header.path, layer: layer.digest)
      guard !path.isEmpty, filters.isEmpty || filters.contains(where: { LayerPath.isWithin(path, $0) }) else {
        continue
      }
      var entry = FileEntry(path: path, header: header)
      if case .entry = try LayerPath.kind(of: path, layer: layer.digest) {
      } else if !keepWhiteouts {
        continue
      }
      try ensureParents(path)
      switch header.type {
      case .directory:
        directories.insert(path)
        try sink.directory(entry)
      case .regular: try stream.write(entry, header: header, to: sink)
      case .symlink: try sink.symlink(entry)
      case .hardlink:
        let target = try LayerPath.clean(header.linkTarget ?? "", layer: layer.digest)
        if written.contains(target) {
          entry.link = target
          try sink.hardlink(entry, target: target)
        } else {
          skippedLinks += 1
        }
      default: try sink.special(entry)
      }
      written.insert(path)
    }
    try stream.finish()
    try sink.finish()
    progress?.finish()
    return skippedLinks > 0 ? [.linksToLowerLayers(skippedLinks)] : []
  }
}

/// Writes the regular files of a root filesystem from the layers that hold their bytes.
///
/// Every file's bytes come from one entry of one layer (``RootFS/Source``), and the folders
/// exist before any file is written, so layers can be read side by side, each into a worker
/// of a ``ConcurrentTreeSink``: no two write the same path. Layers are handed out largest
/// first, so that the last one to finish is a small one.
private struct FileWriting {
  let store: Store
  let image: Image
  let indexes: [LayerIndex]
  let tree: RootFS
  let primary: [RootFS.Source: String]
  let verified: VerifiedLayers?

  /// The files whose bytes `layer` holds, from one read of it.
  func write(layer: Int, into sink: TreeSink, progress: ProgressReporter?) throws {
    let stream = try LayerStream(
      store: store, layer: image.layers[layer], progress: progress, verified: verified)
    var last = LastEntry(indexes[layer])
    while let header = try stream.next() {
      let path = try LayerPath.clean(header.path, layer: stream.layer.digest)
      guard last.isLast(path), header.type == .regular else { continue }
      if let target = primary[RootFS.Source(layer: layer, path: path)], let node = tree.nodes[target] {
        try stream.write(node.entry, header: header, to: sink)
      }
    }
    try stream.finish()
  }

  /// The layers on `threads` threads, each into a worker of `sink` of its own (see
  /// ``parallelMap(_:threads:_:)`` for what a failure does).
  func write(layers: Set<Int>, into sink: ConcurrentTreeSink, threads: Int, progress: ProgressReporter?)
    throws
  {
    let order = layers.sorted {
      (image.manifest.layers[$0].size, $1) > (image.manifest.layers[$1].size, $0)
    }
    let workers = try parallelMap(order, threads: threads) { layer -> TreeSink in
      let worker = try sink.worker()
      try write(layer: layer, into: worker, progress: progress)
      return worker
    }
    for worker in workers { sink.absorb(worker) }
  }
}

/// A layer extracted alone can hold hard links to files of lower layers, which it lacks.
public enum ExtractWarning: Sendable, Equatable, CustomStringConvertible {
  case linksToLowerLayers(Int)
  public var description: String {
    switch self {
    case .linksToLowerLayers(let n):
      return
        "\(n) hard link\(n == 1 ? "" : "s") to files of lower layers skipped: the layer alone does not hold their files"
    }
  }
}

extension Extractor {
  /// Streams every regular file of one layer to `body`, with its cleaned path; each file's
  /// bytes are fed in blocks and never held whole. The layer is verified as it streams.
  public func forEachFile(
    in layer: Layer,
    _ body: (String, ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Void
  ) throws {
    let stream = try LayerStream(store: store, layer: layer, progress: progress, verified: verified)
    while let header = try stream.next() {
      guard header.type == .regular else { continue }
      let path = try LayerPath.clean(header.path, layer: layer.digest)
      try body(path) { write in try stream.readData(write) }
    }
    try stream.finish()
  }
}
