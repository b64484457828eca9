internal import CArchive
import Foundation

/// Writes a POSIX (pax) tar stream, entry by entry, with data streamed in chunks.
///
/// Output is reproducible: no wall-clock time is written anywhere unless an entry carries it.
/// The writer owns its libarchive handle; call ``finish()`` to flush and learn about write
/// errors, `deinit` only frees.
public final class ArchiveWriter {
  private let handle: OpaquePointer
  private let context: String
  private var finished = false

  /// Writes to an open file descriptor; the caller keeps and closes it.
  public convenience init(fileDescriptor fd: Int32, context: String) throws {
    try self.init(context: context) { a in archive_write_open_fd(a, fd) }
  }

  /// Writes through `sink` (to hash the bytes on their way, or compress them: layers are
  /// compressed by a ``StreamCompressor`` after the writer, not by libarchive's filters).
  /// The writer keeps the sink alive; an error the sink throws is rethrown as it is.
  public convenience init(sink: ByteSink, context: String) throws {
    let box = SinkBox(sink)
    try self.init(context: context) { a in
      // No padding to libarchive's 10 KiB blocks: the archive ends with its two zero blocks.
      archive_write_set_bytes_in_last_block(a, 1)
      return box.open(a)
    }
    self.sinkBox = box
  }

  private var sinkBox: SinkBox?

  private init(context: String, open: (OpaquePointer) -> Int32) throws {
    TarLocale.ensure()
    guard let a = archive_write_new() else {
      throw TarError(function: "archive_write_new", message: "out of memory", context: context)
    }
    handle = a
    self.context = context
    try check(
      archive_write_set_format_pax_restricted(a), a, "archive_write_set_format_pax_restricted",
      context: context)
    // One SCHILY record per xattr instead of libarchive's default of writing each twice.
    try check(
      archive_write_set_format_option(a, "pax", "xattrheader", "SCHILY"), a,
      "archive_write_set_format_option", context: context)
    try check(open(a), a, "archive_write_open", context: context)
  }

  deinit { archive_write_free(handle) }

  /// Writes one header. For a regular file, `entry.size` bytes of data must follow
  /// through ``writeData(_:)``.
  public func writeHeader(_ entry: TarEntry) throws {
    guard let e = archive_entry_new() else {
      throw TarError(function: "archive_entry_new", message: "out of memory", context: context)
    }
    defer { archive_entry_free(e) }
    // The raw bytes (see FileName): pax writes UTF-8 names as UTF-8, others as binary.
    archive_entry_copy_pathname(e, FileName.cString(entry.path))
    archive_entry_set_filetype(e, entry.type.filetype)
    archive_entry_set_perm(e, mode_t(entry.mode))
    archive_entry_set_uid(e, entry.uid)
    archive_entry_set_gid(e, entry.gid)
    archive_entry_set_mtime(e, time_t(entry.mtime), 0)
    archive_entry_set_size(e, entry.type == .regular ? entry.size : 0)
    switch entry.type {
    case .symlink: archive_entry_copy_symlink(e, FileName.cString(entry.linkTarget ?? ""))
    case .hardlink: archive_entry_copy_hardlink(e, FileName.cString(entry.linkTarget ?? ""))
    case .characterDevice, .blockDevice:
      archive_entry_set_rdevmajor(e, dev_t(entry.deviceMajor))
      archive_entry_set_rdevminor(e, dev_t(entry.deviceMinor))
    default: break
    }
    // A sparse file's map; its data then follows as the regions' bytes, in order.
    for region in entry.sparse ?? [] { archive_entry_sparse_add_entry(e, region.offset, region.length) }
    for (name, value) in entry.xattrs.sorted(by: { $0.key < $1.key }) {
      value.withUnsafeBytes { archive_entry_xattr_add_entry(e, name, $0.baseAddress, $0.count) }
    }
    let status = archive_write_header(handle, e)
    if status < ARCHIVE_WARN, let error = sinkBox?.error { throw error }
    try check(status, handle, "archive_write_header", context: context)
  }

  /// Appends data to the current entry.
  /// Skips `length` bytes of a hole in the current sparse entry. libarchive's pax writer
  /// takes a sparse file's bytes in full and drops those of its holes, so the hole is passed
  /// from a mapping of zero pages: nothing is copied or written, and no memory is used.
  public func writeHole(_ length: Int64) throws {
    var left = length
    while left > 0 {
      let n = Int(min(left, Int64(ArchiveWriter.zeroPages.count)))
      try writeData(UnsafeRawBufferPointer(rebasing: ArchiveWriter.zeroPages[0..<n]))
      left -= Int64(n)
    }
  }

  /// 1 GiB of read-only zero pages, mapped once and never touched by writes.
  nonisolated(unsafe) private static let zeroPages: UnsafeRawBufferPointer = {
    let size = 1 << 30
    let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    guard let p, p != MAP_FAILED else {
      // No mapping to be had: plain zeros, a megabyte at a time.
      let zeros = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
      zeros.initializeMemory(as: UInt8.self, repeating: 0)
      return UnsafeRawBufferPointer(zeros)
    }
    return UnsafeRawBufferPointer(start: p, count: size)
  }()

  public func writeData(_ bytes: UnsafeRawBufferPointer) throws {
    var rest = bytes
    while !rest.isEmpty {
      let n = archive_write_data(handle, rest.baseAddress, rest.count)
      if n < 0 {
        if let error = sinkBox?.error { throw error }
        throw TarError.capture(handle, "archive_write_data", context: context)
      }
      if n == 0 {
        throw TarError(
          function: "archive_write_data", message: "more data than the entry's header announced",
          context: context)
      }
      rest = UnsafeRawBufferPointer(rebasing: rest[Int(n)...])
    }
  }

  /// Writes a small file whole (metadata such as `index.json`).
  public func writeFile(path: String, data: Data, mode: UInt32 = 0o644) throws {
    try writeHeader(TarEntry(path: path, type: .regular, mode: mode, size: Int64(data.count)))
    try data.withUnsafeBytes { try writeData($0) }
  }

  /// Writes the end-of-archive blocks and flushes the compressor.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    let status = archive_write_close(handle)
    if status < ARCHIVE_WARN, let error = sinkBox?.error { throw error }
    try check(status, handle, "archive_write_close", context: context)
  }
}

/// Where an ``ArchiveWriter`` sends its bytes.
public protocol ByteSink: AnyObject {
  func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// A sink that compresses what it is given into the sink after it.
public protocol StreamCompressor: ByteSink {
  /// The compressor, its version and settings, as a layer records it so that the bytes can
  /// be made again.
  var name: String { get }
  /// Compresses what is still held and ends the stream (its last block, its trailer).
  func finish() throws
}

/// Carries a ``ByteSink`` through libarchive's C write callback, keeping its first error.
final class SinkBox {
  let sink: ByteSink
  var error: (any Error)?

  init(_ sink: ByteSink) { self.sink = sink }

  func open(_ a: OpaquePointer) -> Int32 {
    archive_write_open(
      a, Unmanaged.passUnretained(self).toOpaque(), nil,
      { a, client, buffer, length in
        let box = Unmanaged<SinkBox>.fromOpaque(client!).takeUnretainedValue()
        do {
          try box.sink.write(UnsafeRawBufferPointer(start: buffer, count: length))
          return length
        } catch {
          box.error = error
          carchive_set_error(a, EIO, "\(error)")
          return -1
        }
      }, nil)
  }
}
