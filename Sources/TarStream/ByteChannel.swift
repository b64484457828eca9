import Foundation

/// Hands a stream written on one thread to a reader on another: a tee, so that a second
/// parser reads bytes while they are made (a new layer is indexed as it is written, not read
/// back afterwards).
///
/// The bytes go through `depth` buffers (1 MiB by default), allocated once and reused; a
/// block is the reader's until its next ``nextBlock()``. A writer that runs ahead waits for
/// a free buffer.
/// Either side may ``close()`` the channel: the writer when it gives up (the reader then gets
/// an error), the reader when it needs no more (what is written after that is dropped, so
/// a reader that stopped early never holds the writer up).
public final class ByteChannel: ByteSink, ByteSource, @unchecked Sendable {
  private let condition = NSCondition()
  private let buffers: [UnsafeMutableRawBufferPointer]
  private var free: [Int]
  /// Buffers handed over, in order, with how many of their bytes count.
  private var filled: [(index: Int, count: Int)] = []
  /// The buffer the writer is filling (the writer's alone until handed over).
  private var filling: (index: Int, count: Int)?
  /// The buffer the reader holds, given back at its next call.
  private var held: Int?
  private var ended = false
  /// What ended the stream, given to the reader after the bytes before it.
  private var failure: (any Error)?
  private var closed = false

  public init(depth: Int = 3, bufferSize: Int = 1 << 20) {
    buffers = (0..<max(2, depth)).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
    free = Array(buffers.indices)
  }

  deinit { for b in buffers { b.deallocate() } }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      if filling == nil {
        condition.lock()
        while free.isEmpty && !closed { condition.wait() }
        if closed {
          condition.unlock()
          return
        }
        filling = (free.removeLast(), 0)
        condition.unlock()
      }
      let (i, used) = filling!
      let n = min(bytes.count - offset, buffers[i].count - used)
      (buffers[i].baseAddress! + used).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
      offset += n
      filling = (i, used + n)
      if used + n == buffers[i].count { handOver() }
    }
  }

  private func handOver() {
    guard let f = filling else { return }
    filling = nil
    condition.withLock {
      filled.append(f)
      condition.broadcast()
    }
  }

  /// The writer's end: the reader gets what is left, then the end of the stream, or
  /// `failure` when there is one.
  public func finish(throwing failure: (any Error)? = nil) {
    if let f = filling, f.count > 0 { handOver() }
    condition.withLock {
      ended = true
      self.failure = failure
      condition.broadcast()
    }
  }

  /// True once either side has closed the channel: a writer then need not make more.
  public var isClosed: Bool { condition.withLock { closed } }

  /// Ends the channel from either side (see the type's documentation).
  public func close() {
    condition.withLock {
      closed = true
      condition.broadcast()
    }
  }

  public func nextBlock() throws -> UnsafeRawBufferPointer {
    condition.lock()
    defer { condition.unlock() }
    if let h = held {
      free.append(h)
      held = nil
      condition.broadcast()
    }
    while filled.isEmpty && !ended && !closed { condition.wait() }
    if closed {
      throw TarError(function: "read", message: "the writer gave up", context: "a stream being written")
    }
    guard !filled.isEmpty else {
      if let failure { throw failure }
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    let (i, n) = filled.removeFirst()
    held = i
    return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffers[i])[0..<n])
  }
}
