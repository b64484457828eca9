import Foundation
import ImageModel

#if canImport(Glibc)
  import Glibc
#endif

/// A blob being downloaded, kept across runs: `.imggit/tmp/partial-HEX`, named by the digest
/// it must end up with, so an interrupted pull (Ctrl-C, kill -9, a lost network) continues
/// from the bytes it already has the next time it runs. Like every temporary file it stays
/// invisible to readers until ``finish(expectedSize:source:)`` verifies it and renames it into
/// `blobs/`, and gc removes it once it is older than the grace period.
///
/// A lock file beside it is held while a value owns it: two pulls of one blob take turns, and
/// the second finds the blob already published (check ``Store/hasBlob(_:)`` after opening).
/// The lock file is never removed while imggit runs — a process waiting on a removed one
/// would lock a file no one else sees — only gc sweeps it, under the store's exclusive lock.
///
/// Sendable because one transfer owns it and its tries run one after another; a try cut off
/// by a deadline has ended before the next one starts.
public final class PartialBlob: @unchecked Sendable {
  public let digest: Digest
  private let store: Store
  private let file: FileHandleFD
  private let lock: FileLock
  private var hasher = DigestHasher()
  private let path: String

  /// Bytes already on disk, hashed: where a resumed transfer starts.
  public var size: Int64 { hasher.count }

  /// Opens (or creates) the partial file of `digest`, waiting for any other process that
  /// holds it, and reads back the bytes it already holds.
  public init(store: Store, digest: Digest) throws {
    try store.ensureImggitDirectories()
    self.store = store
    self.digest = digest
    path = "\(store.tempDirectory)/partial-\(digest.hex)"
    lock = try FileLock(path: path + ".lock")
    file = try FileHandleFD(path: path, flags: O_RDWR | O_CREAT)
    try file.forEachChunk { hasher.update($0) }
  }

  /// Appends bytes that continue the blob.
  public func append(_ bytes: UnsafeRawBufferPointer) throws {
    try file.writeAll(bytes)
    hasher.update(bytes)
  }

  /// Drops what is there, for a source that sends the blob from its start again.
  public func restart() throws {
    try file.truncate(to: 0)
    guard lseek(file.fd, 0, SEEK_SET) == 0 else {
      throw StoreError.io(operation: "seek", path: path, errno: errno)
    }
    hasher = DigestHasher()
  }

  /// Verifies the blob (size and digest), fsyncs it and publishes it into the store. A blob
  /// that does not verify is removed, so the next attempt starts clean.
  ///
  /// - Throws: ``StoreError/blobCorrupt(_:actual:path:)`` or
  ///   ``StoreError/sizeMismatch(_:expected:actual:path:)``; nothing is stored then.
  public func finish(expectedSize: Int64, source: String) throws {
    let actual = hasher.finalize()
    guard hasher.count == expectedSize else {
      try restart()
      throw StoreError.sizeMismatch(digest, expected: expectedSize, actual: hasher.count, path: source)
    }
    guard actual == digest else {
      try restart()
      throw StoreError.blobCorrupt(digest, actual: actual, path: source)
    }
    try file.sync()
    if !store.hasBlob(digest) {
      // What is renamed into blobs/ must be the file just verified, not one swapped in.
      guard file.isStill(at: path) else { throw StoreError.notRegularFile(path: path) }
      guard rename(path, store.blobPath(digest)) == 0 else {
        throw StoreError.io(operation: "rename", path: store.blobPath(digest), errno: errno)
      }
      try FS.syncDirectory(of: store.blobPath(digest))
    } else {
      try FS.remove(path)
    }
    // The blob is here: a promise of it (a partial image's layer) has been kept.
    try? store.removePromise(digest)
  }
}
