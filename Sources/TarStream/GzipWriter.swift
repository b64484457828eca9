internal import CISAL
internal import CZlib
import Foundation

/// The deflate that makes a ``ParallelGzipSink``'s chunks, and its level.
public enum GzipCompressor: Sendable, Equatable {
  /// ISA-L's igzip, level 1 (fastest) to 3 (smallest): several times zlib's speed.
  case isal(level: UInt32)
  /// zlib's deflate, level 1 to 9, the ratio gzip(1) and pigz give at the same level.
  case zlib(level: Int32)

  /// The compressor and its version, as a layer records it, so the bytes can be made again.
  public var name: String {
    let chunks = "\(ParallelGzipSink.chunkSize >> 20) MiB chunks"
    switch self {
    case .isal(let level): return "isa-l igzip level \(level), \(chunks)"
    case .zlib(let level): return "zlib \(String(cString: zlibVersion())) level \(level), \(chunks)"
    }
  }

  /// The level clamped to what the library takes.
  var clamped: GzipCompressor {
    switch self {
    case .isal(let level): return .isal(level: min(max(level, 1), 3))
    case .zlib(let level): return .zlib(level: min(max(level, 1), 9))
    }
  }
}

/// Compresses a stream into one gzip member on every core, as pigz does: the input is cut
/// into chunks of ``chunkSize`` bytes at fixed offsets, each chunk is deflated on its own
/// with the 32 KiB before it as its dictionary and ends on a byte boundary (a sync flush),
/// so the chunks concatenate into one valid deflate stream. The CRC-32 of the whole input
/// closes the member.
///
/// The bytes depend only on the input, the compressor and its level, the chunk size and the
/// library's version: not on how many threads ran or how the writes were cut. The header
/// holds no time and no name.
public final class ParallelGzipSink: StreamCompressor {
  public let compressor: GzipCompressor
  public static let chunkSize = 1 << 20
  private static let window = 32 << 10
  private let next: ByteSink
  private let threads: Int
  private var pending = Data()
  /// The last ``window`` bytes before `pending`: the first chunk's dictionary.
  private var dictionary = Data()
  private var crc: UInt32 = 0
  private var length: UInt64 = 0
  private var started = false
  private let context: String

  public init(compressor: GzipCompressor, threads: Int, context: String, next: ByteSink) {
    self.compressor = compressor.clamped
    self.threads = max(1, threads)
    self.context = context
    self.next = next
    pending.reserveCapacity(self.threads * Self.chunkSize)
  }

  /// The compressor, as a layer records it.
  public var name: String { compressor.name }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var rest = bytes
    let batch = threads * Self.chunkSize
    while !rest.isEmpty {
      let n = min(batch - pending.count, rest.count)
      pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<n]))
      rest = UnsafeRawBufferPointer(rebasing: rest[n...])
      // A full batch is kept until more comes: the last chunk of the stream is marked so.
      if pending.count == batch, !rest.isEmpty { try flush(last: false) }
    }
  }

  /// Compresses what is left as the end of the stream and writes the trailer.
  public func finish() throws {
    // The last chunk is the one that holds the last byte, whatever the batches were.
    try flush(last: true)
    var trailer = Data(count: 8)
    for i in 0..<4 {
      trailer[i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i)))
      trailer[4 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))
    }
    try trailer.withUnsafeBytes { try next.write($0) }
  }

  /// Deflates `pending` in chunks, in parallel, and writes them in order.
  private func flush(last: Bool) throws {
    if !started {
      started = true
      // gzip, deflate, no flags, no time, no extra flags, OS unknown.
      let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
      try header.withUnsafeBytes { try next.write($0) }
    }
    let chunkSize = Self.chunkSize
    let count = last ? max(1, (pending.count + chunkSize - 1) / chunkSize) : pending.count / chunkSize
    var outputs = [Result<Data, any Error>](repeating: .success(Data()), count: count)
    let compressor = self.compressor
    let context = self.context
    try pending.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      try dictionary.withUnsafeBytes { (before: UnsafeRawBufferPointer) in
        outputs.withUnsafeMutableBufferPointer { results in
          let shared = Batch(input: input, before: before, results: results)
          DispatchQueue.concurrentPerform(iterations: count) { i in
            let start = i * chunkSize
            let end = min(start + chunkSize, shared.input.count)
            let chunk = UnsafeRawBufferPointer(rebasing: shared.input[start..<end])
            let dict =
              i == 0
              ? shared.before
              : UnsafeRawBufferPointer(rebasing: shared.input[max(0, start - Self.window)..<start])
            shared.results[i] = Result {
              let last = last && i == count - 1
              switch compressor {
              case .isal(let level):
                return try Self.isalDeflate(
                  chunk, dictionary: dict, last: last, level: level, context: context)
              case .zlib(let level):
                return try Self.zlibDeflate(
                  chunk, dictionary: dict, last: last, level: level, context: context)
              }
            }
          }
        }
        for i in 0..<count {
          let start = i * chunkSize
          let end = min(start + chunkSize, input.count)
          let chunk = UnsafeRawBufferPointer(rebasing: input[start..<end])
          crc = crc32_gzip_refl(
            crc, chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(chunk.count))
          length += UInt64(chunk.count)
          let data = try outputs[i].get()
          try data.withUnsafeBytes { try next.write($0) }
        }
      }
    }
    let used = min(pending.count, count * chunkSize)
    let base = pending.startIndex
    dictionary =
      used >= Self.window
      ? Data(pending[(base + used - Self.window)..<(base + used)])
      : Data((dictionary + pending[base..<(base + used)]).suffix(Self.window))
    // A flush takes whole batches, so nothing is left; removeFirst would keep Data's
    // storage and grow it by every batch (its slices keep their offset).
    precondition(used == pending.count)
    pending.removeAll(keepingCapacity: true)
  }

  /// One chunk as raw deflate by ISA-L: ended by a sync flush, or as the final block when
  /// `last`.
  static func isalDeflate(
    _ chunk: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer, last: Bool, level: UInt32,
    context: String
  ) throws -> Data {
    let stream: UnsafeMutablePointer<isal_zstream> = zeroed()
    let levelBuffer = UnsafeMutableRawPointer.allocate(
      byteCount: Int(cisal_level_buffer_size(level)), alignment: 16)
    defer {
      stream.deallocate()
      levelBuffer.deallocate()
    }
    isal_deflate_init(stream)
    stream.pointee.level = level
    stream.pointee.level_buf = levelBuffer.assumingMemoryBound(to: UInt8.self)
    stream.pointee.level_buf_size = cisal_level_buffer_size(level)
    stream.pointee.gzip_flag = UInt16(IGZIP_DEFLATE)
    stream.pointee.end_of_stream = last ? 1 : 0
    stream.pointee.flush = UInt16(last ? NO_FLUSH : SYNC_FLUSH)
    if !dictionary.isEmpty {
      let status = isal_deflate_set_dict(
        stream, UnsafeMutablePointer(mutating: dictionary.baseAddress!.assumingMemoryBound(to: UInt8.self)),
        UInt32(dictionary.count))
      guard status == COMP_OK else {
        throw TarError(function: "isal_deflate_set_dict", message: "status \(status)", context: context)
      }
    }
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: chunk.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.pointee.avail_in = UInt32(chunk.count)
    return try growing(from: chunk.count + chunk.count / 8 + 4096) { next, room in
      stream.pointee.next_out = next
      stream.pointee.avail_out = UInt32(room)
      let status = isal_deflate(stream)
      guard status == COMP_OK else {
        throw TarError(function: "isal_deflate", message: "status \(status)", context: context)
      }
      let left = Int(stream.pointee.avail_out)
      let done =
        stream.pointee.avail_in == 0 && left > 0
        && (!last || stream.pointee.internal_state.state == ZSTATE_END)
      return (left, done)
    }
  }

  /// A C struct on the heap, all zeros, as both libraries want their streams before init.
  static func zeroed<T>() -> UnsafeMutablePointer<T> {
    let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
    UnsafeMutableRawPointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
    return p
  }

  /// Runs `step` into a buffer that grows until the chunk's output fits: `step` writes at
  /// the pointer into the room given and returns the room it left and whether it is done.
  static func growing(
    from capacity: Int, _ step: (UnsafeMutablePointer<UInt8>, Int) throws -> (left: Int, done: Bool)
  ) throws -> Data {
    var out = Data(count: capacity)
    var produced = 0
    while true {
      let capacity = out.count
      let (left, done) = try out.withUnsafeMutableBytes { (o: UnsafeMutableRawBufferPointer) in
        try step(o.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced, capacity - produced)
      }
      produced = capacity - left
      if done { break }
      if left == 0 { out.count += out.count / 2 + 4096 }
    }
    out.count = produced
    return out
  }
}

extension ParallelGzipSink {
  /// One chunk as raw deflate by zlib: ended by a sync flush, or as the final block when
  /// `last`.
  static func zlibDeflate(
    _ chunk: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer, last: Bool, level: Int32,
    context: String
  ) throws -> Data {
    // zlib checks that its stream does not move between calls, so it lives on the heap.
    let stream: UnsafeMutablePointer<z_stream> = zeroed()
    defer { stream.deallocate() }
    guard czlib_deflate_init_raw(stream, level) == Z_OK else {
      throw TarError(function: "deflateInit2", message: "level \(level)", context: context)
    }
    defer { deflateEnd(stream) }
    if !dictionary.isEmpty {
      let status = deflateSetDictionary(
        stream, dictionary.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(dictionary.count))
      guard status == Z_OK else {
        throw TarError(function: "deflateSetDictionary", message: "status \(status)", context: context)
      }
    }
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: chunk.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.pointee.avail_in = UInt32(chunk.count)
    return try growing(from: Int(deflateBound(stream, UInt(chunk.count))) + 64) { next, room in
      stream.pointee.next_out = next
      stream.pointee.avail_out = UInt32(room)
      let status = deflate(stream, last ? Z_FINISH : Z_SYNC_FLUSH)
      guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
        throw TarError(function: "deflate", message: "status \(status)", context: context)
      }
      // A flush is complete when it left room in the output; the last chunk when the stream ends.
      let left = Int(stream.pointee.avail_out)
      return (left, last ? status == Z_STREAM_END : left > 0)
    }
  }
}

/// The memory one batch's threads share: all of them read the input, which outlives
/// `concurrentPerform`, and each writes only its own result slot.
private struct Batch: @unchecked Sendable {
  let input: UnsafeRawBufferPointer
  let before: UnsafeRawBufferPointer
  let results: UnsafeMutableBufferPointer<Result<Data, any Error>>
}
