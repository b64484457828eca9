internal import CArchive
import Foundation
import SystemPackage

/// A pull stream of bytes: each call hands out the next block, valid until the next call;
/// an empty buffer means the end.
public protocol ByteSource: AnyObject {
  func nextBlock() throws -> UnsafeRawBufferPointer
}

extension ByteSource {
  /// Reads to the end, so that whoever observes the blocks (a hash) has seen every byte.
  public func drain() throws {
    while try !nextBlock().isEmpty {}
  }
}

/// Reads a file descriptor in 1 MiB blocks and shows every block to `observer` (to hash it)
/// before handing it on. The caller keeps the fd.
public final class FileSource: ByteSource {
  private let fd: Int32
  private let context: String
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
  private let observer: (UnsafeRawBufferPointer) -> Void

  public init(
    fileDescriptor fd: Int32, context: String, observer: @escaping (UnsafeRawBufferPointer) -> Void = { _ in }
  ) {
    self.fd = fd
    self.context = context
    self.observer = observer
  }

  deinit { buffer.deallocate() }

  public func nextBlock() throws -> UnsafeRawBufferPointer {
    do {
      let n = try FileDescriptor(rawValue: fd).read(into: buffer)
      let block = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
      observer(block)
      return block
    } catch let e as Errno {
      throw TarError(function: "read", message: String(cString: strerror(e.rawValue)), context: context)
    }
  }

}

/// Decompresses another source (gzip, zstd, xz, bzip2, or none) with libarchive's filters
/// and shows every decompressed block to `observer`.
public final class DecompressingSource: ByteSource {
  private let handle: OpaquePointer
  private let box: SourceBox
  private let context: String
  private let observer: (UnsafeRawBufferPointer) -> Void
  private var ended = false

  public init(
    _ inner: ByteSource, context: String, observer: @escaping (UnsafeRawBufferPointer) -> Void = { _ in }
  ) throws {
    TarLocale.ensure()
    guard let a = archive_read_new() else {
      throw TarError(function: "archive_read_new", message: "out of memory", context: context)
    }
    handle = a
    box = SourceBox(inner)
    self.context = context
    self.observer = observer
    archive_read_support_filter_all(a)
    archive_read_support_format_raw(a)
    try box.open(a, context: context)
    var e: OpaquePointer?
    let status = archive_read_next_header(a, &e)
    if status == ARCHIVE_EOF {
      ended = true
    } else {
      try box.check(status, a, "archive_read_next_header", context: context)
    }
  }

  deinit { archive_read_free(handle) }

  public func nextBlock() throws -> UnsafeRawBufferPointer {
    if ended { return UnsafeRawBufferPointer(start: nil, count: 0) }
    var buffer: UnsafeRawPointer?
    var size = 0
    var offset: Int64 = 0
    while true {
      let status = archive_read_data_block(handle, &buffer, &size, &offset)
      if status == ARCHIVE_EOF {
        ended = true
        return UnsafeRawBufferPointer(start: nil, count: 0)
      }
      try box.check(status, handle, "archive_read_data_block", context: context)
      if size > 0, let buffer {
        let block = UnsafeRawBufferPointer(start: buffer, count: size)
        observer(block)
        return block
      }
    }
  }

}

/// Carries a ``ByteSource`` through libarchive's C read callback, and the first error it
/// threw back out (libarchive only sees "-1").
final class SourceBox {
  let source: ByteSource
  var error: (any Error)?

  init(_ source: ByteSource) { self.source = source }

  func open(_ a: OpaquePointer, context: String) throws {
    let status = archive_read_open(
      a, Unmanaged.passUnretained(self).toOpaque(), nil,
      { a, client, out in
        let box = Unmanaged<SourceBox>.fromOpaque(client!).takeUnretainedValue()
        do {
          let block = try box.source.nextBlock()
          out?.pointee = block.baseAddress
          return block.count
        } catch {
          box.error = error
          carchive_set_error(a, EIO, "\(error)")
          return -1
        }
      }, nil)
    try check(status, a, "archive_read_open", context: context)
  }

  /// Like the module's `check`, but prefers the source's own error to libarchive's.
  func check(_ status: Int32, _ a: OpaquePointer, _ function: String, context: String) throws {
    if status != ARCHIVE_OK && status != ARCHIVE_WARN, let error { throw error }
    try TarStream.check(status, a, function, context: context)
  }
}
