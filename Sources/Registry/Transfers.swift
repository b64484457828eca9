import Foundation
import ImageModel
import ImageStore

/// `os/architecture[/variant]`, as `--platform` takes it.
public struct PlatformChoice: Sendable, Hashable, CustomStringConvertible {
  public let os: String
  public let architecture: String
  public let variant: String?

  public init(os: String, architecture: String, variant: String? = nil) {
    self.os = os
    self.architecture = architecture
    self.variant = variant
  }

  public init(parsing s: String) throws {
    let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
      throw ModelError.invalidReference(
        s, reason: "a platform is written OS/ARCH[/VARIANT], e.g. linux/amd64")
    }
    self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
  }

  /// This machine's: `linux/amd64` or `linux/arm64`.
  public static var host: PlatformChoice {
    #if arch(arm64)
      PlatformChoice(os: "linux", architecture: "arm64")
    #else
      PlatformChoice(os: "linux", architecture: "amd64")
    #endif
  }

  func matches(_ p: Platform?) -> Bool {
    guard let p else { return false }
    return p.os == os && p.architecture == architecture && (variant == nil || p.variant == variant)
  }

  public var description: String {
    Platform(architecture: architecture, os: os, variant: variant).label
  }
}

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
  /// The platform to take from a multi-platform image (the host's by default).
  public var platform: PlatformChoice = .host
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
}

/// The outcome of `pull`.
public struct PullResult: Sendable {
  public let reference: ImageReference
  public let tag: TagName
  /// The manifest now tagged (the chosen platform's, for a multi-platform image).
  public let manifest: Descriptor
  /// The platform chosen from an index, when the reference named one.
  public let platform: Platform?
  public let summary: TransferSummary
}

/// An image of the store as `push` sends it: the exact manifest and config bytes (an
/// intermediate commit's are made, not stored) and the layers, which are blobs of the store.
public struct PushSource: Sendable {
  public let manifestData: Data
  public let mediaType: String
  public let configData: Data
  public let manifest: Manifest

  public init(manifestData: Data, mediaType: String, configData: Data, manifest: Manifest) {
    self.manifestData = manifestData
    self.mediaType = mediaType
    self.configData = configData
    self.manifest = manifest
  }

  public var digest: Digest { Digest(of: manifestData) }
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

  public init(store: Store, options: RegistryOptions, progress: ProgressReporter? = nil) {
    self.store = store
    self.options = options
    self.progress = progress
  }

  // MARK: - Pull

  /// Fetches `request.reference` into the store and tags it. Manifests are stored byte for
  /// byte; blobs the store has are not fetched; nothing is tagged unless every blob arrived
  /// and verified.
  public func pull(_ request: PullRequest) throws -> PullResult {
    let ref = request.reference
    let tag = try request.tag ?? Registry.defaultTag(for: ref)
    let (store, options, progress) = (self.store, self.options, self.progress)
    return try blocking {
      try await RegistryClient.with(ref.registry, apiHost: ref.apiHost, options: options) { client in
        var top = try await client.manifest(ref)
        var platform: Platform?
        var stored: [FetchedManifest] = []
        if MediaType.isIndex(top.mediaType) {
          let index = try CanonicalJSON.decode(
            ImageIndex.self, from: top.data, what: "index \(top.digest) of \(ref)")
          let images = index.manifests.filter { MediaType.isManifest($0.mediaType) }
          guard
            let chosen = images.first(where: { request.platform.matches($0.platform) })
              ?? (images.count == 1 ? images.first : nil)
          else {
            throw RegistryError.noPlatform(
              ref, wanted: request.platform.description,
              available: images.compactMap { $0.platform?.label })
          }
          platform = chosen.platform
          stored.append(top)
          top = try await client.manifest(ref, digest: chosen.digest)
        }
        guard MediaType.isManifest(top.mediaType) else {
          throw RegistryError.unsupportedMediaType(ref, top.mediaType)
        }
        let manifest = try Manifest.parse(top.data, digest: top.digest)
        stored.append(top)
        var summary = TransferSummary()
        let wanted: [Descriptor]
        switch request.layers {
        case .all: wanted = manifest.layers
        case .none: wanted = []
        case .top: wanted = Array(manifest.layers.suffix(1))
        }
        let wantedDigests = Set(wanted.map(\.digest))
        let promised = Registry.unique(manifest.layers).filter {
          !wantedDigests.contains($0.digest) && !store.hasBlob($0.digest)
        }
        let blobs = [manifest.config] + wanted
        let missing = Registry.unique(blobs).filter { !store.hasBlob($0.digest) }
        summary.skipped = Registry.unique(blobs).count - missing.count
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
        // Every blob is in: check the image, then store the manifests and move the tag.
        let config = try ImageConfig.parse(
          try store.readBlob(manifest.config.digest), digest: manifest.config.digest)
        _ = try Image(descriptor: top.descriptor, manifest: manifest, config: config)
        for m in stored { _ = try store.writeBlob(m.data) }
        for layer in promised {
          try store.promise(
            BlobPromise(
              digest: layer.digest, size: layer.size, mediaType: layer.mediaType, registry: ref.registry,
              repository: ref.repository, plainHTTP: options.usesPlainHTTP(ref.registry)))
        }
        try store.update(command: "pull \(ref)") { $0.set(tag, to: top.descriptor) }
        return PullResult(
          reference: ref, tag: tag, manifest: top.descriptor, platform: platform, summary: summary)
      }
    }
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
  public func push(_ source: PushSource, to ref: ImageReference) throws -> PushResult {
    try push([(source, ref)]).first!
  }

  /// Pushes several images to one registry over one client, so a blob sent for one image is
  /// mounted, not sent again, for the next (`push --all`).
  public func push(_ images: [(PushSource, ImageReference)]) throws -> [PushResult] {
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

  private static func push(
    _ source: PushSource, to ref: ImageReference, client: RegistryClient, store: Store, sent: SentBlobs,
    progress: ProgressReporter?
  ) async throws -> PushResult {
    let repository = ref.repository
    var summary = TransferSummary()
    // The config may be made, not stored (an intermediate commit): write it first.
    _ = try store.writeBlob(source.configData)
    let blobs = unique(source.manifest.layers + [source.manifest.config])
    for blob in blobs where !store.hasBlob(blob.digest) && store.promised(blob.digest) == nil {
      throw RegistryError.badResponse(
        registry: ref.registry, what: "push of \(ref)", reason: "blob \(blob.digest) is not in the store")
    }
    let present = try await inParallel(blobs, jobs: client.options.jobs) { blob in
      try await client.hasBlob(blob.digest, repository: repository)
    }
    let toSend = zip(blobs, present).filter { !$0.1 }.map(\.0)
    summary.skipped = blobs.count - toSend.count
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
        // Promised by another registry: fetch it first (verified), then send it.
        try await RegistryFetcher.fetch(promise, into: store, options: client.options, progress: nil)
      }
      try await client.upload(blob, to: location, repository: repository, from: store, progress: progress)
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
    try await client.putManifest(
      source.manifestData, mediaType: source.mediaType, reference: ref.tag ?? source.digest.description,
      repository: repository)
    return PushResult(reference: ref, digest: source.digest, summary: summary)
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
    var options = options
    if promise.plainHTTP { options.insecureRegistries.insert(promise.registry) }
    let blob = Descriptor(mediaType: promise.mediaType, digest: promise.digest, size: promise.size)
    let settings = options
    _ = try await RegistryClient.with(
      promise.registry, apiHost: ImageReference.apiHost(of: promise.registry), options: settings
    ) { try await $0.fetchBlob(blob, repository: promise.repository, into: store, progress: progress) }
  }
}
