import Foundation
import TarStream
import Testing

/// Hands out `blocks` in order from its own buffer, then fails with `failure` or ends.
private final class ScriptedSource: ByteSource {
  private var blocks: [Data]
  private let failure: (any Error)?
  /// One buffer, reused for every block, as every real source does.
  private let buffer: UnsafeMutableRawBufferPointer
  private(set) var reads = 0

  init(_ blocks: [Data], failure: (any Error)? = nil) {
    self.blocks = blocks
    self.failure = failure
    buffer = .allocate(byteCount: blocks.map(\.count).max() ?? 1, alignment: 1)
  }

  deinit { buffer.deallocate() }

  func nextBlock() throws -> UnsafeRawBufferPointer {
    reads += 1
    guard !blocks.isEmpty else {
      if let failure { throw failure }
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    let block = blocks.removeFirst()
    block.copyBytes(to: buffer)
    return UnsafeRawBufferPointer(rebasing: buffer[..<block.count])
  }
}

private struct Broken: Error, Equatable {}

/// The squash's read-ahead: what its thread reads comes out whole and in order, a failure
/// comes after the bytes before it, and a reader that stops early stops the thread.
@Suite struct ReadAheadSourceTests {
  static func blocks() -> [Data] {
    var g = SystemRandomNumberGenerator()
    // Small blocks, one of exactly a buffer and one of three buffers and a bit.
    return [1, 4096, 1 << 20, 17, (3 << 20) + 5, 100_000].map { n in
      Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
    }
  }

  static func readAll(_ s: ByteSource) throws -> Data {
    var out = Data()
    while true {
      let b = try s.nextBlock()
      if b.isEmpty { return out }
      out.append(contentsOf: b)
    }
  }

  @Test(arguments: [2, 4])
  func everyByteComesOutInOrder(depth: Int) throws {
    let blocks = Self.blocks()
    let inner = ScriptedSource(blocks)
    let ahead = ReadAheadSource(inner, depth: depth)
    #expect(try Self.readAll(ahead) == blocks.reduce(Data(), +))
    #expect(try ahead.nextBlock().isEmpty, "the end stays the end")
    #expect(inner.reads == blocks.count + 1)
  }

  @Test func aFailureFollowsTheBytesBeforeIt() throws {
    let blocks = Self.blocks()
    let ahead = ReadAheadSource(ScriptedSource(blocks, failure: Broken()))
    var out = Data()
    #expect(throws: Broken()) {
      while true {
        let b = try ahead.nextBlock()
        if b.isEmpty { break }
        out.append(contentsOf: b)
      }
    }
    #expect(out == blocks.reduce(Data(), +))
  }

  @Test func stoppingEarlyEndsTheThread() throws {
    let inner = ScriptedSource(Array(repeating: Data(count: 1 << 20), count: 64))
    let ahead = ReadAheadSource(inner, depth: 2)
    _ = try ahead.nextBlock()
    ahead.stop()
    // Stopped, the thread has let go of the source: at most the buffers ahead were read.
    #expect(inner.reads <= 4)
  }
}
