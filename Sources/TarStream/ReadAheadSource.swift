import Foundation

/// Runs another source on a thread of its own, a few blocks ahead of the reader: reading,
/// hashing and inflating a layer then overlap with what the reader does with its entries
/// (a squash hashes and compresses them), instead of taking turns on one core.
///
/// The blocks go through a ``ByteChannel`` of `depth` buffers of 1 MiB; two are enough to
/// keep both threads busy: one is read into while the reader works through the other. The
/// inner source and its observers are used only by that thread until it has handed over
/// the end (or failed): only then may the owner touch them again (to drain or check them).
/// ``stop()`` (or `deinit`) ends the thread and waits for it, so nothing the source reads
/// from is freed under it.
public final class ReadAheadSource: ByteSource {
  private let channel: ByteChannel
  private let exited = NSCondition()
  private let state: State

  public init(_ inner: ByteSource, depth: Int = 2) {
    let channel = ByteChannel(depth: depth)
    self.channel = channel
    let state = State()
    self.state = state
    // The source moves to the new thread: nothing else uses it until that thread is done.
    let handed = Handed(source: inner)
    let exited = exited
    let thread = Thread {
      do {
        while !channel.isClosed {
          let block = try handed.source.nextBlock()
          if block.isEmpty {
            channel.finish()
            break
          }
          try channel.write(block)
        }
      } catch {
        channel.finish(throwing: error)
      }
      exited.withLock {
        state.exited = true
        exited.broadcast()
      }
    }
    thread.name = "imggit-read"
    thread.start()
  }

  deinit { stop() }

  public func nextBlock() throws -> UnsafeRawBufferPointer { try channel.nextBlock() }

  /// Ends the reading thread without waiting for the rest of the source, and waits for it.
  public func stop() {
    channel.close()
    exited.lock()
    while !state.exited { exited.wait() }
    exited.unlock()
  }

  private struct Handed: @unchecked Sendable { let source: ByteSource }
  /// Whether the thread has exited; read and written under `exited`.
  private final class State: @unchecked Sendable { var exited = false }
}
