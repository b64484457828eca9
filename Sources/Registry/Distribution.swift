import AsyncHTTPClient
import Foundation
import ImageModel
import ImageStore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SystemPackage

/// A manifest or index as a registry served it: its exact bytes (so `@sha256:` digests match
/// the registry's), its media type and its digest.
struct FetchedManifest: Sendable {
  let data: Data
  let mediaType: String
  let digest: Digest
  var descriptor: Descriptor { Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count)) }
}

/// How one blob got into the store, for the summary.
enum BlobOutcome: Sendable {
  /// The store had it.
  case skipped
  /// Downloaded, `bytes` of it in this run; `resumed` when it continued a partial download.
  case fetched(bytes: Int64, resumed: Bool, retries: Int)
}

/// The endpoints of the distribution spec, over a ``RegistryClient``.
extension RegistryClient {
  static let manifestTypes = [
    MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList,
  ]

  /// `GET /v2/<repo>/manifests/<tag|digest>`, verified against a pinned digest.
  func manifest(_ ref: ImageReference, digest pinned: Digest? = nil) async throws -> FetchedManifest {
    let reference = pinned?.description ?? ref.manifestReference
    let what = "manifest \(ref.repository)\(reference.hasPrefix("sha256:") ? "@" : ":")\(reference)"
    var headers = HTTPHeaders()
    headers.add(name: "Accept", value: Self.manifestTypes.joined(separator: ", "))
    let accept = headers
    let (data, contentType) = try await retrying(what) {
      try await withDeadline(what) {
        let response = try await self.send(
          .GET, self.url(ref.repository, "manifests/\(reference)"), repository: ref.repository,
          headers: accept, what: what)
        switch response.status.code {
        case 200: break
        case 404: throw RegistryError.manifestUnknown(ref.with(tag: ref.tag, digest: pinned ?? ref.digest))
        default: throw await self.failure(response, repository: ref.repository, what: what)
        }
        let body = try await self.collect(response, limit: Self.manifestLimit, what: what)
        return (Data(buffer: body), response.headers.first(name: "Content-Type"))
      }
    }
    let digest = Digest(of: data)
    if let expected = pinned ?? ref.digest, expected != digest {
      throw RegistryError.digestMismatch(
        registry: registry, repository: ref.repository, expected: expected, actual: digest)
    }
    var mediaType = contentType?.split(separator: ";").first.map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    if mediaType == nil || !Self.manifestTypes.contains(mediaType!),
      let json = try? JSONDecoder().decode([String: JSONValue].self, from: data),
      let t = json["mediaType"]?.stringValue
    {
      mediaType = t
    }
    guard let mediaType, Self.manifestTypes.contains(mediaType) else {
      throw RegistryError.unsupportedMediaType(ref, mediaType ?? "none")
    }
    return FetchedManifest(data: data, mediaType: mediaType, digest: digest)
  }

  /// Registries refuse manifests over 4 MiB, and so does imggit.
  static let manifestLimit = 4 << 20

  /// Runs `body` until it works, a failure is not worth retrying, or the tries run out.
  func retrying<T: Sendable>(
    _ what: String, onRetry: @Sendable () -> Void = {}, _ body: () async throws -> T
  ) async throws -> T {
    var attempt = 0
    while true {
      attempt += 1
      do { return try await body() } catch {
        guard Self.isRetryable(error) else { throw error }
        guard attempt < options.attempts else {
          throw RegistryError.gaveUp(registry: registry, what: what, attempts: attempt, last: error)
        }
        onRetry()
        let wait = delay(attempt: attempt, retryAfter: (error as? TransferError)?.retryAfter)
        try await Task.sleep(nanoseconds: UInt64(min(max(wait, 0), 3600) * 1e9))
      }
    }
  }

  /// Downloads a blob into the store, verified by size and digest while it streams. A try
  /// that breaks off keeps its bytes: the next one (in this run or a later one) asks only for
  /// the rest with `Range`, and a registry that ignores `Range` sends it whole again.
  ///
  /// A `small` blob (a config, an attestation) must arrive whole within the read timeout, as
  /// a manifest must (see ``withDeadline(_:_:)``).
  func fetchBlob(
    _ blob: Descriptor, repository: String, into store: Store, progress: ProgressReporter?,
    small: Bool = false
  ) async throws -> BlobOutcome {
    if store.hasBlob(blob.digest) { return .skipped }
    let partial = try PartialBlob(store: store, digest: blob.digest)
    if store.hasBlob(blob.digest) { return .skipped }
    let what = "blob \(blob.digest) of \(repository)"
    let startedWith = partial.size
    let item = blob.digest.short
    progress?.startItem(item, total: blob.size)
    defer { progress?.finishItem(item) }
    progress?.advance(by: min(startedWith, blob.size), item: item)
    let counters = TransferCounters()
    try await retrying(what, onRetry: { counters.retry() }) {
      if small {
        try await withDeadline(what, size: blob.size) {
          try await self.fetchAttempt(blob, repository: repository, partial, counters, progress: progress)
        }
      } else {
        try await fetchAttempt(blob, repository: repository, partial, counters, progress: progress)
      }
    }
    return .fetched(
      bytes: counters.bytes, resumed: startedWith > 0 || counters.didResume, retries: counters.retries)
  }

  /// One try of ``fetchBlob(_:repository:into:progress:small:)``: from where the partial
  /// download stopped.
  private func fetchAttempt(
    _ blob: Descriptor, repository: String, _ partial: PartialBlob, _ counters: TransferCounters,
    progress: ProgressReporter?
  ) async throws {
    let what = "blob \(blob.digest) of \(repository)"
    let item = blob.digest.short
    let offset = partial.size
    if offset >= blob.size {
      try finish(partial, blob, repository: repository, progress: progress, counted: offset)
      return
    }
    var headers = HTTPHeaders()
    if offset > 0 { headers.add(name: "Range", value: "bytes=\(offset)-") }
    let response = try await send(
      .GET, url(repository, "blobs/\(blob.digest)"), repository: repository, headers: headers, what: what)
    let code = response.status.code
    if code == 206, offset > 0,
      response.headers.first(name: "Content-Range")?.hasPrefix("bytes \(offset)-") == true
    {
      counters.resumed()
    } else if code == 200 || code == 206 || code == 416 {
      // Sent from the start (no Range support), or a range we cannot use: start again.
      if offset > 0 {
        progress?.advance(by: -offset, item: item)
        try partial.restart()
      }
      if code != 200 {
        await discard(response)
        throw TransferError(description: "the registry answered the range request with \(code)")
      }
    } else if code == 404 {
      throw RegistryError.blobUnknown(registry: registry, repository: repository, blob.digest)
    } else {
      let error = await failure(response, repository: repository, what: what)
      if code == 429 || code == 503 {
        throw TransferError(
          description: error.description, retryAfter: response.headers.first(name: "Retry-After"))
      }
      throw error
    }
    do {
      for try await buffer in response.body {
        try buffer.withUnsafeReadableBytes { try partial.append($0) }
        counters.add(Int64(buffer.readableBytes))
        progress?.advance(by: Int64(buffer.readableBytes), item: item)
        if partial.size > blob.size { break }
      }
    } catch let error as StoreError {
      throw error
    } catch {
      throw TransferError(
        description: "the transfer broke off after \(partial.size) bytes: \(RegistryError.describe(error))")
    }
    guard partial.size >= blob.size else {
      throw TransferError(description: "the body ended after \(partial.size) of \(blob.size) bytes")
    }
    try finish(partial, blob, repository: repository, progress: progress, counted: partial.size)
  }

  /// Publishes a complete download; one that does not verify is dropped and tried again.
  private func finish(
    _ partial: PartialBlob, _ blob: Descriptor, repository: String, progress: ProgressReporter?,
    counted: Int64
  ) throws {
    do {
      try partial.finish(expectedSize: blob.size, source: "\(registry)/\(repository)")
    } catch let error as StoreError {
      progress?.advance(by: -counted, item: blob.digest.short)
      throw TransferError(description: error.description, cause: error)
    }
  }

  // MARK: - Push

  /// `HEAD /v2/<repo>/blobs/<digest>`: whether the repository already has the blob.
  func hasBlob(_ digest: Digest, repository: String) async throws -> Bool {
    let what = "blob \(digest) of \(repository)"
    return try await retrying(what) {
      let response = try await send(
        .HEAD, url(repository, "blobs/\(digest)"), repository: repository, actions: "pull,push", what: what)
      switch response.status.code {
      case 200: return true
      case 404: return false
      default: throw await failure(response, repository: repository, what: what)
      }
    }
  }

  /// Starts an upload, or mounts the blob from `from` (another repository of the registry):
  /// nil when the mount worked, else the upload URL.
  func startUpload(_ digest: Digest, repository: String, mountFrom from: String?) async throws -> String? {
    var path = "blobs/uploads/"
    if let from {
      path +=
        "?mount=\(digest)&from=\(from.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? from)"
    }
    let what = "upload of blob \(digest) to \(repository)"
    return try await retrying(what) {
      let response = try await send(
        .POST, url(repository, path), repository: repository, actions: "pull,push", alsoPulling: from,
        headers: ["Content-Length": "0"], what: what)
      let code = response.status.code
      guard code == 202 || (code == 201 && from != nil) else {
        throw await failure(response, repository: repository, what: what)
      }
      await discard(response)
      switch code {
      case 201: return nil
      default:
        guard let location = response.headers.first(name: "Location") else {
          throw RegistryError.badResponse(
            registry: registry, what: what, reason: "no Location for the upload")
        }
        return resolve(location)
      }
    }
  }

  /// Uploads a blob of the store in one `PUT` to the upload URL.
  func upload(
    _ blob: Descriptor, to location: String, repository: String, from store: Store,
    progress: ProgressReporter?
  ) async throws {
    progress?.startItem(blob.digest.short, total: blob.size)
    defer { progress?.finishItem(blob.digest.short) }
    let body = HTTPClientRequest.Body.stream(
      VerifiedChunks(base: BlobChunks(store: store, digest: blob.digest), blob: blob, progress: progress),
      length: .known(blob.size))
    try await upload(blob, to: location, repository: repository, body: body)
  }

  /// Uploads a blob in one `PUT` to the upload URL, its bytes taken from `body`, which can be
  /// read only `once` when it streams from another registry.
  func upload(
    _ blob: Descriptor, to location: String, repository: String, body: HTTPClientRequest.Body,
    once: Bool = false
  ) async throws {
    let what = "upload of blob \(blob.digest) to \(repository)"
    let separator = location.contains("?") ? "&" : "?"
    let target =
      "\(location)\(separator)digest=\(blob.digest.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/octet-stream")
    let response = try await send(
      .PUT, target, repository: repository, actions: "pull,push", headers: headers, body: body, once: once,
      what: what)
    guard response.status.code == 201 else {
      throw await failure(response, repository: repository, what: what)
    }
    await discard(response)
  }

  /// `GET /v2/<repo>/blobs/<digest>` from the start, for `body` to read as it arrives: how a
  /// blob goes from one registry to another without being stored on the way.
  func withBlobBody<T: Sendable>(
    _ blob: Descriptor, repository: String, _ body: (HTTPClientResponse.Body) async throws -> T
  ) async throws -> T {
    let what = "blob \(blob.digest) of \(repository)"
    let response = try await send(
      .GET, url(repository, "blobs/\(blob.digest)"), repository: repository, what: what)
    switch response.status.code {
    case 200: return try await body(response.body)
    case 404: throw RegistryError.blobUnknown(registry: registry, repository: repository, blob.digest)
    default: throw await failure(response, repository: repository, what: what)
    }
  }

  /// `PUT /v2/<repo>/manifests/<tag>` with the manifest's own media type.
  func putManifest(_ data: Data, mediaType: String, reference: String, repository: String) async throws {
    let what = "manifest \(reference) of \(repository)"
    try await retrying(what) {
      var headers = HTTPHeaders()
      headers.add(name: "Content-Type", value: mediaType)
      let response = try await send(
        .PUT, url(repository, "manifests/\(reference)"), repository: repository, actions: "pull,push",
        headers: headers, body: .bytes(ByteBuffer(data: data)), what: what)
      guard response.status.code == 201 else {
        throw await failure(response, repository: repository, what: what)
      }
      await discard(response)
    }
  }

  /// `GET /v2/`: whether the credentials (if any) are accepted; used by `login`.
  func checkLogin() async throws {
    let what = "login"
    let response = try await send(.GET, apiRoot, repository: nil, what: what)
    guard response.status.code == 200 else { throw await failure(response, repository: nil, what: what) }
    await discard(response)
  }
}

/// The tallies of one blob's transfer, shared with its retry callback.
private final class TransferCounters: @unchecked Sendable {
  private let lock = NSLock()
  private var _bytes: Int64 = 0
  private var _retries = 0
  private var _resumed = false
  var bytes: Int64 { lock.withLock { _bytes } }
  var retries: Int { lock.withLock { _retries } }
  var didResume: Bool { lock.withLock { _resumed } }
  func add(_ n: Int64) { lock.withLock { _bytes += n } }
  func retry() { lock.withLock { _retries += 1 } }
  func resumed() { lock.withLock { _resumed = true } }
}

/// A blob of the store as an upload body: 1 MiB buffers read as the connection takes them.
/// The iterator opens the blob through the store and owns the descriptor, which closes when
/// the iterator goes away, however the upload ended.
struct BlobChunks: AsyncSequence, Sendable {
  typealias Element = ByteBuffer
  let store: Store
  let digest: Digest

  struct AsyncIterator: AsyncIteratorProtocol {
    let store: Store
    let digest: Digest
    var file: BlobFile?
    var done = false

    mutating func next() async throws -> ByteBuffer? {
      if done { return nil }
      if file == nil { file = try store.openBlob(digest) }
      let reader = file!
      var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
      let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 20) {
        try reader.read(into: $0)
      }
      if n == 0 {
        done = true
        file = nil
        return nil
      }
      return buffer
    }
  }

  func makeAsyncIterator() -> AsyncIterator { AsyncIterator(store: store, digest: digest) }
}

/// A blob's bytes on their way to a registry (from the store, or from another registry),
/// hashed as they pass: the sequence fails, and with it the upload before it completes, when
/// they are not the blob's size and digest.
struct VerifiedChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == ByteBuffer {
  typealias Element = ByteBuffer
  let base: Base
  let blob: Descriptor
  let progress: ProgressReporter?

  struct AsyncIterator: AsyncIteratorProtocol {
    var base: Base.AsyncIterator
    let blob: Descriptor
    let progress: ProgressReporter?
    var hasher = DigestHasher()

    mutating func next() async throws -> ByteBuffer? {
      let chunk: ByteBuffer?
      do { chunk = try await base.next() } catch let error as StoreError {
        throw error
      } catch {
        throw TransferError(
          description: "the source broke off after \(hasher.count) bytes: \(RegistryError.describe(error))")
      }
      guard let chunk else {
        let actual = hasher.finalize()
        guard hasher.count == blob.size, actual == blob.digest else {
          throw TransferError(
            description: "the source sent \(hasher.count) bytes hashing to \(actual), not blob \(blob.digest)"
          )
        }
        return nil
      }
      chunk.withUnsafeReadableBytes { hasher.update($0) }
      guard hasher.count <= blob.size else {
        throw TransferError(description: "the source sent more than the blob's \(blob.size) bytes")
      }
      progress?.advance(by: Int64(chunk.readableBytes), item: blob.digest.short)
      return chunk
    }
  }

  func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: base.makeAsyncIterator(), blob: blob, progress: progress)
  }
}
