import AsyncHTTPClient
import Foundation
import ImageModel
import ImageStore
import NIOCore

extension Registry {
  /// Sends `source` to `ref`: blobs the repository has are skipped, blobs this run already
  /// sent to another repository of the registry are mounted, the rest uploaded in parallel;
  /// the manifest goes last.
  public func push(_ source: ImageContent, to ref: ImageReference) throws -> PushResult {
    try push([(source, ref)]).first!
  }

  /// Pushes several images to one registry over one client, so a blob sent for one image is
  /// mounted, not sent again, for the next (`push --all`).
  public func push(_ images: [(ImageContent, ImageReference)]) throws -> [PushResult] {
    guard let registry = images.first?.1.registry else { return [] }
    guard images.allSatisfy({ $0.1.registry == registry }) else {
      throw RegistryError.badResponse(
        registry: registry, what: "push", reason: "one push goes to one registry; these go to several")
    }
    session.name(registry)
    let client = try session.client(for: registry)
    for (source, ref) in images {
      for content in source.children + [source] {
        let made = Set(content.made.map { Digest(of: $0) })
        for blob in content.blobs
        where !made.contains(blob.digest) && !store.hasBlob(blob.digest) && store.promised(blob.digest) == nil
        {
          throw RegistryError.badResponse(
            registry: ref.registry, what: "push of \(ref)", reason: "blob \(blob.digest) is not in the store")
        }
      }
    }
    let (store, session, progress) = (self.store, self.session, self.progress)
    return try blocking {
      let sent = SentBlobs()
      var results: [PushResult] = []
      for (source, ref) in images {
        results.append(
          try await Registry.push(
            source, to: ref, client: client, session: session, store: store, sent: sent, progress: progress))
      }
      return results
    }
  }

  /// Where `push --all` sends each tag: `NAME:TAG` to `REGISTRY/NAMESPACE/NAME:TAG`, a name
  /// that carries its own registry (a pulled image's) with only its path.
  ///
  /// - Parameter root: `REGISTRY[/NAMESPACE]`.
  /// - Throws: ``RegistryError/pushCollision(destination:tags:)`` when two tags would land on one
  ///   reference (`h1/app:1` and `h2/app:1`), before anything is sent; a
  ///   ``ModelError`` when a destination is not a valid reference.
  public static func destinations(for tags: [TagName], under root: String) throws -> [(
    TagName, ImageReference
  )] {
    let (registry, namespace) = split(root)
    var out: [(TagName, ImageReference)] = []
    var seen: [String: TagName] = [:]
    for tag in tags {
      var name = Substring(tag.name)
      if ImageReference.looksRemote(String(name)), let slash = name.firstIndex(of: "/") {
        name = name[name.index(after: slash)...]
      }
      let ref = try ImageReference(
        parsing: "\(registry)/\(namespace)\(name):\(tag.tag)", defaultRegistry: false)
      if let other = seen.updateValue(tag, forKey: ref.description) {
        throw RegistryError.pushCollision(
          destination: ref.description, tags: [other.description, tag.description])
      }
      out.append((tag, ref))
    }
    return out
  }

  /// The registry of `push --all`'s `REGISTRY[/NAMESPACE]`, as references name it.
  public static func destinationRegistry(under root: String) -> String {
    ImageReference.canonicalRegistry(split(root).registry)
  }

  /// `[docker://]REGISTRY[/NAMESPACE][/]` → (`REGISTRY`, `NAMESPACE/` or ``).
  private static func split(_ root: String) -> (registry: String, namespace: String) {
    var root = Substring(root)
    for prefix in ["docker://", "https://", "http://"] where root.hasPrefix(prefix) {
      root = root.dropFirst(prefix.count)
    }
    while root.hasSuffix("/") { root = root.dropLast() }
    let slash = root.firstIndex(of: "/") ?? root.endIndex
    let namespace = slash == root.endIndex ? "" : String(root[root.index(after: slash)...]) + "/"
    return (String(root[..<slash]), namespace)
  }

  /// Pushes one image, or an index after each manifest it lists (by digest).
  private static func push(
    _ source: ImageContent, to ref: ImageReference, client: RegistryClient, session: RegistrySession,
    store: Store, sent: SentBlobs, progress: ProgressReporter?
  ) async throws -> PushResult {
    var summary = TransferSummary()
    for child in source.children {
      summary.add(
        try await pushBlobs(
          child, to: ref, client: client, session: session, store: store, sent: sent, progress: progress))
      try await client.putManifest(
        child.data, mediaType: child.mediaType, reference: child.digest.description,
        repository: ref.repository)
    }
    summary.add(
      try await pushBlobs(
        source, to: ref, client: client, session: session, store: store, sent: sent, progress: progress))
    try await client.putManifest(
      source.data, mediaType: source.mediaType, reference: ref.tag ?? source.digest.description,
      repository: ref.repository)
    return PushResult(reference: ref, digest: source.digest, summary: summary)
  }

  /// Sends the blobs one manifest names that the repository lacks: mounted when they can
  /// be, else uploaded in parallel: made blobs from memory, stored ones from their file.
  private static func pushBlobs(
    _ source: ImageContent, to ref: ImageReference, client: RegistryClient, session: RegistrySession,
    store: Store, sent: SentBlobs, progress: ProgressReporter?
  ) async throws -> TransferSummary {
    let repository = ref.repository
    var summary = TransferSummary()
    var made: [Digest: Data] = [:]
    for data in source.made { made[Digest(of: data)] = data }
    let blobs = unique(source.blobs)
    guard !blobs.isEmpty else { return summary }
    let present = try await inParallel(blobs, jobs: client.options.jobs) { blob in
      try await client.hasBlob(blob.digest, repository: repository)
    }
    let toSend = zip(blobs, present).filter { !$0.1 }.map(\.0)
    summary.skipped = blobs.count - toSend.count
    guard !toSend.isEmpty else { return summary }
    progress?.start("Pushing \(repository)", total: toSend.totalSize { max($0.size, 0) })
    let madeBlobs = made
    let mountedFlags = try await inParallel(toSend, jobs: client.options.jobs) { blob -> Bool in
      // A layer the store only promises is mounted from the repository that promised it,
      // when that is on this registry: it never has to come here and go back.
      let data = madeBlobs[blob.digest]
      let promise = data != nil || store.hasBlob(blob.digest) ? nil : store.promised(blob.digest)
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
      if let data {
        try await client.upload(
          blob, to: location, repository: repository, body: .bytes(ByteBuffer(data: data)))
        progress?.advance(by: blob.size)
      } else if let promise {
        // Promised by another registry: its bytes go from there to here as they arrive,
        // verified on the way, and are never stored.
        try await stream(
          promise, blob, to: location, repository: repository, client: client, session: session,
          progress: progress)
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
  /// `client`'s registry. A try that breaks off starts again, with a new upload. The source
  /// is reached with its own credentials (the session's client for it), never `client`'s.
  private static func stream(
    _ promise: BlobPromise, _ blob: Descriptor, to firstLocation: String, repository: String,
    client: RegistryClient, session: RegistrySession, progress: ProgressReporter?
  ) async throws {
    let location = Locations(firstLocation)
    let from = try session.client(for: promise.registry, plainHTTP: promise.plainHTTP)
    try await client.retrying("copy of blob \(blob.digest) from \(promise.source)") {
      let target: String
      if let first = await location.take() {
        target = first
      } else if let fresh = try await client.startUpload(blob.digest, repository: repository, mountFrom: nil)
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
            VerifiedChunks(base: body, blob: blob, progress: progress), length: .known(blob.size)),
          once: true)
      }
    }
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
