import Foundation

/// How far a long operation has got, told to whoever draws it (imggit's progress bar).
///
/// An operation names each phase with ``start(_:total:unit:)``, counts work with
/// ``advance(by:)`` — from any thread: layers are read on one and compressed on another —
/// and closes the phase with ``finish()``. The reporter only keeps the numbers; the observer
/// decides what to draw and how often, so a reporter nobody watches costs a lock per block.
public final class ProgressReporter: @unchecked Sendable {
  /// What a phase counts.
  public enum Unit: Sendable, Equatable {
    case bytes
    /// Things with a name, such as "commits".
    case items(String)
  }

  /// One phase as it stands.
  public struct State: Sendable, Equatable {
    /// Counts the phases of the operation (two phases may have the same name).
    public var serial: Int
    public var phase: String
    public var unit: Unit
    public var completed: Int64
    /// Nil when the size of the work is not known ahead (an archive read from a pipe).
    public var total: Int64?
    public var finished: Bool
    /// The parts under way inside the phase (the blobs of a pull, each with its own bar),
    /// oldest first; their counts are part of the phase's.
    public var items: [Item] = []
  }

  /// One part of a phase that is counted on its own as well (one blob of several moving at once).
  public struct Item: Sendable, Equatable {
    public var name: String
    public var completed: Int64
    public var total: Int64?
  }

  private let lock = NSLock()
  private var state: State?
  private var phases = 0
  private let observer: @Sendable (State) -> Void

  /// `observer` sees every change, on the thread that made it.
  public init(observer: @escaping @Sendable (State) -> Void) {
    self.observer = observer
  }

  /// Begins a phase, finishing the one before if it was left open.
  public func start(_ phase: String, total: Int64?, unit: Unit = .bytes) {
    finish()
    let s: State = lock.withLock {
      phases += 1
      state = State(serial: phases, phase: phase, unit: unit, completed: 0, total: total, finished: false)
      return state!
    }
    observer(s)
  }

  /// Counts `n` more units of the current phase.
  public func advance(by n: Int64) {
    change { $0.completed += n }
  }

  /// Begins a part of the current phase that is also counted on its own.
  public func startItem(_ name: String, total: Int64?) {
    change { $0.items.append(Item(name: name, completed: 0, total: total)) }
  }

  /// Counts `n` more units of the current phase, done by the part `item`.
  public func advance(by n: Int64, item: String) {
    change { s in
      s.completed += n
      if let i = s.items.firstIndex(where: { $0.name == item }) { s.items[i].completed += n }
    }
  }

  /// Ends a part of the current phase; the phase goes on.
  public func finishItem(_ name: String) {
    change { $0.items.removeAll { $0.name == name } }
  }

  private func change(_ body: (inout State) -> Void) {
    let s: State? = lock.withLock {
      guard var s = state, !s.finished else { return nil }
      body(&s)
      state = s
      return s
    }
    if let s { observer(s) }
  }

  /// Sets how much of the current phase is done, when the work counts itself (the bytes a
  /// reader has consumed).
  public func update(completed: Int64) {
    let s: State? = lock.withLock {
      guard var s = state, !s.finished, s.completed != completed else { return nil }
      s.completed = completed
      state = s
      return s
    }
    if let s { observer(s) }
  }

  /// Ends the current phase; nothing happens when none is open.
  public func finish() {
    change {
      $0.finished = true
      $0.items = []
    }
  }
}

extension Optional where Wrapped == ProgressReporter {
  /// Runs `body` as one phase of an optional reporter, finished when `body` returns. A
  /// phase that throws is left open, so it is never shown as done; the error follows it.
  public func phase<T>(
    _ name: String, total: Int64?, unit: ProgressReporter.Unit = .bytes, _ body: () throws -> T
  )
    rethrows -> T
  {
    self?.start(name, total: total, unit: unit)
    let result = try body()
    self?.finish()
    return result
  }
}
