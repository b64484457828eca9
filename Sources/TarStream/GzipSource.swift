internal import CISAL
import Foundation

/// Inflates a gzip stream with ISA-L (several times zlib's speed) and shows every inflated
/// block to `observer`. Members follow one another as gzip(1) reads them; each member's
/// CRC-32 and length are checked by ISA-L. Bytes after the last member that do not start
/// another one end the stream, as libarchive's gzip filter treats them.
public final class GzipSource: ByteSource {
  private let inner: ByteSource
  private let context: String
  private let observer: (UnsafeRawBufferPointer) -> Void
  private let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
  private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
  private var inputEnded = false
  private var ended = false
  /// True once a member ended: the next bytes, if any, must start another.
  private var betweenMembers = false

  public init(
    _ inner: ByteSource, context: String, observer: @escaping (UnsafeRawBufferPointer) -> Void = { _ in }
  ) {
    self.inner = inner
    self.context = context
    self.observer = observer
    isal_inflate_init(state)
    state.pointee.crc_flag = UInt32(ISAL_GZIP)
  }

  deinit {
    state.deallocate()
    output.deallocate()
  }

  public func nextBlock() throws -> UnsafeRawBufferPointer {
    while !ended {
      if state.pointee.avail_in == 0, !inputEnded {
        let block = try inner.nextBlock()
        if block.isEmpty {
          inputEnded = true
        } else {
          state.pointee.next_in = UnsafeMutablePointer(
            mutating: block.baseAddress!.assumingMemoryBound(to: UInt8.self))
          state.pointee.avail_in = UInt32(block.count)
        }
      }
      if state.pointee.block_state == ISAL_BLOCK_FINISH {
        if state.pointee.avail_in == 0 {
          if inputEnded { ended = true }
          continue
        }
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        betweenMembers = true
      }
      state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
      state.pointee.avail_out = UInt32(output.count)
      let status = isal_inflate(state)
      let produced = output.count - Int(state.pointee.avail_out)
      if status < 0 {
        // Bytes after a complete member that are not a gzip header end the stream.
        if status == ISAL_INVALID_WRAPPER, betweenMembers, state.pointee.total_out == 0 {
          ended = true
          continue
        }
        throw TarError(function: "isal_inflate", message: GzipSource.describe(status), context: context)
      }
      if produced > 0 {
        let block = UnsafeRawBufferPointer(rebasing: output[0..<produced])
        observer(block)
        return block
      }
      // Nothing came out, the member is not over and no input is left: ISA-L holds no
      // pending output then (it had room for it), so the stream was cut.
      if state.pointee.block_state != ISAL_BLOCK_FINISH, state.pointee.avail_in == 0, inputEnded {
        throw TarError(function: "isal_inflate", message: "the gzip stream is cut short", context: context)
      }
    }
    return UnsafeRawBufferPointer(start: nil, count: 0)
  }

  static func describe(_ status: Int32) -> String {
    switch status {
    case ISAL_INVALID_BLOCK: return "invalid deflate block"
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol"
    case ISAL_INVALID_LOOKBACK: return "invalid deflate distance"
    case ISAL_INVALID_WRAPPER: return "not a gzip stream (bad header)"
    case ISAL_UNSUPPORTED_METHOD: return "gzip header names a method other than deflate"
    case ISAL_INCORRECT_CHECKSUM: return "gzip checksum mismatch (CRC-32 or length)"
    default: return "inflate error \(status)"
    }
  }

}

/// A source whose first block was already read (to look at its magic), handed out again
/// before the rest.
public final class PrefixedSource: ByteSource {
  private var first: UnsafeRawBufferPointer?
  private let rest: ByteSource

  public init(first: UnsafeRawBufferPointer, rest: ByteSource) {
    self.first = first
    self.rest = rest
  }

  public func nextBlock() throws -> UnsafeRawBufferPointer {
    if let block = first {
      first = nil
      return block
    }
    return try rest.nextBlock()
  }
}
