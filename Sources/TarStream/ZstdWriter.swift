internal import CZstd
import Foundation

/// Compresses a stream into one zstd frame with libzstd's workers, one per core.
///
/// zstd cuts the input into jobs of ``jobSize`` bytes, each compressed by a worker with the
/// end of the job before it as its prefix. The job size is pinned, not left to the level's
/// default (8 MiB and more), because every job in flight holds its input and its output in
/// memory: at 1 MiB a layer of any size is written in about 25 MB, for 1.4 % more bytes than
/// zstd's default on the corpus's big image. The bytes depend only on
/// the input, the level, the job size and libzstd's version, not on how many workers ran.
///
/// Levels above 19 (zstd's "ultra" levels, which its CLI hides behind `--ultra`) keep their
/// deeper search but level 19's window and match tables (``ultraLimits``): zstd's own grow to
/// a 128 MiB window, and with 1 MiB jobs each worker then reads up to 128 MiB of prefix per
/// job. A squash of the corpus's Debian base (86 MB of gzip) at level 22 took 1.6 GB and
/// 323 s that way, and takes 269 MB and 87 s within level 19's.
public final class ZstdSink: StreamCompressor {
  public let level: Int32
  public static let jobSize = 1 << 20
  /// The window, chain and hash table sizes (log 2) of level 19, for the levels above it.
  private static var ultraLimits: [(ZSTD_cParameter, Int32)] {
    [(ZSTD_c_windowLog, 23), (ZSTD_c_chainLog, 24), (ZSTD_c_hashLog, 22)]
  }
  /// The levels libzstd takes.
  public static var levels: ClosedRange<Int32> { 1...ZSTD_maxCLevel() }
  private let context: ZstdContext
  private let next: ByteSink
  private let errorContext: String
  private var output: UnsafeMutableRawBufferPointer

  public init(level: Int32, threads: Int, context: String, next: ByteSink) throws {
    self.level = level.clamped(to: Self.levels)
    self.next = next
    self.errorContext = context
    guard let cctx = ZSTD_createCCtx() else {
      throw TarError(function: "ZSTD_createCCtx", message: "out of memory", context: context)
    }
    self.context = ZstdContext(cctx)
    output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
    let parameters: [(ZSTD_cParameter, Int32)] =
      [
        (ZSTD_c_compressionLevel, self.level),
        // zstd(1) writes a checksum by default; a reader of the layer alone can then check it.
        (ZSTD_c_checksumFlag, 1),
        (ZSTD_c_nbWorkers, Int32(max(1, threads))),
        (ZSTD_c_jobSize, Int32(Self.jobSize)),
      ] + (self.level > 19 ? Self.ultraLimits : [])
    for (parameter, value) in parameters {
      try check(ZSTD_CCtx_setParameter(cctx, parameter, value), "ZSTD_CCtx_setParameter")
    }
  }

  deinit { output.deallocate() }

  /// The compressor and its version, as a layer records it.
  public var name: String {
    "zstd \(String(cString: ZSTD_versionString())) level \(level), \(Self.jobSize >> 20) MiB jobs"
      + (level > 19 ? ", 8 MiB window" : "")
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
    while input.pos < input.size {
      _ = try compress(&input, ZSTD_e_continue)
    }
  }

  /// Ends the frame: what the workers still hold, then the checksum.
  public func finish() throws {
    var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    while try compress(&input, ZSTD_e_end) != 0 {}
  }

  /// One call of the streaming compressor; what it produced goes to `next`. Returns what
  /// zstd says is left to flush.
  private func compress(_ input: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective) throws -> Int {
    var out = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
    let left = ZSTD_compressStream2(context.cctx, &out, &input, directive)
    try check(left, "ZSTD_compressStream2")
    if out.pos > 0 { try next.write(UnsafeRawBufferPointer(rebasing: output[0..<out.pos])) }
    return left
  }

  private func check(_ code: Int, _ function: String) throws {
    guard ZSTD_isError(code) != 0 else { return }
    throw TarError(
      function: function, message: String(cString: ZSTD_getErrorName(code)), context: errorContext)
  }
}

/// Owns a compression context (and through it zstd's worker threads).
private final class ZstdContext {
  let cctx: OpaquePointer
  init(_ cctx: OpaquePointer) { self.cctx = cctx }
  deinit { ZSTD_freeCCtx(cctx) }
}
