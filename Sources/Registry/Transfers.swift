import Foundation
import ImageModel
import ImageStore

/// Which layers `pull` fetches; the others are promised (see ``BlobPromise``) and fetched
/// when a command needs their bytes.
public enum LayerSelection: String, Sendable, CaseIterable {
  /// Every layer.
  case all
  /// None: a partial image, manifest and config only.
  case none
  /// Only the newest layer: a build's output, without its base.
  case top
}

/// What `pull` fetches.
public struct PullRequest: Sendable {
  public var reference: ImageReference
  /// The local tag; by default the reference's own name (`registry/repo:tag`, Docker Hub's
  /// without `docker.io/library/`).
  public var tag: TagName?
  /// The platform of a multi-platform image whose layers are fetched; nil: the host's, else
  /// the first. The index is stored whole either way.
  public var platform: PlatformChoice?
  public var layers: LayerSelection = .all

  public init(reference: ImageReference) { self.reference = reference }
}

/// What a pull or push did.
public struct TransferSummary: Sendable, Equatable {
  /// Blobs moved over the network.
  public var transferred = 0
  /// Blobs the other side already had.
  public var skipped = 0
  /// Blobs mounted from another repository of the registry instead of uploaded.
  public var mounted = 0
  /// Blobs that continued a partial transfer (from this run or an earlier one).
  public var resumed = 0
  /// Tries that failed and were repeated.
  public var retries = 0
  /// Layers left in the registry, promised (a partial pull).
  public var promised = 0
  /// Bytes moved over the network (blob bodies).
  public var bytes: Int64 = 0

  /// Adds another transfer's counts to these.
  public mutating func add(_ other: TransferSummary) {
    transferred += other.transferred
    skipped += other.skipped
    mounted += other.mounted
    resumed += other.resumed
    retries += other.retries
    promised += other.promised
    bytes += other.bytes
  }
}

/// The outcome of `pull`.
public struct PullResult: Sendable {
  public let reference: ImageReference
  public let tag: TagName
  /// The manifest now tagged (an index, for a multi-platform image).
  public let manifest: Descriptor
  /// The platform whose layers were fetched, when the reference named an index.
  public let platform: Platform?
  /// Every platform of the index; empty for a single-platform image.
  public let platforms: [Platform]
  public let summary: TransferSummary
}

/// The outcome of `push`.
public struct PushResult: Sendable {
  public let reference: ImageReference
  public let digest: Digest
  public let summary: TransferSummary
}

/// imggit's registry client: pulls images into the store and pushes them out, every blob
/// verified, moved in parallel, retried on its own and resumed where it broke off.
public struct Registry: Sendable {
  public let store: Store
  public let options: RegistryOptions
  public let progress: ProgressReporter?
  /// Reads a pull's layers before its tag moves (see ``IncomingLayerCheck``).
  public let check: (any IncomingLayerCheck)?

  public init(
    store: Store, options: RegistryOptions, progress: ProgressReporter? = nil,
    check: (any IncomingLayerCheck)? = nil
  ) {
    self.store = store
    self.options = options
    self.progress = progress
    self.check = check
  }

  // MARK: - Pull

  /// Fetches `request.reference` into the store and tags it. Manifests are stored byte for
  /// byte; blobs the store has are not fetched; nothing is tagged unless every blob arrived
  /// and verified.
  public func pull(_ request: PullRequest) throws -> PullResult {
    let ref = request.reference
    let tag = try request.tag ?? Registry.defaultTag(for: ref)
    let (store, options, progress, check) = (self.store, self.options, self.progress, self.check)
    return try blocking {
      try await RegistryClient.with(ref.registry, apiHost: ref.apiHost, options: options) { client in
        let top = try await client.manifest(ref)
        let plan = try await Registry.planPull(top, request: request, client: client)
        var summary = TransferSummary()
        let wantedDigests = Set(plan.wanted.map(\.digest))
        let promised = Registry.unique(plan.layers).filter {
          !wantedDigests.contains($0.digest) && !store.hasBlob($0.digest)
        }
        let blobs = Registry.unique(plan.small + plan.wanted)
        let missing = blobs.filter { !store.hasBlob($0.digest) }
        summary.skipped = blobs.count - missing.count
        summary.promised = promised.count
        progress?.start("Pulling \(ref.repository)", total: missing.reduce(0) { $0 + $1.size })
        let outcomes = try await Registry.inParallel(missing, jobs: options.jobs) { blob in
          try await client.fetchBlob(blob, repository: ref.repository, into: store, progress: progress)
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
        // Every blob is in: check each image and the layers fetched, then store the
        // manifests and move the tag.
        let fetched = Set(missing.map(\.digest))
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
        for layer in promised {
          try store.promise(
            BlobPromise(
              digest: layer.digest, size: layer.size, mediaType: layer.mediaType, registry: ref.registry,
              repository: ref.repository, plainHTTP: options.usesPlainHTTP(ref.registry)))
        }
        try store.update(command: "pull \(ref)") { $0.set(tag, to: top.descriptor) }
        check?.accepted()
        return PullResult(
          reference: ref, tag: tag, manifest: top.descriptor, platform: plan.platform,
          platforms: plan.platforms, summary: summary)
      }
    }
  }

  /// What a pull stores: every manifest (an index's, each platform's, each attestation's),
  /// byte for byte; the small blobs they name; the layers of the chosen platform that the
  /// selection wants. Every other layer is promised.
  private struct PullPlan {
    var manifests: [FetchedManifest] = []
    /// The images, to check once their configs are in.
    var images: [(Descriptor, Manifest)] = []
    /// Configs, and whatever an attestation names: always fetched.
    var small: [Descriptor] = []
    /// Every layer of every platform.
    var layers: [Descriptor] = []
    var wanted: [Descriptor] = []
    var platform: Platform?
    var platforms: [Platform] = []
  }

  private static func planPull(_ top: FetchedManifest, request: PullRequest, client: RegistryClient)
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
    guard MediaType.isIndex(top.mediaType) else {
      guard MediaType.isManifest(top.mediaType) else {
        throw RegistryError.unsupportedMediaType(ref, top.mediaType)
      }
      let manifest = try Manifest.parse(top.data, digest: top.digest)
      plan.images.append((top.descriptor, manifest))
      plan.small.append(manifest.config)
      plan.layers = manifest.layers
      plan.wanted = select(manifest.layers)
      return plan
    }
    // An index is kept whole: every platform's manifest and config now, the chosen
    // platform's layers as selected, the others' promised.
    let index = try CanonicalJSON.decode(
      ImageIndex.self, from: top.data, what: "index \(top.digest) of \(ref)")
    let choice = request.platform ?? .host
    guard
      let chosen = choice.pick(from: index)
        ?? (request.platform == nil ? index.images.first : nil)
    else {
      throw RegistryError.noPlatform(ref, wanted: choice.description, available: index.platformLabels)
    }
    plan.platform = chosen.platform
    let children = try await inParallel(index.manifests, jobs: client.options.jobs) { entry in
      try await client.manifest(ref, digest: entry.digest)
    }
    for (entry, child) in zip(index.manifests, children) {
      plan.manifests.append(child)
      if MediaType.isManifest(child.mediaType), !ImageIndex.isAttestation(entry) {
        let manifest = try Manifest.parse(child.data, digest: child.digest)
        plan.images.append((child.descriptor, manifest))
        plan.small.append(manifest.config)
        plan.layers += manifest.layers
        if let p = entry.platform { plan.platforms.append(p) }
        if entry.digest == chosen.digest { plan.wanted = select(manifest.layers) }
      } else {
        // An attestation or an artifact: small, and fsck wants all of it.
        for r in try JSONValue.referencedDescriptors(
          in: child.data, what: "manifest \(child.digest) of \(ref)")
        where r.size >= 0 && !MediaType.isManifest(r.mediaType ?? "") && !MediaType.isIndex(r.mediaType ?? "")
        {
          plan.small.append(Descriptor(mediaType: r.mediaType ?? "", digest: r.digest, size: r.size))
        }
      }
    }
    return plan
  }

  /// `registry/repo:tag` as a local tag: Docker Hub's without `docker.io/library/`.
  public static func defaultTag(for ref: ImageReference) throws -> TagName {
    guard let tag = ref.tag else {
      throw RegistryError.badResponse(
        registry: ref.registry, what: "pull of \(ref)",
        reason: "a reference pinned by digest needs a local tag")
    }
    return try TagName(normalizing: "\(ref.registry)/\(ref.repository):\(tag)")
  }

  static func unique(_ blobs: [Descriptor]) -> [Descriptor] {
    var seen = Set<Digest>()
    return blobs.filter { seen.insert($0.digest).inserted }
  }

  /// Runs `body` over `items`, at most `jobs` at a time; results in `items`' order. The first
  /// failure cancels the rest.
  static func inParallel<T: Sendable, R: Sendable>(
    _ items: [T], jobs: Int, _ body: @escaping @Sendable (T) async throws -> R
  ) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
      var results = [R?](repeating: nil, count: items.count)
      var next = 0
      func add() {
        guard next < items.count else { return }
        let i = next
        next += 1
        group.addTask { (i, try await body(items[i])) }
      }
      for _ in 0..<max(1, jobs) { add() }
      while let (i, r) = try await group.next() {
        results[i] = r
        add()
      }
      return results.map { $0! }
    }
  }

  // MARK: - Push

  /// Sends `source` to `ref`: blobs the repository has are skipped, blobs this run already
  /// sent to another repository of the registry are mounted, the rest uploaded in parallel;
  /// the manifest goes last.
  public func push(_ source: ImageContent, to ref: ImageReference) throws -> PushResult {
    try push([(source, ref)]).first!
  }

  /// Pushes several images to one registry over one client, so a blob sent for one image is
  /// mounted, not sent again, for the next (`push --all`).
  public func push(_ images: [(ImageContent, ImageReference)]) throws -> [PushResult] {
    guard let registry = images.first?.1.registry, let host = images.first?.1.apiHost else { return [] }
    precondition(images.allSatisfy { $0.1.registry == registry })
    let (store, options, progress) = (self.store, self.options, self.progress)
    return try blocking {
      try await RegistryClient.with(registry, apiHost: host, options: options) { client in
        let sent = SentBlobs()
        var results: [PushResult] = []
        for (source, ref) in images {
          results.append(
            try await Registry.push(
              source, to: ref, client: client, store: store, sent: sent, progress: progress))
        }
        return results
      }
    }
  }

  /// Pushes one image, or an index after each manifest it lists (by digest).
  private static func push(
    _ source: ImageContent, to ref: ImageReference, client: RegistryClient, store: Store, sent: SentBlobs,
    progress: ProgressReporter?
  ) async throws -> PushResult {
    var summary = TransferSummary()
    for child in source.children {
      summary.add(
        try await pushBlobs(child, to: ref, client: client, store: store, sent: sent, progress: progress))
      try await client.putManifest(
        child.data, mediaType: child.mediaType, reference: child.digest.description,
        repository: ref.repository)
    }
    summary.add(
      try await pushBlobs(source, to: ref, client: client, store: store, sent: sent, progress: progress))
    try await client.putManifest(
      source.data, mediaType: source.mediaType, reference: ref.tag ?? source.digest.description,
      repository: ref.repository)
    return PushResult(reference: ref, digest: source.digest, summary: summary)
  }

  /// Sends the blobs one manifest names that the repository lacks: mounted when they can
  /// be, else uploaded in parallel.
  private static func pushBlobs(
    _ source: ImageContent, to ref: ImageReference, client: RegistryClient, store: Store, sent: SentBlobs,
    progress: ProgressReporter?
  ) async throws -> TransferSummary {
    let repository = ref.repository
    var summary = TransferSummary()
    // The config may be made, not stored (an intermediate commit): write it first.
    for data in source.made { _ = try store.writeBlob(data) }
    let blobs = unique(source.blobs)
    for blob in blobs where !store.hasBlob(blob.digest) && store.promised(blob.digest) == nil {
      throw RegistryError.badResponse(
        registry: ref.registry, what: "push of \(ref)", reason: "blob \(blob.digest) is not in the store")
    }
    guard !blobs.isEmpty else { return summary }
    let present = try await inParallel(blobs, jobs: client.options.jobs) { blob in
      try await client.hasBlob(blob.digest, repository: repository)
    }
    let toSend = zip(blobs, present).filter { !$0.1 }.map(\.0)
    summary.skipped = blobs.count - toSend.count
    guard !toSend.isEmpty else { return summary }
    progress?.start("Pushing \(repository)", total: toSend.reduce(0) { $0 + $1.size })
    let mountedFlags = try await inParallel(toSend, jobs: client.options.jobs) { blob -> Bool in
      // A layer the store only promises is mounted from the repository that promised it,
      // when that is on this registry: it never has to come here and go back.
      let promise = store.hasBlob(blob.digest) ? nil : store.promised(blob.digest)
      var from = await sent.repository(of: blob.digest, other: repository)
      if from == nil, let promise, promise.registry == ref.registry, promise.repository != repository {
        from = promise.repository
      }
      let location = try await client.startUpload(blob.digest, repository: repository, mountFrom: from)
      guard let location else {
        progress?.advance(by: blob.size)
        await sent.record(blob.digest, in: repository)
        return true
      }
      if let promise, !store.hasBlob(blob.digest) {
        // Promised by another registry: its bytes go from there to here as they arrive,
        // verified on the way, and are never stored.
        try await stream(
          promise, blob, to: location, repository: repository, client: client, progress: progress)
      } else {
        try await client.upload(blob, to: location, repository: repository, from: store, progress: progress)
      }
      await sent.record(blob.digest, in: repository)
      return false
    }
    progress?.finish()
    for (blob, mounted) in zip(toSend, mountedFlags) {
      if mounted {
        summary.mounted += 1
      } else {
        summary.transferred += 1
        summary.bytes += blob.size
      }
    }
    return summary
  }

  /// Sends a promised blob from the registry that promised it straight to an upload of
  /// `client`'s registry. A try that breaks off starts again, with a new upload.
  private static func stream(
    _ promise: BlobPromise, _ blob: Descriptor, to firstLocation: String, repository: String,
    client: RegistryClient, progress: ProgressReporter?
  ) async throws {
    let location = Locations(firstLocation)
    try await RegistryFetcher.withSource(of: promise, options: client.options) { from in
      try await client.retrying("copy of blob \(blob.digest) from \(promise.registry)/\(promise.repository)")
      {
        let target: String
        if let first = await location.take() {
          target = first
        } else if let fresh = try await client.startUpload(
          blob.digest, repository: repository, mountFrom: nil)
        {
          target = fresh
        } else {
          return
        }
        progress?.startItem(blob.digest.short, total: blob.size)
        defer { progress?.finishItem(blob.digest.short) }
        try await from.withBlobBody(blob, repository: promise.repository) { body in
          try await client.upload(
            blob, to: target, repository: repository,
            body: .stream(
              VerifiedChunks(base: body, blob: blob, progress: progress), length: .known(blob.size)))
        }
      }
    }
  }

  // MARK: - Login

  /// Checks `credentials` against `registry` (the `/v2/` endpoint, through its auth
  /// challenge), then stores them in the auth file Docker, podman and skopeo read.
  public static func login(
    registry: String, credentials: Credentials, options: RegistryOptions, file: AuthFile
  )
    throws
  {
    var withCredentials = options
    withCredentials.credentials = credentials
    let checked = withCredentials
    let host = ImageReference.apiHost(of: registry)
    try blocking {
      try await RegistryClient.with(registry, apiHost: host, options: checked) { try await $0.checkLogin() }
    }
    try file.store(credentials, for: registry)
  }
}

/// The upload URL a first try of a streamed copy uses; later tries start their own.
private actor Locations {
  private var first: String?
  init(_ first: String) { self.first = first }
  func take() -> String? {
    defer { first = nil }
    return first
  }
}

/// Which repository of the registry each blob was sent to in this run (for cross-repository
/// mounts).
private actor SentBlobs {
  private var destinations: [Digest: String] = [:]
  func record(_ d: Digest, in repository: String) { destinations[d] = repository }
  func repository(of d: Digest, other than: String) -> String? {
    guard let r = destinations[d], r != than else { return nil }
    return r
  }
}

/// Fetches promised layers from the registry that promised them, for any reader of the
/// store (show, diff, extract, squash, the rebase conflict check, export). The promise says
/// how the registry was reached, so no flags are needed; the blob is verified by digest.
public struct RegistryFetcher: BlobFetcher {
  public let options: RegistryOptions
  public let progress: ProgressReporter?

  public init(options: RegistryOptions, progress: ProgressReporter? = nil) {
    self.options = options
    self.progress = progress
  }

  public func fetch(_ promise: BlobPromise, into store: Store) throws {
    let (options, progress) = (self.options, self.progress)
    try blocking {
      progress?.start("Fetching \(promise.digest.short) from \(promise.repository)", total: promise.size)
      defer { progress?.finish() }
      try await RegistryFetcher.fetch(promise, into: store, options: options, progress: progress)
    }
  }

  /// Fetches a promised blob from the registry and repository that promised it, reached as
  /// the promise says (plain HTTP or not).
  static func fetch(
    _ promise: BlobPromise, into store: Store, options: RegistryOptions, progress: ProgressReporter?
  ) async throws {
    let blob = Descriptor(mediaType: promise.mediaType, digest: promise.digest, size: promise.size)
    _ = try await withSource(of: promise, options: options) {
      try await $0.fetchBlob(blob, repository: promise.repository, into: store, progress: progress)
    }
  }

  /// A client of the registry that promised a blob, reached as the promise says (plain HTTP
  /// or not), whatever the command's own flags.
  static func withSource<T: Sendable>(
    of promise: BlobPromise, options: RegistryOptions, _ body: (RegistryClient) async throws -> T
  ) async throws -> T {
    var options = options
    if promise.plainHTTP { options.insecureRegistries.insert(promise.registry) }
    let settings = options
    return try await RegistryClient.with(
      promise.registry, apiHost: ImageReference.apiHost(of: promise.registry), options: settings, body)
  }
}
