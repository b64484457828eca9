internal import CDeflate
internal import CISAL
import Foundation

/// The deflate that makes a ``ParallelGzipSink``'s chunks, and its level.
public enum GzipCompressor: Sendable, Equatable {
  /// ISA-L's igzip, level 1 (fastest) to 3 (smallest): several times zlib's speed.
  case isal(level: UInt32)
  /// libdeflate, level 1 to 12: at levels 1 to 9 the ratio of gzip(1) at the same level or
  /// better, two to four times zlib's speed; 10 to 12 are smaller and slower still.
  case libdeflate(level: Int32)

  /// The levels each compressor takes.
  static let isalLevels: ClosedRange<UInt32> = 1...3
  public static let libdeflateLevels: ClosedRange<Int32> = 1...12

  /// The libdeflate level that gzip's level `level` (zlib's scale, 1–9) is made with: the
  /// cheapest that still compresses smaller than zlib at that level. libdeflate's level N
  /// beats zlib's N at every level, and its 7 already beats zlib's 9: on 1 MiB members of
  /// the corpus's flattened image, of a text tree and of a binary tree, 0.4–0.7 % smaller,
  /// in less than half the time of libdeflate's own 9 (for under 0.3 % more bytes). So 7–9
  /// are all made at 7. 10–12 are libdeflate's own near-optimal levels, smaller and slower.
  public static func libdeflate(gzipLevel level: Int) -> GzipCompressor {
    .libdeflate(level: (7...9).contains(level) ? 7 : Int32(clamping: level))
  }

  /// The compressor and its version, as a layer records it, so the bytes can be made again.
  public var name: String {
    let chunks = "\(ParallelGzipSink.chunkSize >> 20) MiB"
    switch self {
    case .isal(let level): return "isa-l igzip level \(level), \(chunks) chunks"
    case .libdeflate(let level):
      return "libdeflate \(LIBDEFLATE_VERSION_STRING) level \(level), \(chunks) members"
    }
  }

  /// The level clamped to what the library takes.
  var clamped: GzipCompressor {
    switch self {
    case .isal(let level): return .isal(level: level.clamped(to: Self.isalLevels))
    case .libdeflate(let level): return .libdeflate(level: level.clamped(to: Self.libdeflateLevels))
    }
  }

  /// Whether the chunks are joined into one member (ISA-L, which can end a chunk on a byte
  /// boundary and start the next from a dictionary) or are each a member of their own
  /// (libdeflate, which compresses whole buffers only, each ending in a final block).
  var oneMember: Bool {
    if case .isal = self { return true }
    return false
  }
}

/// Compresses a stream into gzip on every core: the input is cut into chunks of
/// ``chunkSize`` bytes at fixed offsets and the chunks are compressed side by side.
///
/// With ISA-L, as pigz does, each chunk is deflated with the 32 KiB before it as its
/// dictionary and ends on a byte boundary (a sync flush), so the chunks concatenate into one
/// deflate stream in one gzip member, closed by the CRC-32 of the whole input. With
/// libdeflate each chunk is a whole gzip member, as BGZF does; RFC 1952 defines a gzip file
/// as a series of members, and gzip(1), Go's and Python's readers and every container engine
/// read them as one stream.
///
/// The bytes depend only on the input, the compressor and its level, the chunk size and the
/// library's version: not on how many threads ran or how the writes were cut. No header
/// holds a time or a name.
public final class ParallelGzipSink: StreamCompressor {
  public let compressor: GzipCompressor
  public static let chunkSize = 1 << 20
  private static let window = 32 << 10
  private let next: ByteSink
  private let threads: Int
  private let context: String
  /// The chunk being filled.
  private var pending = Data()
  /// The last ``window`` bytes before `pending`, ISA-L's dictionary for it (libdeflate
  /// takes none).
  private var dictionary = Data()
  /// The chunks being compressed, oldest first; their output is written in this order.
  private var inFlight: [ChunkJob] = []
  private var crc: UInt32 = 0
  private var length: UInt64 = 0
  private var started = false

  public init(compressor: GzipCompressor, threads: Int, context: String, next: ByteSink) {
    self.compressor = compressor.clamped
    self.threads = max(1, threads)
    self.context = context
    self.next = next
    pending.reserveCapacity(Self.chunkSize)
  }

  /// The compressor, as a layer records it.
  public var name: String { compressor.name }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var rest = bytes
    while !rest.isEmpty {
      // A full chunk is kept until more comes: the last chunk of the stream is marked so.
      if pending.count == Self.chunkSize { try submit(last: false) }
      let n = min(Self.chunkSize - pending.count, rest.count)
      pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<n]))
      rest = UnsafeRawBufferPointer(rebasing: rest[n...])
    }
  }

  /// Compresses what is left as the end of the stream and writes the trailer.
  public func finish() throws {
    // The last chunk is the one that holds the last byte, whatever the writes were.
    try submit(last: true)
    while !inFlight.isEmpty { try writeOldest() }
    guard compressor.oneMember else { return }
    var trailer = Data(count: 8)
    for i in 0..<4 {
      trailer[i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i)))
      trailer[4 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))
    }
    try trailer.withUnsafeBytes { try next.write($0) }
  }

  /// Hands `pending` to a worker. There is no barrier between chunks: a worker that is done
  /// takes the next chunk at once, and this thread waits only when `threads + 1` chunks are
  /// in flight, for the oldest, whose output is due next. One more than the workers, so that
  /// a chunk is ready for a worker while this thread writes the output of another.
  private func submit(last: Bool) throws {
    if inFlight.count == threads + 1 { try writeOldest() }
    if !started, compressor.oneMember {
      started = true
      // gzip, deflate, no flags, no time, no extra flags, OS unknown.
      let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
      try header.withUnsafeBytes { try next.write($0) }
    }
    let chunk = pending
    if compressor.oneMember {
      crc = chunk.withUnsafeBytes {
        crc32_gzip_refl(crc, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64($0.count))
      }
      length += UInt64(chunk.count)
    }
    let (compressor, context, dictionary) = (self.compressor, self.context, self.dictionary)
    let job = ChunkJob()
    inFlight.append(job)
    DispatchQueue.global().async {
      job.finish(
        Result {
          try chunk.withUnsafeBytes { input in
            switch compressor {
            case .isal(let level):
              return try dictionary.withUnsafeBytes {
                try Self.isalDeflate(input, dictionary: $0, last: last, level: level, context: context)
              }
            case .libdeflate(let level):
              return try Self.libdeflateMember(input, level: level, context: context)
            }
          }
        })
    }
    // A copy of the window, so that the chunk itself is let go once it is written.
    if compressor.oneMember { self.dictionary = Data(chunk.suffix(Self.window)) }
    pending = Data()
    pending.reserveCapacity(Self.chunkSize)
  }

  /// Waits for the oldest chunk in flight and writes its output.
  private func writeOldest() throws {
    let output = try inFlight.removeFirst().wait()
    try output.withUnsafeBytes { try next.write($0) }
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

  /// A C struct on the heap, all zeros, as ISA-L wants its stream before init.
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
  /// One chunk as a whole gzip member by libdeflate: its header holds no time and no name.
  static func libdeflateMember(_ chunk: UnsafeRawBufferPointer, level: Int32, context: String) throws -> Data
  {
    guard let compressor = libdeflate_alloc_compressor(level) else {
      throw TarError(function: "libdeflate_alloc_compressor", message: "level \(level)", context: context)
    }
    defer { libdeflate_free_compressor(compressor) }
    var out = Data(count: libdeflate_gzip_compress_bound(compressor, chunk.count))
    let produced = out.withUnsafeMutableBytes { o in
      libdeflate_gzip_compress(compressor, chunk.baseAddress, chunk.count, o.baseAddress, o.count)
    }
    // The bound is the most the member can take, so this is a broken library, not bad input.
    guard produced > 0 else {
      throw TarError(function: "libdeflate_gzip_compress", message: "output over its bound", context: context)
    }
    out.count = produced
    return out
  }
}

/// One chunk's compression, done on a worker and waited for by the sink: the semaphore
/// orders the worker's write of `result` before the sink's read.
private final class ChunkJob: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var result: Result<Data, any Error>?

  func finish(_ result: Result<Data, any Error>) {
    self.result = result
    done.signal()
  }

  func wait() throws -> Data {
    done.wait()
    return try result!.get()
  }
}

extension Comparable {
  /// The value, moved into `range` if it lies outside.
  func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
