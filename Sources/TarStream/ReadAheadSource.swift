import Foundation

/// Runs another source on a thread of its own, a few blocks ahead of the reader: reading,
/// hashing and inflating a layer then overlap with what the reader does with its entries
/// (a squash hashes and compresses them), instead of taking turns on one core.
///
/// The blocks go through `depth` buffers of 1 MiB, allocated once and reused; a block is
/// the reader's until its next ``nextBlock()``. Two are enough to keep both threads busy:
/// one is read into while the reader works through the other. The inner source and its
/// observers are used only by that thread until it has handed over the end (or failed):
/// only then may the owner touch them again (to drain or check them). ``stop()`` (or `deinit`) ends the
/// thread and waits for it, so nothing the source reads from is freed under it.
public final class ReadAheadSource: ByteSource {
  private let shared: Shared

  public init(_ inner: ByteSource, depth: Int = 2) {
    shared = Shared(depth: max(2, depth))
    let shared = self.shared
    // The source moves to the new thread: nothing else uses it until that thread is done.
    let handed = Handed(source: inner)
    let thread = Thread { shared.produce(from: handed.source) }
    thread.name = "imggit-read"
    thread.start()
  }

  deinit { stop() }

  public func nextBlock() throws -> UnsafeRawBufferPointer {
    try shared.next()
  }

  /// Ends the reading thread without waiting for the rest of the source, and waits for it.
  public func stop() { shared.stop() }

  private struct Handed: @unchecked Sendable { let source: ByteSource }

  /// The buffers and the handover between the two threads, all behind `condition`.
  private final class Shared: @unchecked Sendable {
    private let condition = NSCondition()
    private let buffers: [UnsafeMutableRawBufferPointer]
    /// Filled buffers in order, with their lengths; a length of 0 is the end.
    private var filled: [(index: Int, count: Int)] = []
    private var free: [Int]
    /// The buffer the reader holds, given back at its next call.
    private var held: Int?
    private var failure: (any Error)?
    private var stopping = false
    private var finished = false
    private var ended = false

    init(depth: Int) {
      buffers = (0..<depth).map { _ in .allocate(byteCount: 1 << 20, alignment: 64) }
      free = Array(buffers.indices)
    }

    deinit { for b in buffers { b.deallocate() } }

    func produce(from inner: ByteSource) {
      defer {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
      }
      while true {
        let block: UnsafeRawBufferPointer
        do { block = try inner.nextBlock() } catch {
          condition.withLock {
            failure = error
            condition.broadcast()
          }
          return
        }
        if block.isEmpty {
          condition.withLock {
            filled.append((0, 0))
            condition.broadcast()
          }
          return
        }
        // A block larger than a buffer is handed over in pieces.
        var offset = 0
        while offset < block.count {
          condition.lock()
          while free.isEmpty && !stopping { condition.wait() }
          if stopping {
            condition.unlock()
            return
          }
          let i = free.removeLast()
          condition.unlock()
          let n = min(block.count - offset, buffers[i].count)
          buffers[i].copyMemory(from: UnsafeRawBufferPointer(rebasing: block[offset..<(offset + n)]))
          offset += n
          condition.withLock {
            filled.append((i, n))
            condition.broadcast()
          }
        }
      }
    }

    func next() throws -> UnsafeRawBufferPointer {
      condition.lock()
      defer { condition.unlock() }
      if let h = held {
        free.append(h)
        held = nil
        condition.broadcast()
      }
      if ended { return UnsafeRawBufferPointer(start: nil, count: 0) }
      while filled.isEmpty && failure == nil { condition.wait() }
      if filled.isEmpty, let failure { throw failure }
      let (i, n) = filled.removeFirst()
      if n == 0 {
        ended = true
        return UnsafeRawBufferPointer(start: nil, count: 0)
      }
      held = i
      return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffers[i])[0..<n])
    }

    func stop() {
      condition.lock()
      stopping = true
      condition.broadcast()
      while !finished { condition.wait() }
      condition.unlock()
    }
  }
}
