import Foundation

/// Hands bytes to `body` on a thread of its own, so that compressing a layer (one core)
/// runs beside reading, decompressing and hashing its sources (the other core).
///
/// Writes are gathered into chunks of `chunkSize` and queued, at most `capacity` at a time:
/// memory stays bounded, and a slow consumer slows the producer down. The first error the
/// consumer throws is rethrown by the next ``write(_:)`` or by ``finish()``. All state is
/// guarded by `condition`, which is why the class can be `@unchecked Sendable`.
public final class BackgroundSink: ByteSink, @unchecked Sendable {
  private let condition = NSCondition()
  private var queue: [Data] = []
  private var ended = false
  private var done = false
  private var error: (any Error)?
  private var pending = Data()
  private let capacity: Int
  private let chunkSize: Int
  private let body: (UnsafeRawBufferPointer) throws -> Void

  public init(
    capacity: Int = 4, chunkSize: Int = 1 << 20, _ body: @escaping (UnsafeRawBufferPointer) throws -> Void
  ) {
    self.capacity = capacity
    self.chunkSize = chunkSize
    self.body = body
    pending.reserveCapacity(chunkSize)
    let thread = Thread { [self] in consume() }
    thread.name = "imggit-compress"
    thread.start()
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    pending.append(contentsOf: bytes)
    if pending.count >= chunkSize { try enqueue() }
  }

  /// Sends what is left, waits for the consumer to finish, rethrows its error.
  public func finish() throws {
    if !pending.isEmpty { try enqueue() }
    condition.lock()
    ended = true
    condition.broadcast()
    while !done { condition.wait() }
    let failure = error
    condition.unlock()
    if let failure { throw failure }
  }

  /// Stops the consumer without waiting for queued bytes (the writer was abandoned after an
  /// error). The thread holds the sink until it exits, so this is what ends it.
  public func cancel() {
    condition.lock()
    queue.removeAll()
    ended = true
    condition.broadcast()
    condition.unlock()
  }

  private func enqueue() throws {
    let chunk = pending
    pending = Data()
    pending.reserveCapacity(chunkSize)
    condition.lock()
    defer { condition.unlock() }
    while queue.count >= capacity && error == nil { condition.wait() }
    if let error { throw error }
    queue.append(chunk)
    condition.broadcast()
  }

  private func consume() {
    while true {
      condition.lock()
      while queue.isEmpty && !ended { condition.wait() }
      if queue.isEmpty {
        done = true
        condition.broadcast()
        condition.unlock()
        return
      }
      let chunk = queue.removeFirst()
      let failed = error != nil
      condition.broadcast()
      condition.unlock()
      if failed { continue }
      do {
        try chunk.withUnsafeBytes { try body($0) }
      } catch {
        condition.lock()
        self.error = error
        condition.broadcast()
        condition.unlock()
      }
    }
  }
}
