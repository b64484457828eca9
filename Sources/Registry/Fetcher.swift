import ImageModel
import ImageStore

/// Fetches promised layers from the registry that promised them, for any reader of the
/// store (show, diff, extract, squash, the rebase conflict check, export). The promise says
/// how the registry was reached, so no flags are needed; the blob is verified by digest. The
/// session's client of that registry serves every fetch of the command, with that registry's
/// own credentials.
public struct RegistryFetcher: BlobFetcher {
  public let session: RegistrySession
  public let progress: ProgressReporter?

  public init(session: RegistrySession, progress: ProgressReporter? = nil) {
    self.session = session
    self.progress = progress
  }

  public func fetch(_ promise: BlobPromise, into store: Store) throws {
    let client = try session.client(for: promise.registry, plainHTTP: promise.plainHTTP)
    let progress = self.progress
    let blob = Descriptor(mediaType: promise.mediaType, digest: promise.digest, size: promise.size)
    progress?.start("Fetching \(promise.digest.short) from \(promise.repository)", total: promise.size)
    defer { progress?.finish() }
    _ = try blocking {
      try await client.fetchBlob(blob, repository: promise.repository, into: store, progress: progress)
    }
  }
}
