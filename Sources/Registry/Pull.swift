import Foundation
import ImageModel
import ImageStore

extension Registry {
  /// Fetches `request.reference` into the store and tags it. Manifests are stored byte for
  /// byte; blobs the store has are not fetched; nothing is tagged unless every blob arrived
  /// and verified.
  public func pull(_ request: PullRequest) throws -> PullResult {
    let ref = request.reference
    let tag = try request.tag ?? Registry.defaultTag(for: ref)
    session.name(ref.registry)
    let client = try session.client(for: ref.registry)
    let (store, progress) = (self.store, self.progress)
    // The network: every manifest, then the blobs the store lacks.
    let (top, plan, summary, fetched) = try blocking {
      let top = try await client.manifest(ref)
      let plan = try await Registry.planPull(top, request: request, client: client)
      var summary = TransferSummary()
      let blobs = Registry.unique(plan.small + plan.wanted)
      let missing = blobs.filter { !store.hasBlob($0.digest) }
      summary.skipped = blobs.count - missing.count
      progress?.start("Pulling \(ref.repository)", total: missing.totalSize { max($0.size, 0) })
      let small = Set(plan.small.map(\.digest))
      let outcomes = try await Registry.inParallel(missing, jobs: client.options.jobs) { blob in
        try await client.fetchBlob(
          blob, repository: ref.repository, into: store, progress: progress,
          small: small.contains(blob.digest))
      }
      progress?.finish()
      for outcome in outcomes {
        switch outcome {
        case .skipped: summary.skipped += 1
        case .fetched(let bytes, let resumed, let retries):
          summary.transferred += 1
          summary.bytes += bytes
          summary.retries += retries
          if resumed { summary.resumed += 1 }
        }
      }
      return (top, plan, summary, Set(missing.map(\.digest)))
    }
    // Every blob is in: check each image and the layers fetched, then store the manifests,
    // the promises, and move the tag.
    var layers: [IncomingLayer] = []
    for (descriptor, manifest) in plan.images {
      let config = try ImageConfig.parse(
        try store.readBlob(manifest.config.digest), digest: manifest.config.digest)
      let image = try Image(descriptor: descriptor, manifest: manifest, config: config)
      for layer in image.layers where MediaType.isLayer(layer.mediaType) && store.hasBlob(layer.digest) {
        layers.append(
          IncomingLayer(
            layer: layer, path: store.blobPath(layer.digest), isNew: fetched.contains(layer.digest)))
      }
    }
    try check?.check(layers)
    for m in plan.manifests { _ = try store.writeBlob(m.data) }
    let wanted = Set(plan.wanted.map(\.digest))
    var result = summary
    for layer in Registry.unique(plan.layers)
    where !wanted.contains(layer.digest) && !store.hasBlob(layer.digest) {
      try store.promise(
        BlobPromise(
          digest: layer.digest, size: layer.size, mediaType: layer.mediaType, registry: ref.registry,
          repository: ref.repository, plainHTTP: options.usesPlainHTTP(ref.registry)))
      result.promised += 1
    }
    let tagged = try store.update(command: "pull \(ref)") { update -> Bool in
      if request.keepLocalHistory, let current = update.current(tag), current != top.descriptor.bare {
        // Moved by a pull of this reference and by nothing since: no local history.
        let last = try store.reflog(tag).first
        guard last?.command == "pull \(ref)", last?.new?.bare == current else { return false }
      }
      update.set(tag, to: top.descriptor)
      return true
    }
    check?.accepted()
    return PullResult(
      reference: ref, tag: tag, manifest: top.descriptor, platform: plan.platform,
      platforms: plan.platforms, summary: result, tagged: tagged)
  }

  /// What a pull stores: every manifest (an index's, each platform's, each attestation's and
  /// artifact's), byte for byte; the small blobs they name; the layers of the chosen platform
  /// that the selection wants. Every other layer is promised.
  struct PullPlan: Sendable {
    var manifests: [FetchedManifest] = []
    /// The images, to check once their configs are in.
    var images: [(Descriptor, Manifest)] = []
    /// Configs, and whatever an attestation or artifact names: always fetched.
    var small: [Descriptor] = []
    /// Every layer of every platform.
    var layers: [Descriptor] = []
    var wanted: [Descriptor] = []
    var platform: Platform?
    var platforms: [Platform] = []
  }

  /// The largest config a pull accepts: the store reads configs whole, up to this size.
  static let configLimit: Int64 = 16 << 20

  static func planPull(_ top: FetchedManifest, request: PullRequest, client: RegistryClient)
    async throws -> PullPlan
  {
    let ref = request.reference
    var plan = PullPlan()
    plan.manifests.append(top)
    func select(_ layers: [Descriptor]) -> [Descriptor] {
      switch request.layers {
      case .all: return layers
      case .none: return []
      case .top: return Array(layers.suffix(1))
      }
    }
    func addImage(_ descriptor: Descriptor, _ manifest: Manifest) throws {
      guard manifest.config.size <= configLimit else {
        throw RegistryError.badResponse(
          registry: ref.registry, what: "manifest \(descriptor.digest) of \(ref)",
          reason: "its config is \(manifest.config.size) bytes, more than the \(configLimit) accepted")
      }
      plan.images.append((descriptor, manifest))
      plan.small.append(manifest.config)
      plan.layers += manifest.layers
    }
    /// An attestation or an artifact: small, kept whole, never read as an image.
    func addArtifact(_ child: FetchedManifest) throws {
      for r in try JSONValue.referencedDescriptors(in: child.data, what: "manifest \(child.digest) of \(ref)")
      where !MediaType.isManifest(r.mediaType ?? "") && !MediaType.isIndex(r.mediaType ?? "") {
        plan.small.append(Descriptor(mediaType: r.mediaType ?? "", digest: r.digest, size: r.size))
      }
    }
    guard MediaType.isIndex(top.mediaType) else {
      let manifest = try Manifest.decode(top.data, digest: top.digest)
      guard manifest.isImage else {
        throw RegistryError.unsupportedMediaType(
          ref, "an artifact (\(manifest.artifactType ?? manifest.config.mediaType)), not an image")
      }
      try addImage(top.descriptor, try Manifest.parse(top.data, digest: top.digest))
      plan.wanted = select(manifest.layers)
      return plan
    }
    // An index is kept whole: every platform's manifest and config now, the chosen
    // platform's layers as selected, the others' promised.
    let index = try CanonicalJSON.decode(
      ImageIndex.self, from: top.data, what: "index \(top.digest) of \(ref)")
    // Real indexes list a few dozen entries; each is fetched and kept in memory.
    guard index.manifests.count <= indexLimit else {
      throw RegistryError.badResponse(
        registry: ref.registry, what: "index \(top.digest) of \(ref)",
        reason: "it lists \(index.manifests.count) manifests, more than the \(indexLimit) accepted")
    }
    if let nested = index.manifests.first(where: { MediaType.isIndex($0.mediaType) }) {
      throw RegistryError.badResponse(
        registry: ref.registry, what: "index \(top.digest) of \(ref)",
        reason: "it lists another index (\(nested.digest)); nested indexes are not supported")
    }
    let choice = request.platform ?? .host
    guard
      let chosen = choice.pick(from: index)
        ?? (request.platform == nil ? index.images.first : nil)
    else {
      throw RegistryError.noPlatform(ref, wanted: choice.description, available: index.platformLabels)
    }
    plan.platform = chosen.platform
    // An index may list one manifest many times (one image for several platforms): it is
    // fetched once, and is an image when any entry of it says so and its content agrees.
    let entries = unique(index.manifests)
    let listedAsImage = Set(index.manifests.filter { !ImageIndex.isArtifact($0) }.map(\.digest))
    let children = try await inParallel(entries, jobs: client.options.jobs) { entry in
      try await client.manifest(ref, digest: entry.digest)
    }
    var images = Set<Digest>()
    for (entry, child) in zip(entries, children) {
      plan.manifests.append(child)
      guard MediaType.isManifest(child.mediaType) else {
        throw RegistryError.badResponse(
          registry: ref.registry, what: "index \(top.digest) of \(ref)",
          reason: "its entry \(entry.digest) is an index; nested indexes are not supported")
      }
      let manifest = try Manifest.decode(child.data, digest: child.digest)
      guard manifest.isImage, listedAsImage.contains(entry.digest) else {
        try addArtifact(child)
        continue
      }
      try addImage(child.descriptor, try Manifest.parse(child.data, digest: child.digest))
      images.insert(entry.digest)
      if entry.digest == chosen.digest { plan.wanted = select(manifest.layers) }
    }
    guard images.contains(chosen.digest) else {
      throw RegistryError.noPlatform(ref, wanted: choice.description, available: index.platformLabels)
    }
    plan.platforms = index.manifests.filter { images.contains($0.digest) }.compactMap(\.platform)
    return plan
  }

  /// The most entries an index may list.
  static let indexLimit = 1_000
}
