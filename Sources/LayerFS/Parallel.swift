import Foundation

/// Runs `body` on every item, on up to `threads` threads at once, items handed out in order
/// as threads free up, and returns the results in the items' order. After a failure no
/// further item is started; the error thrown is that of the first failed item in `items`'
/// order, once every running item has stopped.
///
/// `body` runs on several threads at once: it must touch only what is safe to share (the
/// callers read immutable values and write what each item owns). The one pool of the
/// library's parallel reads: layer indexes, extraction, image parsing.
package func parallelMap<T, R>(
  _ items: [T], threads: Int = ProcessInfo.processInfo.activeProcessorCount, _ body: (T) throws -> R
) throws -> [R] {
  guard items.count > 1, threads > 1 else { return try items.map(body) }
  return try withoutActuallyEscaping(body) { body in
    let work = Work(items: items, body: body, slots: ResultSlots<R>(items.count))
    DispatchQueue.concurrentPerform(iterations: min(threads, items.count)) { _ in
      while let i = work.slots.next() { work.slots.set(i, Result { try work.body(work.items[i]) }) }
    }
    return try work.slots.values()
  }
}

/// What the threads of one ``parallelMap(_:threads:_:)`` share (see its contract).
private struct Work<T, R>: @unchecked Sendable {
  let items: [T]
  let body: (T) throws -> R
  let slots: ResultSlots<R>
}

/// The results of a ``parallelMap(_:threads:_:)``, and which item is next, behind one lock.
private final class ResultSlots<R>: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<R, any Error>?]
  private var handedOut = 0
  private var failed = false

  init(_ count: Int) { results = Array(repeating: nil, count: count) }

  func next() -> Int? {
    lock.withLock {
      guard !failed, handedOut < results.count else { return nil }
      defer { handedOut += 1 }
      return handedOut
    }
  }

  func set(_ i: Int, _ result: Result<R, any Error>) {
    lock.withLock {
      results[i] = result
      if case .failure = result { failed = true }
    }
  }

  func values() throws -> [R] {
    try lock.withLock {
      for case .failure(let error)? in results { throw error }
      return try results.map { try $0!.get() }
    }
  }
}
