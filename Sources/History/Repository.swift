import Foundation
import ImageModel
import ImageStore
import LayerFS

/// A commit found through a revision, together with an image that holds it (the image is
/// needed to make the commit a complete image of its own: tag, reset, export).
public struct CommitRef: Sendable {
  public let image: Image
  public let position: Int
  /// The multi-platform index the image was chosen from, when the revision named one.
  public var index: Descriptor? = nil
  public var commit: Commit { image.commits[position] }
  /// True when the commit is the image's newest, so the image itself is the commit's image.
  public var isTip: Bool { position == image.commits.count - 1 }
}

/// The store seen as commits: resolves revisions and caches the images it reads.
///
/// One instance serves one command; it is not shared between tasks.
/// Fetches an image of a registry into the store as a partial image (manifest and config,
/// layers promised): what lets every command take a remote reference where it takes a
/// revision. The registry module implements it; History only asks.
public protocol RemoteImages: Sendable {
  /// Fetches `reference` and returns its manifest (or index) as stored. `tag` moves to it
  /// when the tag is new or still where an earlier pull of the reference put it; a tag with
  /// local history is left alone, since reading a reference must not move it.
  func fetch(_ reference: ImageReference, tag: TagName, into store: Store) throws -> Descriptor
}

public final class Repository {
  public let store: Store
  private var images: [Digest: Image] = [:]
  private var cachedTags: [Tag]?
  /// ``tipID(of:)``'s answers: a reflog names most images twice (as one move's new value
  /// and the next one's old).
  private var tipIDs: [Digest: CommitID?] = [:]
  private var indexes: [Digest: LayerIndex] = [:]
  /// The layer blobs this command has read and checked whole: a second read (a cold squash
  /// copying files out of the layers it just indexed) does not hash them again.
  let verifiedLayers = VerifiedLayers()
  /// What a base changed between two commits, for rebase's conflict check: `rebase --all`
  /// asks the same question for every image it moves.
  private var changesBetween: [String: [BaseChange]] = [:]
  /// Base changes found by this command, for the cache (see ``deferCaches``).
  private var unsavedBaseChanges: [(changes: [BaseChange], old: [Digest], new: [Digest])] = []

  /// The paths that change from `old`'s root filesystem to `new`'s: from memory, else the
  /// store's cache (``BaseChangesCache``), else computed once.
  func baseChanges(from old: CommitRef, to new: CommitRef) throws -> [BaseChange] {
    let oldLayers = old.image.layers.prefix(old.commit.layerCount).map(\.diffID)
    let newLayers = new.image.layers.prefix(new.commit.layerCount).map(\.diffID)
    let key = BaseChangesCache.name(old: oldLayers, new: newLayers)
    if let known = changesBetween[key] { return known }
    let cache = BaseChangesCache(store: store)
    if let cached = cache.read(old: oldLayers, new: newLayers) {
      changesBetween[key] = cached
      return cached
    }
    let changes: [Change]
    let shared = old.commit.layerCount
    if new.position >= old.position, new.image.commits.indices.contains(old.position),
      new.image.commits[old.position].id == old.commit.id
    {
      // The new base is the old one with commits on top (a patched base): only its own
      // layers are applied to the old tree, and only the paths they touch compared.
      let added = Array(new.image.layers[shared..<new.commit.layerCount])
      let indexes = try layerIndexes(added)
      // The old tree is not kept: the layers are applied to it in place, not to a copy.
      var tree = try rootFS(old)
      changes = try tree.applyReportingChanges(indexes.enumerated().map { ($1, shared + $0) })
    } else {
      changes = try rootFS(old).changes(to: try rootFS(new))
    }
    let found = changes.map { BaseChange(kind: $0.kind, path: $0.path) }.sorted { $0.path < $1.path }
    changesBetween[key] = found
    if deferCaches {
      unsavedBaseChanges.append((found, oldLayers, newLayers))
    } else {
      cache.write(found, old: oldLayers, new: newLayers)
    }
    return found
  }

  /// Told how far the long operations (indexing layers, squash, extract, fsck, mirror) have got.
  public var progress: ProgressReporter?

  public init(store: Store, progress: ProgressReporter? = nil) {
    self.store = store
    self.progress = progress
  }

  /// The store's tags, read once.
  public func tags() throws -> [Tag] {
    if let cachedTags { return cachedTags }
    let t = try store.tags()
    cachedTags = t
    return t
  }

  /// The value `tag` had when this command first read the store's tags (nil: none), the
  /// old value of the compare-and-swap that moves it (``moveTag(_:from:to:command:)``).
  public func startingValue(_ tag: TagName) throws -> Descriptor? {
    try tags().first(where: { $0.name == tag })?.descriptor.bare
  }

  /// Points `tag` at `descriptor` if nobody moved it since it was `expected`; otherwise
  /// fails with ``StoreError/tagMoved(_:expected:actual:)`` and changes nothing.
  func moveTag(_ tag: TagName, from expected: Descriptor?, to descriptor: Descriptor, command: String) throws
  {
    try updateTags(command: command) { try $0.move(tag, from: expected, to: descriptor) }
  }

  /// ``Store/update(command:_:)``, after which the tags this repository read are read again:
  /// the next operation starts from the store as this one left it.
  func updateTags<R>(command: String, _ body: (inout TagUpdate) throws -> R) throws -> R {
    defer { cachedTags = nil }
    return try store.update(command: command, body)
  }

  /// The file index of a layer: from memory, else the store's cache, else read once.
  public func layerIndex(_ layer: Layer) throws -> LayerIndex { try layerIndexes([layer])[0] }

  /// The indexes of `layers`, in order; the ones neither memory nor the cache has are built
  /// in one reported phase.
  public func layerIndexes(_ layers: [Layer]) throws -> [LayerIndex] {
    let missing = layers.filter { indexes[$0.diffID] == nil }
    if !missing.isEmpty {
      let indexer = LayerIndexer(store: store, progress: progress, verified: verifiedLayers)
      let (found, built) = try indexer.indexesUnsaved(missing)
      for i in found { indexes[i.diffID] = i }
      for i in built {
        if deferCaches { unsaved.append(i) } else { indexer.save(i) }
      }
    }
    return layers.map { indexes[$0.diffID]! }
  }

  /// Keeps the index of a layer this command wrote, made as it was written: saved with the
  /// ones this command built (see ``deferCaches``), so a layer's first reader need not
  /// read it whole.
  func keepIndex(of layer: WrittenLayer) {
    guard let index = layer.index else { return }
    if deferCaches { unsavedWritten.append(index) } else { LayerIndexer(store: store).save(index) }
  }

  /// Drops from memory the layer indexes this repository read, but those of `keep` and
  /// those built by this command and not saved yet (see ``deferCaches``): a command that
  /// walks many images one after another (mirror) then holds one image's indexes at a time,
  /// not every image's. A dropped index is read from the cache again when asked for.
  public func forgetLayerIndexes(keeping keep: Set<Digest>) {
    let kept = keep.union(unsaved.map(\.diffID))
    indexes = indexes.filter { kept.contains($0.key) }
  }

  /// With `deferCaches`, the layer indexes built are written to the store's cache only by
  /// ``saveCaches()``, which a command calls when it has succeeded: a refused command then
  /// leaves the store byte for byte as it was.
  public var deferCaches = false

  /// Brings images of registries into the store when a revision names one; nil (offline)
  /// resolves a reference to the store's own tag for it.
  public var remote: (any RemoteImages)?
  /// The remote references fetched by this command: each is asked for once.
  private var fetchedRemotes: [ImageReference: Descriptor] = [:]
  private var unsaved: [LayerIndex] = []
  /// The indexes of the layers this command wrote (see ``keepIndex(of:)``).
  private var unsavedWritten: [EncodedLayerIndex] = []

  /// Writes the layer indexes built so far to the cache (see ``deferCaches``).
  public func saveCaches() {
    let indexer = LayerIndexer(store: store)
    for i in unsaved { indexer.save(i) }
    unsaved = []
    for i in unsavedWritten { indexer.save(i) }
    unsavedWritten = []
    let cache = BaseChangesCache(store: store)
    for c in unsavedBaseChanges { cache.write(c.changes, old: c.old, new: c.new) }
    unsavedBaseChanges = []
  }

  /// The indexes of the first `count` layers of `image`.
  public func layerIndexes(_ image: Image, count: Int) throws -> [LayerIndex] {
    try layerIndexes(Array(image.layers.prefix(count)))
  }

  /// Which image of a multi-platform index commands work on; nil: the host's, else the
  /// index's first.
  public var platform: PlatformChoice? {
    didSet { chosen = [:] }
  }
  /// Set while one platform of a multi-platform image is rewritten: then a single-platform
  /// image whose config names another platform is refused as well, so that no platform is
  /// ever rebuilt on another's base (see ``forEachPlatform(of:_:)``).
  var exactPlatform = false
  /// Index digest → the entry ``platform`` chose.
  private var chosen: [Digest: Descriptor] = [:]

  /// Reads (once) the image a manifest descriptor names; for a multi-platform index, the
  /// image of ``platform``.
  public func image(_ descriptor: Descriptor) throws -> Image {
    var descriptor = descriptor
    if MediaType.isIndex(descriptor.mediaType) {
      if let c = chosen[descriptor.digest] {
        descriptor = c
      } else {
        let c = try store.platformImage(descriptor, platform: platform)
        chosen[descriptor.digest] = c
        descriptor = c
      }
    }
    if let i = images[descriptor.digest] { return i }
    let i = try store.image(descriptor)
    images[descriptor.digest] = i
    return i
  }

  /// Reads the images of `descriptors` that are not read yet, on every core, into the
  /// cache ``image(_:)`` answers from. Parsing a manifest and config is most of what a
  /// command over a thousand tags does. An image that fails here is left for ``image(_:)``
  /// to read again, which reports the error where it always did.
  func preload(_ descriptors: [Descriptor]) {
    var todo: [Descriptor] = []
    var queued = Set<Digest>()
    for d in descriptors {
      let plain = MediaType.isIndex(d.mediaType) ? chosen[d.digest] : d
      guard let plain, images[plain.digest] == nil, queued.insert(plain.digest).inserted else { continue }
      todo.append(plain)
    }
    guard todo.count > 1 else { return }
    let store = self.store
    let read = (try? parallelMap(todo) { try? store.image($0) }) ?? []
    for (d, image) in zip(todo, read) { if let image { images[d.digest] = image } }
  }

  /// The images the tags name, each once, read on every core and kept. The images only
  /// reflogs name are walked one at a time by ``forEachReflogImage(_:)``.
  public func taggedImages() throws -> [(label: String, image: Image)] {
    var result: [(String, Image)] = []
    var seen = Set<Digest>()
    preload(try tags().map(\.descriptor))
    for tag in try tags() where seen.insert(tag.descriptor.digest).inserted {
      result.append((tag.name.description, try image(tag.descriptor)))
    }
    return result
  }

  /// Calls `body` with each image a reflog entry names and no tag does, read one at a time
  /// and not kept (a tag moved a thousand times names a thousand images, which held at once
  /// took a gigabyte), until `body` returns false. An image that cannot be read is skipped.
  func forEachReflogImage(_ body: (Image) throws -> Bool) throws {
    var seen = Set(try tags().map(\.descriptor.digest))
    for (_, d) in try store.roots().reflogImages(old: false) {
      guard seen.insert(d.digest).inserted, store.hasBlob(d.digest) else { continue }
      guard let image = images[d.digest] ?? (try? store.image(d, platform: platform)) else { continue }
      if try !body(image) { return }
    }
  }

  /// The tip commit of the image `descriptor` names, for listings of many reflog entries:
  /// from the images this repository holds, else read and let go.
  func tipID(of descriptor: Descriptor) -> CommitID? {
    if let i = images[descriptor.digest] { return i.tip?.id }
    if let known = tipIDs[descriptor.digest] { return known }
    let id = (try? store.image(descriptor, platform: platform))?.tip?.id
    tipIDs[descriptor.digest] = id
    return id
  }

  // MARK: - Revisions

  /// Finds the commit a revision names.
  ///
  /// - Throws: ``HistoryError`` for unknown, ambiguous or out-of-range revisions, listing
  ///   the candidates; ``StoreError`` when the blobs it needs are missing or corrupt.
  public func resolve(_ revision: Revision) throws -> CommitRef {
    switch revision {
    case .named(let n):
      if let t = n.tag, let tag = try tags().first(where: { $0.name == t }) {
        return try tip(of: tag.descriptor, revision: n.text)
      }
      if n.isCommitPrefix { return try resolvePrefix(n.text) }
      throw HistoryError.unknownRevision(n.text, candidates: try tagCandidates(for: n.text))
    case .remote(let ref):
      guard let local = ref.localTag else {
        throw HistoryError.unknownRevision(ref.description, candidates: [])
      }
      if let remote {
        if fetchedRemotes[ref] == nil {
          fetchedRemotes[ref] = try remote.fetch(ref, tag: local, into: store)
          cachedTags = nil
        }
        return try tip(of: fetchedRemotes[ref]!, revision: ref.description)
      }
      guard let tag = try tags().first(where: { $0.name == local }) else {
        throw HistoryError.unknownRevision(ref.description, candidates: [])
      }
      return try tip(of: tag.descriptor, revision: ref.description)
    case .reflog(let tag, let n):
      let entries = try store.reflog(tag)
      if entries.isEmpty, n == 0, let t = try tags().first(where: { $0.name == tag }) {
        return try tip(of: t.descriptor, revision: revision.description)
      }
      guard n < entries.count else { throw HistoryError.noReflogEntry(tag, n, count: entries.count) }
      guard let d = entries[n].new else { throw HistoryError.deletedInReflog(tag, n) }
      return try tip(of: d, revision: revision.description)
    case .manifest(let digest):
      return try tip(of: try manifestDescriptor(digest), revision: revision.description)
    case .ancestor(let base, let n):
      let ref = try resolve(base)
      guard ref.position - n >= 0 else {
        throw HistoryError.noSuchAncestor(revision.description, available: ref.position)
      }
      return CommitRef(image: ref.image, position: ref.position - n, index: ref.index)
    }
  }

  /// The newest commit of the image `descriptor` names (of ``platform``'s image, for an index).
  private func tip(of descriptor: Descriptor, revision: String) throws -> CommitRef {
    let image: Image
    do {
      image = try self.image(descriptor)
    } catch ModelError.noPlatform(_, let wanted, let available) {
      throw ModelError.noPlatform(what: revision, wanted: wanted, available: available)
    }
    if exactPlatform, let wanted = platform, let p = image.config.platform, !wanted.matches(p) {
      throw ModelError.noPlatform(what: revision, wanted: wanted.description, available: [p.label])
    }
    guard !image.commits.isEmpty else { throw HistoryError.emptyImage(revision) }
    return CommitRef(
      image: image, position: image.commits.count - 1,
      index: MediaType.isIndex(descriptor.mediaType) ? descriptor.bare : nil)
  }

  private func resolvePrefix(_ prefix: String) throws -> CommitRef {
    var matches: [CommitID: CommitRef] = [:]
    func collect(_ image: Image) {
      for (position, c) in image.commits.enumerated() where c.id.hex.hasPrefix(prefix) && matches[c.id] == nil
      {
        matches[c.id] = CommitRef(image: image, position: position)
      }
    }
    for (_, image) in try taggedImages() { collect(image) }
    try forEachReflogImage {
      collect($0)
      return true
    }
    if matches.count == 1 { return matches.values.first! }
    if matches.isEmpty {
      throw HistoryError.unknownRevision(prefix, candidates: try tagCandidates(for: prefix))
    }
    let candidates = matches.values.sorted { $0.commit.id < $1.commit.id }.map {
      "\($0.commit.id.short) \(Summary.title($0.commit))"
    }
    throw HistoryError.ambiguousRevision(prefix, candidates: candidates)
  }

  /// Tags that look like what was typed (same name part), else all tags, at most ten.
  private func tagCandidates(for s: String) throws -> [String] {
    let all = try tags().map(\.name)
    let namePart = s.split(separator: ":").first.map(String.init) ?? s
    let close = all.filter {
      $0.name == namePart || $0.name.hasPrefix(namePart) || namePart.hasPrefix($0.name)
    }
    return (close.isEmpty ? all : close).prefix(10).map(\.description)
  }

  /// A descriptor for a manifest named only by digest: from the index or reflogs if they
  /// know it, else from the blob itself.
  private func manifestDescriptor(_ digest: Digest) throws -> Descriptor {
    if let t = try tags().first(where: { $0.descriptor.digest == digest }) { return t.descriptor.bare }
    guard store.hasBlob(digest) else {
      throw HistoryError.unknownRevision("@\(digest)", candidates: [])
    }
    let data = try store.readBlob(digest)
    let json = try? CanonicalJSON.decode(JSONValue.self, from: data, what: "blob")
    // An OCI index need not say its media type; its list of manifests says it.
    let implied = json?["manifests"] != nil ? MediaType.ociIndex : MediaType.ociManifest
    let mediaType = json?["mediaType"]?.stringValue ?? implied
    return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
  }

  // MARK: - Making a commit an image

  /// The descriptor of an image whose tip is `ref`'s commit: the image itself for a tip,
  /// else a new manifest and config cut at that commit, written to the store.
  public func materialize(_ ref: CommitRef) throws -> Descriptor {
    if ref.isTip { return ref.image.descriptor.bare }
    let (manifest, config) = ref.image.truncated(at: ref.position)
    return try write(
      manifest: manifest, config: config, commits: Array(ref.image.commits.prefix(ref.position + 1))
    )
    .descriptor
  }

  /// Writes a new image and keeps the value built in memory as this repository's copy, so
  /// a rewrite's result is never read back from the store.
  func write(manifest: Manifest, config: ImageConfig, commits: [Commit]? = nil) throws -> Image {
    let image = try store.write(manifest: manifest, config: config, commits: commits)
    images[image.descriptor.digest] = image
    return image
  }

  /// What `push` sends for `revision`: a multi-platform tag's whole index (every platform's
  /// manifest and what it names, attestations too), else the image whose tip the revision's
  /// commit is (made, not stored, for an intermediate commit).
  public func content(of revision: Revision) throws -> ImageContent {
    let ref = try resolve(revision)
    guard let index = ref.index, ref.isTip else {
      let data = try imageData(ref)
      return ImageContent(
        data: data.manifestData, mediaType: data.manifest.mediaType ?? MediaType.ociManifest,
        blobs: [data.manifest.config] + data.manifest.layers, made: [data.configData])
    }
    let children = try store.index(index).manifests.map { entry in
      let data = try store.readBlob(entry.digest, size: entry.size)
      let blobs = try JSONValue.referencedDescriptors(in: data, what: "manifest \(entry.digest)").filter {
        !MediaType.isManifest($0.mediaType ?? "") && !MediaType.isIndex($0.mediaType ?? "")
      }
      return ImageContent(
        data: data, mediaType: entry.mediaType,
        blobs: blobs.map { Descriptor(mediaType: $0.mediaType ?? "", digest: $0.digest, size: $0.size) })
    }
    return ImageContent(
      data: try store.readBlob(index.digest, size: index.size), mediaType: index.mediaType, blobs: [],
      children: children)
  }

  /// The manifest and config bytes of the image whose tip is `ref`'s commit, without writing
  /// anything (for export).
  public func imageData(_ ref: CommitRef) throws -> (manifest: Manifest, manifestData: Data, configData: Data)
  {
    if ref.isTip {
      let m = ref.image.manifest
      return (m, try store.readBlob(ref.image.descriptor.digest), try store.readBlob(m.config.digest))
    }
    let cut = ref.image.truncated(at: ref.position)
    var manifest = cut.manifest
    let configData = try cut.config.encoded()
    manifest.config = Descriptor(
      mediaType: manifest.config.mediaType, digest: Digest(of: configData), size: Int64(configData.count))
    return (manifest, try CanonicalJSON.encode(manifest), configData)
  }
}

/// Short human summaries of commits, shared by errors and listings.
package enum Summary {
  /// The first line of `created_by` (shell prefixes removed), or a description of a synthetic
  /// or anonymous step.
  package static func title(_ c: Commit) -> String {
    if c.synthetic { return "layer \(c.diffID?.short ?? "") (no history in config)" }
    var s = c.history.createdBy ?? c.history.comment ?? (c.isEmpty ? "(config change)" : "(no created_by)")
    for prefix in ["/bin/sh -c #(nop) ", "/bin/sh -c "] where s.hasPrefix(prefix) {
      s = String(s.dropFirst(prefix.count))
      if prefix == "/bin/sh -c " { s = "RUN " + s }
      break
    }
    s = s.trimmingCharacters(in: .whitespaces)
    if let nl = s.firstIndex(of: "\n") { s = String(s[..<nl]) }
    return s
  }
}
