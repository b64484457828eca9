import Foundation
import ImageModel
import Synchronization

/// A blob the store does not hold but knows where to get: a layer of a partial image (like a
/// missing object of git's partial clone), promised by the registry and repository it came
/// from, with how that registry was reached. Kept as `.imggit/promised/HEX`, one small JSON
/// file each, written atomically.
public struct BlobPromise: Sendable, Hashable, Codable {
  public var digest: Digest
  public var size: Int64
  public var mediaType: String
  /// `host[:port]` of the registry, as references name it.
  public var registry: String
  public var repository: String
  /// Reached over plain HTTP (`--insecure`): a later fetch needs no flags.
  public var plainHTTP: Bool

  public init(
    digest: Digest, size: Int64, mediaType: String, registry: String, repository: String, plainHTTP: Bool
  ) {
    self.digest = digest
    self.size = size
    self.mediaType = mediaType
    self.registry = registry
    self.repository = repository
    self.plainHTTP = plainHTTP
  }

  /// `registry/repository`, for messages.
  public var source: String { "\(registry)/\(repository)" }
}

/// Fetches a promised blob into the store (the registry module implements it). The store asks
/// it when a reader opens a blob it lacks, so no layer above knows whether a blob was local.
public protocol BlobFetcher: Sendable {
  func fetch(_ promise: BlobPromise, into store: Store) throws
}

extension Store {
  var promiseDirectory: String { "\(imggitDirectory)/promised" }

  /// Records that `promise.digest` can be fetched from its registry.
  public func promise(_ promise: BlobPromise) throws {
    guard !hasBlob(promise.digest) else { return }
    try FS.makeDirectories(promiseDirectory)
    try ensureImggitDirectories()
    try FS.atomicWrite(
      try CanonicalJSON.encode(promise), to: "\(promiseDirectory)/\(promise.digest.hex)",
      tempDirectory: tempDirectory)
  }

  /// The promise of a blob the store lacks, if there is one.
  public func promised(_ digest: Digest) -> BlobPromise? {
    guard let data = try? FS.readFile("\(promiseDirectory)/\(digest.hex)", limit: 1 << 16) else { return nil }
    return try? CanonicalJSON.decode(BlobPromise.self, from: data, what: "promise \(digest)")
  }

  /// Every promise record (for fsck and gc).
  public func promises() throws -> [BlobPromise] {
    guard FS.exists(promiseDirectory) else { return [] }
    return try FS.listDirectory(promiseDirectory).sorted().compactMap { name in
      guard (try? Digest(hex: name)) != nil else { return nil }
      return promised(try Digest(hex: name))
    }
  }

  /// Drops a promise: its blob arrived, or gc found nothing that needs it.
  public func removePromise(_ digest: Digest) throws { try FS.remove("\(promiseDirectory)/\(digest.hex)") }

  /// Who fetches promised blobs for this store's readers; nil (the default) makes a promised
  /// blob an error that names where it could be fetched from (`--offline`).
  public var fetcher: (any BlobFetcher)? {
    get { fetcherSlot.withLock { $0 } }
    set { fetcherSlot.withLock { $0 = newValue } }
  }

  /// Makes sure a blob is on disk: fetches it when it is only promised.
  ///
  /// - Throws: ``StoreError/blobMissing(_:path:)``, or ``StoreError/blobPromised(_:source:)``
  ///   when it is promised and no fetcher is set.
  public func materialize(_ digest: Digest) throws {
    if hasBlob(digest) { return }
    guard let promise = promised(digest) else { throw StoreError.blobMissing(digest, path: blobPath(digest)) }
    guard let fetcher else { throw StoreError.blobPromised(digest, source: promise.source) }
    try fetcher.fetch(promise, into: self)
    guard hasBlob(digest) else { throw StoreError.blobMissing(digest, path: blobPath(digest)) }
  }
}

/// The slot behind ``Store/fetcher``.
final class FetcherSlot: Sendable {
  let value = Mutex<(any BlobFetcher)?>(nil)
  func withLock<R>(_ body: (inout (any BlobFetcher)?) -> R) -> R { value.withLock { body(&$0) } }
}
