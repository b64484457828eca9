import Foundation
import TarStream
import Testing

/// The tee that indexes a layer while it is written: what one thread writes, another reads
/// whole and in order; a reader that stops early never holds the writer up; a writer that
/// gives up ends the reader with an error.
@Suite struct ByteChannelTests {
  /// Writes of every size around the 1 MiB buffers: empty, small, exactly one, several.
  static func writes() -> [Data] {
    var g = SystemRandomNumberGenerator()
    return [0, 1, 511, 1 << 20, (1 << 20) - 1, 1, 3 << 20 + 7, 4096, 0, 12345].map { n in
      Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
    }
  }

  /// Reads `channel` to its end on a thread of its own; the result once `done` is signalled.
  final class Reader: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var bytes = Data()
    var failure: (any Error)?

    init(_ channel: ByteChannel, stopAfter limit: Int = .max) {
      Thread { [self] in
        do {
          while bytes.count < limit {
            let block = try channel.nextBlock()
            if block.isEmpty { break }
            bytes.append(contentsOf: block)
          }
        } catch {
          failure = error
        }
        if bytes.count >= limit { channel.close() }
        done.signal()
      }.start()
    }
  }

  @Test func whatIsWrittenIsReadWholeAndInOrder() throws {
    let channel = ByteChannel()
    let reader = Reader(channel)
    let writes = Self.writes()
    for w in writes { try w.withUnsafeBytes { try channel.write($0) } }
    channel.finish()
    reader.done.wait()
    #expect(reader.failure == nil)
    #expect(reader.bytes == writes.reduce(Data(), +))
  }

  @Test func aReaderThatStopsEarlyDoesNotHoldTheWriterUp() throws {
    let channel = ByteChannel()
    let reader = Reader(channel, stopAfter: 1)
    // Far more than the channel's buffers hold: a writer still waiting on the reader hangs.
    let chunk = Data(count: 1 << 20)
    for _ in 0..<16 { try chunk.withUnsafeBytes { try channel.write($0) } }
    channel.finish()
    reader.done.wait()
    #expect(reader.failure == nil)
    #expect(reader.bytes.count >= 1 && reader.bytes.count <= 2 << 20)
  }

  @Test func aWriterThatGivesUpEndsTheReaderWithAnError() throws {
    let channel = ByteChannel()
    let reader = Reader(channel)
    try Data(count: 100).withUnsafeBytes { try channel.write($0) }
    channel.close()
    reader.done.wait()
    #expect(reader.failure != nil)
  }
}
