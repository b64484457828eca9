import Foundation
import TarStream
import TestSupport
import Testing

/// zstd's workers, as new layers are written: zstd(1) reads the frame back, and the levels
/// above 19 keep level 19's 8 MiB window instead of zstd's 32–128 MiB.
@Suite struct ZstdSinkTests {
  static func compress(_ data: Data, level: Int32) throws -> (frame: Data, name: String) {
    let out = ParallelGzipTests.Collect()
    let sink = try ZstdSink(level: level, threads: 2, context: "test", next: out)
    try data.withUnsafeBytes { try sink.write($0) }
    try sink.finish()
    return (out.data, sink.name)
  }

  /// The window a frame asks its reader for, from its header (RFC 8878, 3.1.1.1.2): the
  /// frames here are streamed, so they carry a window descriptor, not a single segment.
  static func windowSize(_ frame: Data) throws -> Int {
    let bytes = [UInt8](frame.prefix(6))
    try #require(bytes.count == 6 && bytes[0..<4] == [0x28, 0xB5, 0x2F, 0xFD], "not a zstd frame")
    try #require(bytes[4] & 0x20 == 0, "a single-segment frame has no window descriptor")
    let exponent = Int(bytes[5] >> 3)
    let mantissa = Int(bytes[5] & 7)
    let base = 1 << (10 + exponent)
    return base + base / 8 * mantissa
  }

  @Test(arguments: [(Int32(3), 1 << 21), (19, 1 << 23), (20, 1 << 23), (22, 1 << 23)])
  func theWindowIsLevel19sAtMostAndZstdReadsTheFrameBack(_ level: Int32, _ window: Int) throws {
    let data = GzipSourceTests.sample(3 << 20)
    let (frame, name) = try Self.compress(data, level: level)
    #expect(try Self.windowSize(frame) == window, "level \(level)")
    #expect(try ParallelGzipTests.decompress(frame, with: "zstd -dc") == data, "level \(level)")
    #expect(name.hasSuffix(level > 19 ? "1 MiB jobs, 8 MiB window" : "1 MiB jobs"), "\(name)")
  }
}
