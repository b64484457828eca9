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
  /// A read, not a pull the user asked for: the tag moves only if it is new, or still where
  /// an earlier pull of the same reference put it. A tag with local history (a commit, a
  /// reset, a rebase onto it) never moves from under the user because they read a reference.
  public var keepLocalHistory = false

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
  /// Whether the tag now names the image. A read (``PullRequest/keepLocalHistory``) leaves a
  /// tag with local history where it was, and the image is stored untagged.
  public let tagged: Bool
}

/// The outcome of `push`.
public struct PushResult: Sendable {
  public let reference: ImageReference
  public let digest: Digest
  public let summary: TransferSummary
}

/// imggit's registry client: pulls images into the store and pushes them out, every blob
/// verified, moved in parallel, retried on its own and resumed where it broke off. Only the
/// network I/O runs in the async bridge; layer checks, blob writes and tag moves run on the
/// caller's thread.
public struct Registry: Sendable {
  public let store: Store
  /// The command's registry clients (shared with its lazy fetches).
  public let session: RegistrySession
  public let progress: ProgressReporter?
  /// Reads a pull's layers before its tag moves (see ``IncomingLayerCheck``).
  public let check: (any IncomingLayerCheck)?

  public init(
    store: Store, session: RegistrySession, progress: ProgressReporter? = nil,
    check: (any IncomingLayerCheck)? = nil
  ) {
    self.store = store
    self.session = session
    self.progress = progress
    self.check = check
  }

  var options: RegistryOptions { session.options }

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
      for _ in 0..<min(max(1, jobs), RegistryOptions.jobRange.upperBound) { add() }
      while let (i, r) = try await group.next() {
        results[i] = r
        add()
      }
      return results.map { $0! }
    }
  }

  // MARK: - Login

  /// Checks `credentials` against `registry` (the `/v2/` endpoint, through its auth
  /// challenge), then stores them in the auth file Docker, podman and skopeo read.
  public static func login(
    registry: String, credentials: Credentials, options: RegistryOptions, file: AuthFile
  ) throws {
    let client = try RegistryClient(
      registry: registry, plainHTTP: options.usesPlainHTTP(registry), credentials: credentials,
      options: options)
    defer { client.shutdown() }
    try blocking { try await client.checkLogin() }
    try file.store(credentials, for: registry)
  }
}
