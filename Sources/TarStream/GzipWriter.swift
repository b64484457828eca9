internal import CISAL
import Foundation

/// Compresses a stream into one gzip member with ISA-L, on every core, as pigz does: the
/// input is cut into chunks of ``chunkSize`` bytes at fixed offsets, each chunk is deflated
/// on its own with the 32 KiB before it as its dictionary and ends on a byte boundary (a
/// sync flush), so the chunks concatenate into one valid deflate stream. The CRC-32 of the
/// whole input closes the member.
///
/// The bytes depend only on the input, the level, the chunk size and ISA-L's version: not on
/// how many threads ran or how the writes were cut. The header holds no time and no name.
public final class ParallelGzipSink: ByteSink {
  /// ISA-L's level, 1 (fastest) to 3 (smallest).
  public let level: UInt32
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

  public init(level: UInt32, threads: Int, context: String, next: ByteSink) {
    self.level = min(max(level, 1), 3)
    self.threads = max(1, threads)
    self.context = context
    self.next = next
    pending.reserveCapacity(self.threads * Self.chunkSize)
  }

  /// The compressor, as a layer records it.
  public var name: String { "isa-l igzip level \(level), \(Self.chunkSize >> 20) MiB chunks" }

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
    let level = self.level
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
              try Self.deflate(
                chunk, dictionary: dict, last: last && i == count - 1, level: level, context: context)
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

  /// One chunk as raw deflate: ended by a sync flush, or as the final block when `last`.
  static func deflate(
    _ chunk: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer, last: Bool, level: UInt32,
    context: String
  ) throws -> Data {
    let stream = UnsafeMutablePointer<isal_zstream>.allocate(capacity: 1)
    UnsafeMutableRawPointer(stream).initializeMemory(
      as: UInt8.self, repeating: 0, count: MemoryLayout<isal_zstream>.size)
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
    var out = Data(count: chunk.count + chunk.count / 8 + 4096)
    var produced = 0
    while true {
      let capacity = out.count
      let status = out.withUnsafeMutableBytes { (o: UnsafeMutableRawBufferPointer) -> Int32 in
        stream.pointee.next_out = o.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
        stream.pointee.avail_out = UInt32(capacity - produced)
        return isal_deflate(stream)
      }
      guard status == COMP_OK else {
        throw TarError(function: "isal_deflate", message: "status \(status)", context: context)
      }
      produced = capacity - Int(stream.pointee.avail_out)
      let done =
        stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0
        && (!last || stream.pointee.internal_state.state == ZSTATE_END)
      if done { break }
      if stream.pointee.avail_out == 0 { out.count += out.count / 2 + 4096 }
    }
    out.count = produced
    return out
  }
}

/// The memory one batch's threads share: all of them read the input, which outlives
/// `concurrentPerform`, and each writes only its own result slot.
private struct Batch: @unchecked Sendable {
  let input: UnsafeRawBufferPointer
  let before: UnsafeRawBufferPointer
  let results: UnsafeMutableBufferPointer<Result<Data, any Error>>
}
