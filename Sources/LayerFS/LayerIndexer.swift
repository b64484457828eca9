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

  /// Writes an index made as its layer was written to the store's cache.
  public func save(_ index: EncodedLayerIndex) {
    cache.write(index.pieces.reduce(into: Data()) { $0 += $1 }, Self.cacheName(index.diffID))
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
    try reporter.phase("Indexing layers", total: layers.totalSize(\.descriptor.size)) {
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
  static func sparseDigest(_ stream: some TarEntries) throws -> Digest {
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
    let index = try LayerIndexer.index(stream, diffID: layer.diffID, layer: layer.digest)
    try stream.finish()
    return index
  }

  /// The index of the tar `stream` holds, whose DiffID is `diffID`; `layer` names it in errors.
  static func index(_ stream: some TarEntries, diffID: Digest, layer: Digest) throws -> LayerIndex {
    // A path the tar holds twice counts once, at its last place: later entries see it as tar
    // order made it (a folder that a symlink then replaced is a symlink).
    var entries: [FileEntry?] = []
    var position: [String: Int] = [:]
    var repeats: [String: Int] = [:]
    var whiteouts: [String] = []
    var opaque: [String] = []
    try forEachEntry(stream, layer: layer) { path, kind in
      repeats[path, default: 0] += 1
      switch kind {
      case .opaque(let dir): opaque.append(dir)
      case .whiteout(let p): whiteouts.append(p)
      case .entry(let entry):
        if let i = position[path] { entries[i] = nil }
        position[path] = entries.count
        entries.append(entry)
      }
    }
    return LayerIndex(
      diffID: diffID, entries: entries.compactMap { $0 }, whiteouts: whiteouts, opaque: opaque,
      repeats: repeats.filter { $0.value > 1 })
  }

  /// What one tar entry is to the index.
  enum IndexedEntry {
    case entry(FileEntry)
    case whiteout(String)
    case opaque(String)
  }

  /// Reads every entry of the tar `stream` holds, hashing each regular file's bytes, and
  /// hands each to `body` with its cleaned path (the marker's own path for a whiteout or an
  /// opaque marker); `layer` names the layer in errors. A regular file whose digest
  /// `known` gives (by path, and whether the tar holds it sparse) is not read.
  static func forEachEntry(
    _ stream: some TarEntries, layer: Digest, known: ((String, Bool) -> String?)? = nil,
    _ body: (String, IndexedEntry) throws -> Void
  ) throws {
    while let header = try stream.next() {
      let path = try LayerPath.clean(header.path, layer: layer)
      if path.isEmpty { continue }  // "./" itself: the root's own metadata is not tracked
      switch try LayerPath.kind(of: path, layer: layer) {
      case .opaque(let dir): try body(path, .opaque(dir))
      case .whiteout(let p): try body(path, .whiteout(p))
      case .entry:
        var entry = FileEntry(path: path, header: header)
        if header.type == .hardlink {
          entry.link = try LayerPath.clean(header.linkTarget ?? "", layer: layer)
        } else if header.type == .regular, let digest = known?(path, header.sparse != nil) {
          entry.sha256 = digest
        } else if header.type == .regular, header.sparse != nil {
          entry.sha256 = try LayerIndexer.sparseDigest(stream).hex
        } else if header.type == .regular {
          let hash = HashBox()
          try stream.readData { hash.update($0) }
          entry.sha256 = hash.finalize().hex
        }
        try body(path, .entry(entry))
      }
    }
  }
}

/// A tar's entries and their bytes, as the indexer reads them: a layer blob being verified
/// (``LayerStream``), or a new layer's tar while it is written (``ArchiveReader``).
protocol TarEntries: AnyObject {
  func next() throws -> TarEntry?
  func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws
  func readBlocks(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws
}

extension LayerStream: TarEntries {}
extension ArchiveReader: TarEntries {}

/// A layer's index in the form the cache keeps (``LayerIndex/encodedLines()``).
public struct EncodedLayerIndex: Sendable {
  public let diffID: Digest
  /// The file, in pieces of about 1 MiB (one whole buffer would be copied as it grows).
  public let pieces: [Data]
}

/// Indexes a new layer while it is written: its tar goes through a ``ByteChannel`` to a
/// thread of its own, where the indexer's own walk (``LayerIndexer/forEachEntry``) reads
/// it. Whatever writes a layer (a squash, a commit) then leaves its index behind, and the
/// next command to read the layer (mirror, diff, show, another squash) does not inflate and
/// hash it all again. Every header is the one a later read would see, because it is read
/// from the very bytes written.
///
/// A file's content digest the writer already knows (a squash copies files whose digests
/// the source layers' indexes hold, and reads those layers checked against their DiffIDs)
/// is handed over with ``note(_:sha256:sparse:)`` and the file's bytes are skipped, not
/// hashed a second time; any other file (a commit's files from this machine, or a file the
/// tar holds in another form than noted) is hashed here.
///
/// Each entry is encoded as it comes, not kept: the writer of a big layer is at its own
/// peak of memory (two trees), and the cache form is a fraction of the entries' size.
/// Writers give each path once; a tar that holds one twice gets no index here (the layer
/// is indexed when first read, as any other).
final class WrittenLayerIndexer: @unchecked Sendable {
  /// Small buffers: the indexer reads headers and skips most bytes, so it keeps up with
  /// little, and the writer is at its peak of memory.
  let channel = ByteChannel(depth: 2, bufferSize: 1 << 18)
  private let condition = NSCondition()
  /// Digests noted by the writer and not yet met in the tar, by path.
  private var known: [String: (sha256: String, sparse: Bool)] = [:]
  /// The index's lines after its header (the DiffID is known only at the end).
  private var body: [Data]?
  private var done = false

  private struct Repeated: Error {}

  init() {
    let channel = channel
    let thread = Thread { [self] in
      let lines = try? encode(ArchiveReader(source: channel, context: "new layer (index)", decompress: false))
      // Past the tar's end come only padding blocks; a reader that failed reads nothing more.
      channel.close()
      condition.withLock {
        body = lines
        done = true
        condition.broadcast()
      }
    }
    thread.name = "imggit-index"
    thread.start()
  }

  /// The writer's word for the content digest of the regular file it is about to write at
  /// `path` (whole, or as a sparse entry).
  func note(_ path: String, sha256: String?, sparse: Bool) {
    guard let sha256 else { return }
    // Once the reader has stopped (a tar it could not index), nothing takes them back.
    condition.withLock { if !done { known[path] = (sha256, sparse) } }
  }

  private func knownDigest(_ path: String, sparse: Bool) -> String? {
    let k = condition.withLock { known.removeValue(forKey: path) }
    return k?.sparse == sparse ? k?.sha256 : nil
  }

  /// The index's lines but the header, as ``LayerIndex/encodedLines()`` gives them.
  private func encode(_ reader: ArchiveReader) throws -> [Data] {
    var pieces: [Data] = []
    var piece = Data()
    func add(_ line: String) {
      var line = line
      line.withUTF8 { piece.append($0.baseAddress!, count: $0.count) }
      if piece.count >= 1 << 20 {
        pieces.append(piece)
        piece = Data()
      }
    }
    // Hashes, not paths: a collision only costs the index, never makes a wrong one.
    var seen = Set<Int>()
    var whiteouts: [String] = []
    var opaque: [String] = []
    try LayerIndexer.forEachEntry(reader, layer: Digest(of: Data()), known: knownDigest) { path, kind in
      guard seen.insert(path.hashValue).inserted else { throw Repeated() }
      switch kind {
      case .opaque(let dir): opaque.append(dir)
      case .whiteout(let p): whiteouts.append(p)
      case .entry(let entry): add(LayerIndex.entryLine(entry))
      }
    }
    for w in whiteouts { add(LayerIndex.whiteoutLine(w)) }
    for o in opaque { add(LayerIndex.opaqueLine(o)) }
    return pieces + [piece]
  }

  /// The index, once every byte is written; nil when the tar could not be indexed here.
  func finish(diffID: Digest) -> EncodedLayerIndex? {
    channel.finish()
    condition.lock()
    while !done { condition.wait() }
    condition.unlock()
    guard let body else { return nil }
    return EncodedLayerIndex(diffID: diffID, pieces: [Data(LayerIndex.headerLine(diffID).utf8)] + body)
  }

  /// Stops the thread without an index (the layer was abandoned).
  func cancel() { channel.close() }
}
