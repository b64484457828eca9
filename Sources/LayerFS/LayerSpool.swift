internal import CLinux
import Foundation
import SystemPackage
import TarStream

#if canImport(Glibc)
  import Glibc
#endif

/// The tar of one compressed layer, kept as it was inflated and verified while its index was
/// built, so that a squash that had to build the index reads the layer's files from memory
/// instead of inflating and hashing the layer a second time.
///
/// The tar lives in an anonymous file in memory (`memfd_create`), which nothing else can see
/// or change and which a crash frees: on this machine writing a gigabyte there costs a
/// quarter of what the same write to a file of the store's ext4 costs, the file system's
/// block allocation, which is more than inflating it again saves. Spooling is an
/// optimisation only: when a write fails or the ``SpoolBudget`` runs out, the spool is
/// dropped and the layer is read from its blob again.
public final class LayerSpool: @unchecked Sendable {
  // One thread writes a spool (the one that builds the layer's index), and one reads it
  // after; the hand-over goes through the indexer's join, which orders the two.
  private var fd: FileDescriptor?
  private let budget: SpoolBudget
  /// The tar's size, once the spool is complete.
  public private(set) var size: Int64 = 0

  /// A new, empty spool, or nil when the kernel gives no memory file.
  init?(budget: SpoolBudget) {
    let raw = csystem_memfd("imggit-layer-spool")
    guard raw >= 0 else { return nil }
    fd = FileDescriptor(rawValue: raw)
    self.budget = budget
  }

  deinit { drop() }

  /// Whether the spool still holds every byte appended.
  var isUsable: Bool { fd != nil }

  /// Appends the next bytes of the tar; a failure drops the spool instead of failing the
  /// read it rides on.
  func append(_ bytes: UnsafeRawBufferPointer) {
    guard let fd, !bytes.isEmpty else { return }
    guard budget.reserve(Int64(bytes.count)) else { return drop() }
    size += Int64(bytes.count)
    do {
      _ = try fd.writeAll(bytes)
    } catch {
      drop()
    }
  }

  /// Closes and forgets the file (the kernel frees it) and gives its bytes back to the budget.
  func drop() {
    guard let fd else { return }
    try? fd.close()
    self.fd = nil
    budget.release(size)
    size = 0
  }

  /// The tar from its first byte, as a source; `observer` sees every block read.
  func source(context: String, observer: @escaping (UnsafeRawBufferPointer) -> Void) throws -> FileSource {
    guard let fd else { throw TarError(function: "spool", message: "dropped", context: context) }
    do {
      try fd.seek(offset: 0, from: .start)
    } catch let e as Errno {
      throw TarError(function: "lseek", message: String(cString: strerror(e.rawValue)), context: context)
    }
    return FileSource(fileDescriptor: fd.rawValue, context: context, observer: observer)
  }
}

/// How many bytes the spools of one command may hold together: by default a quarter of the
/// memory the kernel says is available. A memory file cannot be written back to disk, so the
/// share is kept well short of what would push the machine into reclaim; past it, layers
/// are read twice, as without spools.
public final class SpoolBudget: @unchecked Sendable {
  private let lock = NSLock()
  private var left: Int64

  public init(bytes: Int64) { left = max(0, bytes) }

  /// A quarter of `MemAvailable` now; nothing when it cannot be read.
  public static func available() -> SpoolBudget {
    guard let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
      let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
      let kib = Int64(line.split(separator: " ").dropFirst().first ?? "")
    else { return SpoolBudget(bytes: 0) }
    return SpoolBudget(bytes: kib * 1024 / 4)
  }

  func reserve(_ n: Int64) -> Bool {
    lock.withLock {
      guard left >= n else { return false }
      left -= n
      return true
    }
  }

  func release(_ n: Int64) { lock.withLock { left += n } }
}
