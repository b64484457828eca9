import Foundation
import Synchronization

/// The store-wide use lock, `.imggit/in-use`: every open ``Store`` holds it shared, and
/// `gc` takes it exclusively for its sweep.
///
/// An operation that finds a blob "already in the store" and builds on it (an import that
/// skips a blob it has, `tag NEW old@{1}`, a commit onto an old image) must not see gc delete
/// that blob before its tag is set, whatever the blob's age. Holding a shared lock from the
/// moment the store is opened until the command ends makes that impossible: gc's sweep
/// waits for every such command, and a command that starts while gc sweeps waits for gc.
///
/// `flock` locks belong to an open file description, so two stores of one process opening
/// the lock file separately would block each other; one process therefore shares one
/// descriptor per store folder.
final class StoreUse: @unchecked Sendable {
  private let lock: FileLock
  /// Conversions of the one descriptor are made one at a time.
  private let converting = NSLock()

  private init(lock: FileLock) { self.lock = lock }

  private static let open = Mutex<[String: Weak]>([:])
  private struct Weak: @unchecked Sendable { weak var use: StoreUse? }

  /// This process's share of the lock of the store whose imggit folder is `imggitDirectory`.
  static func acquire(imggitDirectory: String) throws -> StoreUse {
    let key = URL(fileURLWithPath: imggitDirectory).resolvingSymlinksInPath().path
    return try open.withLock { table in
      if let use = table[key]?.use { return use }
      let use = StoreUse(lock: try FileLock(path: "\(imggitDirectory)/in-use", shared: true))
      table[key] = Weak(use: use)
      return use
    }
  }

  /// Runs `body` with the lock held exclusively, then shares it again. `whileWaiting` is
  /// called once if other commands hold the store open, before waiting for them.
  func exclusively<R>(whileWaiting: () -> Void, _ body: () throws -> R) throws -> R {
    converting.lock()
    defer { converting.unlock() }
    try lock.convert(shared: false, wouldWait: whileWaiting)
    defer { try? lock.convert(shared: true) }
    return try body()
  }
}

extension Store {
  /// Runs `body` while no other imggit command has this store open (see ``StoreUse``);
  /// `whileWaiting` is told once if that means waiting. Only `gc` needs this.
  public func exclusively<R>(whileWaiting: () -> Void = {}, _ body: () throws -> R) throws -> R {
    try ensureImggitDirectories()
    let use = try StoreUse.acquire(imggitDirectory: imggitDirectory)
    return try use.exclusively(whileWaiting: whileWaiting) {
      try withExtendedLifetime(use) { try body() }
    }
  }
}
