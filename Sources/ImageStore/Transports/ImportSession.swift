import Foundation
import ImageModel

/// The blobs of one import while it is under way: staged (verified, not yet visible),
/// already in the store, or waiting in a layout folder to be copied. The session owns this
/// state; the importer only feeds it what it reads and asks it for images.
final class ImportSession {
  let store: Store
  let source: String
  /// The layout folder whose blobs are copied on demand, when the source is one.
  let layoutPath: String?
  let progress: ProgressReporter?
  private var staged: [Digest: StagedBlob] = [:]
  /// Archive members that are not named by digest (a classic `docker save`'s files).
  private var stagedByPath: [String: StagedBlob] = [:]
  /// Archive symlinks and hard links, member path → target member path.
  private var links: [String: String] = [:]
  /// Blobs the store already had, checked once against their digest in this import.
  private var verified = Set<Digest>()

  init(store: Store, source: String, layout: String? = nil, progress: ProgressReporter? = nil) {
    self.store = store
    self.source = source
    self.layoutPath = layout
    self.progress = progress
  }

  /// Stages an archive member that is not named by digest, keyed by its path.
  func receiveFile(
    path: String, feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    let writer = try store.blobWriter()
    try feed { try writer.write($0) }
    stagedByPath[path] = try writer.finish(source: "\(source): \(path)")
  }

  /// Records an archive link: `path` stands for the member `target`.
  func link(_ path: String, to target: String) { links[path] = target }

  /// `./a/b` and `a//b` name the same member.
  static func clean(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." || part.isEmpty { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    return parts.joined(separator: "/")
  }

  /// Takes a blob named by digest from a stream, verifying it. A blob the store already has is
  /// still hashed (the source must not lie) but not written again.
  func receive(
    _ digest: Digest, size: Int64, path: String,
    feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    if store.hasBlob(digest) || staged[digest] != nil {
      var hasher = DigestHasher()
      try feed { hasher.update($0) }
      let actual = hasher.finalize()
      guard actual == digest else {
        throw StoreError.blobCorrupt(digest, actual: actual, path: "\(source): \(path)")
      }
      return
    }
    let writer = try store.blobWriter()
    try feed { try writer.write($0) }
    staged[digest] = try writer.finish(expected: digest, expectedSize: size, source: "\(source): \(path)")
  }

  /// Makes sure the blob a descriptor names is at hand (copying it from a layout folder if
  /// needed) and matches the descriptor's size.
  func require(_ d: Descriptor, what: String) throws {
    if let s = staged[d.digest] {
      guard s.size == d.size else {
        throw StoreError.sizeMismatch(d.digest, expected: d.size, actual: s.size, path: "\(source): \(what)")
      }
      return
    }
    if store.hasBlob(d.digest) {
      // The store's copy is what the image will reference: it must be what the source
      // describes, or the import would tag an image that fsck and show refuse.
      let actual = store.blobSize(d.digest) ?? -1
      guard actual == d.size else {
        throw StoreError.sizeMismatch(d.digest, expected: d.size, actual: actual, path: "\(source): \(what)")
      }
      if !verified.contains(d.digest) {
        try store.verifyBlob(d.digest, size: d.size)
        verified.insert(d.digest)
      }
      return
    }
    if let layout = layoutPath {
      let path = "\(layout)/blobs/sha256/\(d.digest.hex)"
      guard FS.exists(path) else {
        throw StoreError.badSource(source, reason: "\(what) \(d.digest) is missing (\(path))")
      }
      let file = try FileHandleFD(path: path, flags: O_RDONLY)
      let writer = try store.blobWriter()
      try file.forEachChunk {
        try writer.write($0)
        progress?.advance(by: Int64($0.count))
      }
      staged[d.digest] = try writer.finish(expected: d.digest, expectedSize: d.size, source: path)
      return
    }
    throw StoreError.badArchive(source: source, reason: "\(what) \(d.digest) is not in the archive")
  }

  /// Reads a small blob (manifest, config) from wherever it is, verified.
  func small(_ d: Descriptor, what: String) throws -> Data {
    try require(d, what: what)
    if let s = staged[d.digest] { return try FS.readFile(s.temp.path, limit: 16 << 20) }
    return try store.readBlob(d.digest, size: d.size)
  }

  // MARK: - OCI index

  /// Whether the blob a descriptor names is at hand: staged, in the store, or in the layout
  /// folder being imported.
  func has(_ d: Descriptor) -> Bool {
    if staged[d.digest] != nil || store.hasBlob(d.digest) { return true }
    guard let layout = layoutPath else { return false }
    return FS.exists("\(layout)/blobs/sha256/\(d.digest.hex)")
  }

  /// The images an OCI `index.json` names, with every blob they need checked. A
  /// multi-platform index stays an index: each platform's image is read and checked, and a
  /// platform whose blobs the source lacks (`docker save` keeps only the host's) is left out
  /// of a new index, by name, rather than tagged incomplete.
  func images(from index: ImageIndex, tagFilter: String?) throws -> [FoundImage] {
    var result: [FoundImage] = []
    var byDigest: [Digest: Int] = [:]
    // Layers are copied after every manifest is read, so the copy knows its size.
    var layers: [Descriptor] = []
    var seen = Set<Digest>()
    let filter = try tagFilter.map { try TagName(normalizing: $0) }
    for var entry in index.manifests {
      let name = Tag.name(of: entry)
      if let filter, name != filter, entry.annotations?[Tag.refName] != tagFilter { continue }
      var found = FoundImage(descriptor: entry.bare, names: name.map { [$0] } ?? [], blobs: [])
      if MediaType.isIndex(entry.mediaType) {
        let platforms = try platformImages(entry)
        found.leftOut = platforms.leftOut
        found.blobs = platforms.blobs
        found.generated = platforms.generated
        found.descriptor = platforms.descriptor
        found.layers = platforms.images.flatMap(\.layers)
        entry = Descriptor(
          mediaType: platforms.descriptor.mediaType, digest: platforms.descriptor.digest,
          size: platforms.descriptor.size, annotations: entry.annotations)
        layers += platforms.layers.filter { seen.insert($0.digest).inserted }
      } else {
        let image = try checkedImage(entry)
        let manifest = image.manifest
        layers += manifest.layers.filter { seen.insert($0.digest).inserted }
        found.blobs = [entry.bare, manifest.config] + manifest.layers
        found.layers = image.layers
      }
      if let i = byDigest[entry.digest] {
        if let name { result[i].names.append(name) }
        continue
      }
      byDigest[entry.digest] = result.count
      result.append(found)
    }
    if let tagFilter, result.isEmpty {
      throw StoreError.badSource(source, reason: "no image tagged \(tagFilter)")
    }
    let copied =
      layoutPath == nil ? [] : layers.filter { staged[$0.digest] == nil && !store.hasBlob($0.digest) }
    let total = copied.totalSize(\.size)
    try (total > 0 ? progress : nil).phase("Copying layers", total: total) {
      for layer in layers { try require(layer, what: "layer") }
    }
    return result
  }

  /// Reads and checks one image manifest and its config.
  private func checkedImage(_ entry: Descriptor) throws -> Image {
    guard MediaType.isManifest(entry.mediaType) else {
      throw ModelError.unsupportedMediaType(entry.mediaType, what: "\(source): index entry \(entry.digest)")
    }
    let manifest = try Manifest.parse(try small(entry, what: "manifest"), digest: entry.digest)
    let config = try ImageConfig.parse(
      try small(manifest.config, what: "config"), digest: manifest.config.digest)
    return try Image(descriptor: entry.bare, manifest: manifest, config: config)
  }

  /// A multi-platform index as it will be stored: the platforms the source holds whole.
  private struct PlatformImages {
    var descriptor: Descriptor
    var blobs: [Descriptor] = []
    var layers: [Descriptor] = []
    var generated: [Data] = []
    var leftOut: [String] = []
    var images: [Image] = []
  }

  private func platformImages(_ entry: Descriptor) throws -> PlatformImages {
    let what = "\(source): index \(entry.digest)"
    var index = try CanonicalJSON.decode(ImageIndex.self, from: try small(entry, what: "index"), what: what)
    var result = PlatformImages(descriptor: entry.bare)
    var kept: [Descriptor] = []
    var dropped = Set<Digest>()
    for child in index.manifests
    where MediaType.isManifest(child.mediaType) && !ImageIndex.isArtifact(child) {
      guard has(child) else {
        result.leftOut.append(child.platform?.label ?? child.digest.description)
        dropped.insert(child.digest)
        continue
      }
      // An artifact whose descriptor does not say so comes along with the others below.
      let data = try small(child, what: "manifest")
      guard try Manifest.decode(data, digest: child.digest).isImage else { continue }
      let manifest = try Manifest.parse(data, digest: child.digest)
      guard has(manifest.config), manifest.layers.allSatisfy(has) else {
        result.leftOut.append(child.platform?.label ?? child.digest.description)
        dropped.insert(child.digest)
        continue
      }
      result.images.append(try checkedImage(child))
      kept.append(child)
      result.blobs += [child.bare, manifest.config] + manifest.layers
      result.layers += manifest.layers
    }
    guard !kept.isEmpty else {
      throw StoreError.badSource(
        source, reason: "index \(entry.digest) has no platform whose blobs are all in the source")
    }
    // Whatever else the index lists (attestations, artifacts) comes along when it is whole
    // and what it describes was kept.
    var others: [Descriptor] = []
    for child in index.manifests where !kept.contains(child) && !dropped.contains(child.digest) {
      let subject = child.annotations?["vnd.docker.reference.digest"].flatMap { try? Digest(parsing: $0) }
      guard has(child), subject.map({ !dropped.contains($0) }) ?? true,
        child.size <= 4 << 20,
        let refs = try? JSONValue.referencedDescriptors(in: try small(child, what: "manifest"), what: what),
        refs.allSatisfy({ has(Descriptor(mediaType: $0.mediaType ?? "", digest: $0.digest, size: $0.size)) })
      else {
        dropped.insert(child.digest)
        continue
      }
      others.append(child)
      result.blobs.append(child.bare)
      for r in refs where r.size >= 0 {
        let d = Descriptor(mediaType: r.mediaType ?? "", digest: r.digest, size: r.size)
        try require(d, what: "blob")
        result.blobs.append(d)
      }
    }
    if dropped.isEmpty {
      result.blobs.insert(entry.bare, at: 0)
      return result
    }
    index.manifests = index.manifests.filter { !dropped.contains($0.digest) }
    let data = try CanonicalJSON.encode(index)
    result.generated.append(data)
    result.descriptor = Descriptor(
      mediaType: entry.mediaType, digest: Digest(of: data), size: Int64(data.count))
    return result
  }

  // MARK: - docker save (classic)

  private struct DockerManifestEntry: Decodable {
    let config: String
    let repoTags: [String]?
    let layers: [String]

    enum CodingKeys: String, CodingKey {
      case config = "Config"
      case repoTags = "RepoTags"
      case layers = "Layers"
    }
  }

  /// The images of a classic `docker save` tarball: `manifest.json` names a config file and
  /// `layer.tar` files by path. The blobs are the files themselves; imggit writes the OCI
  /// manifest that docker did not.
  func dockerImages(manifestJSON: Data) throws -> [FoundImage] {
    let entries = try CanonicalJSON.decode(
      [DockerManifestEntry].self, from: manifestJSON, what: "\(source): manifest.json")
    var result: [FoundImage] = []
    for entry in entries {
      let configBlob = try member(entry.config)
      let configDescriptor = Descriptor(
        mediaType: MediaType.ociConfig, digest: configBlob.digest, size: configBlob.size)
      staged[configBlob.digest] = configBlob
      let config = try ImageConfig.parse(
        try small(configDescriptor, what: "config"), digest: configBlob.digest)
      var layers: [Descriptor] = []
      for (n, path) in entry.layers.enumerated() {
        let blob = try member(path)
        staged[blob.digest] = blob
        let compression = LayerCompression(magic: blob.magic)
        if compression == .none, n < config.diffIDs.count, config.diffIDs[n] != blob.digest {
          throw StoreError.badArchive(
            source: source,
            reason: "layer \(path) hashes to \(blob.digest) but the config's DiffID is \(config.diffIDs[n])")
        }
        layers.append(Descriptor(mediaType: compression.ociMediaType, digest: blob.digest, size: blob.size))
      }
      let manifest = Manifest(config: configDescriptor, layers: layers)
      let data = try CanonicalJSON.encode(manifest)
      let descriptor = Descriptor(
        mediaType: MediaType.ociManifest, digest: Digest(of: data), size: Int64(data.count))
      let image = try Image(descriptor: descriptor, manifest: manifest, config: config)
      let names = try (entry.repoTags ?? []).map { try TagName(normalizing: $0) }
      result.append(
        FoundImage(
          descriptor: descriptor, names: names, blobs: [configDescriptor] + layers, generated: [data],
          layers: image.layers))
    }
    return result
  }

  /// A file of the archive by path, following the symlinks older docker versions use for
  /// layers shared between images.
  private func member(_ path: String) throws -> StagedBlob {
    var p = ImportSession.clean(path)
    var hops = 0
    while stagedByPath[p] == nil, let target = links[p], hops < 16 {
      p = target
      hops += 1
    }
    if let blob = stagedByPath[p] { return blob }
    if p.hasPrefix("blobs/sha256/"), let d = try? Digest(hex: String(p.dropFirst(13))), let blob = staged[d] {
      return blob
    }
    throw StoreError.badArchive(
      source: source, reason: "manifest.json names \(path), which is not in the archive")
  }

  // MARK: - Publishing

  /// The layers of `images` whose bytes are here, staged or in the store, each once: what
  /// an ``IncomingLayerCheck`` reads before anything is published.
  func incoming(_ images: [FoundImage]) -> [IncomingLayer] {
    var seen = Set<[Digest]>()
    var result: [IncomingLayer] = []
    for layer in images.flatMap(\.layers)
    where MediaType.isLayer(layer.mediaType) && seen.insert([layer.digest, layer.diffID]).inserted {
      if let s = staged[layer.digest] {
        result.append(IncomingLayer(layer: layer, path: s.temp.path, isNew: true))
      } else if store.hasBlob(layer.digest) {
        result.append(IncomingLayer(layer: layer, path: store.blobPath(layer.digest), isNew: false))
      }
    }
    return result
  }

  /// Renames the image's staged blobs into the store; returns how many were new.
  func publish(_ image: FoundImage) throws -> Int {
    var count = 0
    for d in image.blobs {
      if let s = staged[d.digest], !store.hasBlob(d.digest) {
        try store.publish(s)
        count += 1
      }
    }
    for data in image.generated where !store.hasBlob(Digest(of: data)) {
      try store.writeBlob(data)
      count += 1
    }
    return count
  }
}

#if canImport(Glibc)
  import Glibc
#endif
