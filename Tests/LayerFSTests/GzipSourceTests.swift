import Foundation
import TarStream
import TestSupport
import Testing

/// ISA-L's inflate, as layers are read through it: what gzip(1) writes comes back byte for
/// byte, members concatenated too, and a cut, a bad checksum or a bad block is an error.
@Suite struct GzipSourceTests {
  /// `data` through `gzip -c` with `args`.
  static func gzip(_ data: Data, _ args: [String] = []) throws -> Data {
    let tmp = try TempDirectory()
    let file = tmp.sub("in")
    try data.write(to: URL(fileURLWithPath: file))
    let out = tmp.sub("in.gz")
    let r = try run("/bin/sh", ["-c", "gzip -c \(args.joined(separator: " ")) '\(file)' > '\(out)'"])
    try #require(r.status == 0, "\(r.stderr)")
    return try Data(contentsOf: URL(fileURLWithPath: out))
  }

  /// Inflates `data` with a GzipSource reading it in `block`-byte pieces.
  static func inflate(_ data: Data, block: Int = 1 << 20) throws -> Data {
    let tmp = try TempDirectory()
    let file = tmp.sub("blob")
    try data.write(to: URL(fileURLWithPath: file))
    let fd = open(file, O_RDONLY)
    defer { close(fd) }
    let source = GzipSource(
      ChunkedSource(FileSource(fileDescriptor: fd, context: file), size: block), context: file)
    var out = Data()
    while true {
      let b = try source.nextBlock()
      if b.isEmpty { break }
      out.append(contentsOf: b)
    }
    return out
  }

  static func sample(_ n: Int) -> Data {
    var g = SystemRandomNumberGenerator()
    // Half random, half repetitive: long matches and literals both.
    return Data((0..<n).map { i in i % 2048 < 1024 ? UInt8.random(in: 0...255, using: &g) : UInt8(i % 7) })
  }

  @Test func inflatesWhatGzipWritesInAnyBlockSize() throws {
    let data = Self.sample(3 << 20)
    let gz = try Self.gzip(data, ["-6"])
    for block in [7, 4096, 1 << 20] {
      #expect(try Self.inflate(gz, block: block) == data, "block \(block)")
    }
    #expect(try Self.inflate(try Self.gzip(Data())) == Data())
  }

  @Test func membersFollowOneAnotherAndTrailingZerosEndTheStream() throws {
    let a = Self.sample(100_000)
    let b = Self.sample(50_000)
    let both = try Self.gzip(a) + (try Self.gzip(b))
    #expect(try Self.inflate(both) == a + b)
    #expect(try Self.inflate(both, block: 333) == a + b)
    #expect(try Self.inflate(both + Data(count: 1024)) == a + b)
  }

  @Test func aCutABadChecksumAndABadBlockAreErrors() throws {
    let gz = try Self.gzip(Self.sample(200_000))
    #expect(throws: TarError.self) { try Self.inflate(gz.prefix(gz.count / 2)) }
    #expect(throws: TarError.self) { try Self.inflate(gz.prefix(gz.count - 3)) }
    var crc = gz
    crc[crc.count - 6] ^= 0xff
    let error = #expect(throws: TarError.self) { try Self.inflate(crc) }
    #expect(error?.message.contains("checksum") == true, "\(String(describing: error))")
    var block = gz
    block[40] ^= 0xff
    block[41] ^= 0xff
    #expect(throws: TarError.self) { try Self.inflate(block) }
  }
}

/// Hands out another source's blocks in pieces of at most `size` bytes.
final class ChunkedSource: ByteSource {
  let inner: ByteSource
  let size: Int
  var rest = UnsafeRawBufferPointer(start: nil, count: 0)

  init(_ inner: ByteSource, size: Int) {
    self.inner = inner
    self.size = size
  }

  func nextBlock() throws -> UnsafeRawBufferPointer {
    if rest.isEmpty { rest = try inner.nextBlock() }
    let n = min(size, rest.count)
    let piece = UnsafeRawBufferPointer(rebasing: rest[0..<n])
    rest = UnsafeRawBufferPointer(rebasing: rest[n...])
    return piece
  }
}

/// ISA-L's parallel deflate, as new layers are written: gzip(1) reads it back, and the bytes
/// do not depend on the number of threads or on how the writes were cut.
@Suite struct ParallelGzipTests {
  final class Collect: ByteSink {
    var data = Data()
    func write(_ bytes: UnsafeRawBufferPointer) throws { data.append(contentsOf: bytes) }
  }

  static func compress(
    _ data: Data, threads: Int, piece: Int, compressor: GzipCompressor = .isal(level: 3)
  ) throws -> Data {
    let out = Collect()
    let sink = ParallelGzipSink(compressor: compressor, threads: threads, context: "test", next: out)
    var offset = 0
    try data.withUnsafeBytes { all in
      while offset < all.count {
        let n = min(piece, all.count - offset)
        try sink.write(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)]))
        offset += n
      }
    }
    try sink.finish()
    return out.data
  }

  static func gunzip(_ gz: Data) throws -> Data { try decompress(gz, with: "gzip -dc") }

  /// What `command` (a decompressor reading a file) makes of `data`.
  static func decompress(_ data: Data, with command: String) throws -> Data {
    let tmp = try TempDirectory()
    let file = tmp.sub("x")
    try data.write(to: URL(fileURLWithPath: file))
    let r = try run("/bin/sh", ["-c", "\(command) '\(file)' | base64 -w0"])
    try #require(r.status == 0, "\(command): \(r.stderr)")
    return try #require(Data(base64Encoded: r.stdout))
  }

  @Test(
    arguments: [0, 1, 1 << 20, (1 << 20) + 1, 5 << 20, 3_333_333],
    [GzipCompressor.isal(level: 3), .libdeflate(level: 6)])
  func gzipReadsItBackAndTheBytesAreTheSameForAnyThreadsAndWrites(
    _ size: Int, _ compressor: GzipCompressor
  ) throws {
    let data = GzipSourceTests.sample(size)
    let reference = try Self.compress(data, threads: 1, piece: 1 << 20, compressor: compressor)
    #expect(try Self.gunzip(reference) == data)
    #expect(try GzipSourceTests.inflate(reference) == data)
    for (threads, piece) in [(2, 4096), (3, 1_000_003), (8, 65536)] {
      #expect(
        try Self.compress(data, threads: threads, piece: piece, compressor: compressor) == reference,
        "\(threads) threads")
    }
  }

  @Test func everyLevelIsValidGzip() throws {
    let data = GzipSourceTests.sample(2 << 20)
    let levels = [1, 2, 3].map { GzipCompressor.isal(level: $0) } + (1...12).map { .libdeflate(level: $0) }
    for compressor in levels {
      #expect(
        try Self.gunzip(try Self.compress(data, threads: 2, piece: 1 << 16, compressor: compressor)) == data,
        "\(compressor)")
    }
  }

  /// gzip's levels, made by libdeflate in members of a chunk each, keep zlib's ratio: within
  /// a percent of gzip(1) at the same level, although no member sees the chunk before it,
  /// and although 7–9 are all made at libdeflate's 7.
  @Test func libdeflateMembersKeepGzipsRatio() throws {
    let data = GzipSourceTests.sample(4 << 20)
    for level in 1...9 {
      let ours = try Self.compress(
        data, threads: 2, piece: 1 << 16, compressor: .libdeflate(gzipLevel: level))
      let gzip = try GzipSourceTests.gzip(data, ["-\(level)"])
      #expect(
        Double(ours.count) <= Double(gzip.count) * 1.01, "level \(level): \(ours.count) vs \(gzip.count)")
    }
  }
}
