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
  /// Told the bytes of the layers read to build indexes.
  public let progress: ProgressReporter?
  /// Records the blobs read (and checked) to build indexes, for the command's later reads.
  public let verified: VerifiedLayers?

  public init(store: Store, progress: ProgressReporter? = nil, verified: VerifiedLayers? = nil) {
    self.store = store
    self.progress = progress
    self.verified = verified
  }

  /// The index of `layer`, from the cache when it is there.
  public func index(_ layer: Layer) throws -> LayerIndex {
    if let cached = cached(layer.diffID) { return cached }
    let index = try build(layer)
    cache.write(index.encodedLines(), Self.cacheName(layer.diffID))
    return index
  }

  /// The indexes of `layers` in order; the ones the cache lacks are built in one phase
  /// ("Indexing layers"), so a first read of a big image shows how far it has got.
  public func indexes(_ layers: [Layer]) throws -> [LayerIndex] {
    let (all, built) = try indexesUnsaved(layers)
    for index in built { save(index) }
    return all
  }

  /// Writes an index to the store's cache.
  public func save(_ index: LayerIndex) {
    cache.write(index.encodedLines(), Self.cacheName(index.diffID))
  }

  /// ``indexes(_:)`` without writing the cache: also returns the indexes it built, for the
  /// caller to ``save(_:)`` once its command has succeeded (a refused command then leaves
  /// the store byte for byte as it was).
  public func indexesUnsaved(_ layers: [Layer]) throws -> (all: [LayerIndex], built: [LayerIndex]) {
    var (found, missing) = uncached(layers)
    let built = try buildPhase(missing) { try build($0) }
    for index in built { found[index.diffID] = index }
    return (layers.map { found[$0.diffID]! }, built)
  }

  /// The indexes of the layers an import or a pull brings in, read from where their blobs
  /// are now (see ``IncomingIndexes``): every blob new to the store, so that each is checked
  /// against the DiffID its config claims even when that DiffID's index is cached, and the
  /// blobs the store had whose index is missing. A layer whose tar does not hash to its
  /// DiffID throws. One that cannot be indexed for another reason (a hostile path, a tar
  /// libarchive refuses) is left out: its bytes are what the source holds, and the commands
  /// that read it refuse it then, as they would without this pass.
  func incomingIndexes(_ layers: [IncomingLayer]) throws -> [LayerIndex] {
    var seen = Set<Digest>()
    let missing = Set(uncached(layers.map(\.layer)).missing.map(\.diffID))
    let read = layers.filter {
      ($0.isNew || missing.contains($0.layer.diffID)) && seen.insert($0.layer.digest).inserted
    }
    let paths = Dictionary(uniqueKeysWithValues: read.map { ($0.layer.digest, $0.path) })
    let built = try buildPhase(read.map(\.layer)) { layer -> LayerIndex? in
      do {
        return try build(layer, path: paths[layer.digest])
      } catch let e as LayerFSError {
        if case .diffIDMismatch = e { throw e }
        return nil
      }
    }
    var saved = Set<Digest>()
    return built.compactMap { $0 }.filter { missing.contains($0.diffID) && saved.insert($0.diffID).inserted }
  }

  /// The cached indexes of `layers`, by DiffID, and the layers (one per DiffID) to build.
  private func uncached(_ layers: [Layer]) -> (found: [Digest: LayerIndex], missing: [Layer]) {
    var found: [Digest: LayerIndex] = [:]
    var missing: [Layer] = []
    for l in layers where found[l.diffID] == nil {
      if let c = cached(l.diffID) {
        found[l.diffID] = c
      } else if !missing.contains(where: { $0.diffID == l.diffID }) {
        missing.append(l)
      }
    }
    return (found, missing)
  }

  /// Builds `layers`' indexes in one phase ("Indexing layers"), so a first read of a big
  /// image shows how far it has got: one decompress-and-hash pass per layer, sharing
  /// nothing, so one layer per core.
  private func buildPhase<R>(_ layers: [Layer], _ body: (Layer) throws -> R) throws -> [R] {
    var built: [R] = []
    let reporter = layers.isEmpty ? nil : progress
    try reporter.phase("Indexing layers", total: layers.reduce(0) { $0 + $1.descriptor.size }) {
      built = try parallelMap(layers, body)
    }
    return built
  }

  /// The store's cache of layer indexes: `.imggit/cache/layers/<DiffID hex>.idx`.
  private var cache: Cache { store.cache("layers") }
  private static func cacheName(_ diffID: Digest) -> String { "\(diffID.hex).idx" }

  /// Removes the cached indexes of DiffIDs not in `keeping` (gc); returns how many.
  public func removeCaches(keeping: Set<Digest>, dryRun: Bool) throws -> Int {
    var removed = 0
    for name in try cache.names() {
      // <DiffID>.idx, or .json from an older imggit: either way named by the DiffID.
      let hex = name.split(separator: ".").first.map(String.init) ?? name
      guard let d = try? Digest(hex: hex), !keeping.contains(d) else { continue }
      removed += 1
      if !dryRun { try cache.remove(name) }
    }
    return removed
  }

  private func cached(_ diffID: Digest) -> LayerIndex? {
    guard let data = cache.read(Self.cacheName(diffID)), let index = LayerIndex(lines: data),
      index.diffID == diffID
    else { return nil }
    return index
  }

  /// The content digest of a sparse file, bounded by its data: its data bytes, with each
  /// hole (and the file's end) given by its offset, after a tag no plain file's bytes start
  /// with. Two sparse files compare equal when their data and holes are the same.
  static func sparseDigest(_ stream: LayerStream) throws -> Digest {
    let hash = HashBox()
    func mark(_ offset: Int64) {
      withUnsafeBytes(of: offset.bigEndian) { hash.update($0) }
    }
    Data("imggit-sparse-1\0".utf8).withUnsafeBytes { hash.update($0) }
    var position: Int64 = 0
    try stream.readBlocks { offset, bytes in
      if offset != position { mark(offset) }
      hash.update(bytes)
      position = offset + Int64(bytes.count)
    }
    mark(position)
    return hash.finalize()
  }

  /// Reads the layer once, hashing every regular file, and verifies the blob and DiffID.
  /// With `path`, the blob is read from there rather than from the store.
  public func build(_ layer: Layer, path: String? = nil) throws -> LayerIndex {
    let stream = try LayerStream(
      store: store, layer: layer, path: path, progress: progress, verified: verified)
    // A path the tar holds twice counts once, at its last place: later entries see it as tar
    // order made it (a folder that a symlink then replaced is a symlink).
    var entries: [FileEntry?] = []
    var position: [String: Int] = [:]
    var repeats: [String: Int] = [:]
    var whiteouts: [String] = []
    var opaque: [String] = []
    while let header = try stream.next() {
      let path = try LayerPath.clean(header.path, layer: layer.digest)
      if path.isEmpty { continue }  // "./" itself: the root's own metadata is not tracked
      repeats[path, default: 0] += 1
      switch try LayerPath.kind(of: path, layer: layer.digest) {
      case .opaque(let dir): opaque.append(dir)
      case .whiteout(let p): whiteouts.append(p)
      case .entry:
        var entry = FileEntry(path: path, header: header)
        if header.type == .hardlink {
          entry.link = try LayerPath.clean(header.linkTarget ?? "", layer: layer.digest)
        } else if header.type == .regular, header.sparse != nil {
          entry.sha256 = try LayerIndexer.sparseDigest(stream).hex
        } else if header.type == .regular {
          let hash = HashBox()
          try stream.readData { hash.update($0) }
          entry.sha256 = hash.finalize().hex
        }
        if let i = position[path] { entries[i] = nil }
        position[path] = entries.count
        entries.append(entry)
      }
    }
    try stream.finish()
    return LayerIndex(
      diffID: layer.diffID, entries: entries.compactMap { $0 }, whiteouts: whiteouts, opaque: opaque,
      repeats: repeats.filter { $0.value > 1 })
  }
}
