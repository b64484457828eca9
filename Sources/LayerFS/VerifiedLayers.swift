import Foundation
import ImageModel

#if canImport(Glibc)
  import Glibc
#endif

/// The layer blobs one command has already read whole and verified (blob digest, size and
/// DiffID), each with the identity its file had then.
///
/// A cold `merge --squash` or `extract` first indexes every layer, then reads the layers that
/// hold the result's files again. The second read of a blob verified moments before, whose
/// file is still the same file (device, inode, size, modification and change times: no
/// write or rename has touched it since), skips the two SHA-256 passes, a third of what the
/// read costs. Blobs are never rewritten in place, so an unchanged identity is the same
/// bytes; a changed one, or a layer claimed with another DiffID, is verified again.
public final class VerifiedLayers: @unchecked Sendable {
  private let lock = NSLock()
  private var files: [Key: FileIdentity] = [:]

  private struct Key: Hashable {
    let digest: Digest
    let diffID: Digest
  }

  public init() {}

  /// True when `layer`'s blob, open as `fd`, was verified by this command and is unchanged.
  func contains(_ layer: Layer, fd: Int32) -> Bool {
    guard let now = FileIdentity(fd: fd) else { return false }
    return lock.withLock { files[Key(digest: layer.digest, diffID: layer.diffID)] == now }
  }

  /// Records that `layer`'s blob, open as `fd`, has just been read whole and verified.
  func insert(_ layer: Layer, fd: Int32) {
    guard let identity = FileIdentity(fd: fd) else { return }
    lock.withLock { files[Key(digest: layer.digest, diffID: layer.diffID)] = identity }
  }
}

/// What tells one state of a file from another without reading it.
struct FileIdentity: Equatable {
  let device: UInt64
  let inode: UInt64
  let size: Int64
  let modified: timespec
  let changed: timespec

  init?(fd: Int32) {
    var s = stat()
    guard fstat(fd, &s) == 0 else { return nil }
    device = UInt64(s.st_dev)
    inode = UInt64(s.st_ino)
    size = Int64(s.st_size)
    modified = s.st_mtim
    changed = s.st_ctim
  }

  static func == (a: FileIdentity, b: FileIdentity) -> Bool {
    a.device == b.device && a.inode == b.inode && a.size == b.size
      && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
      && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
  }
}
