internal import CArchive
import Foundation

/// Reads a tar stream, compressed or not, one entry at a time; entry data is handed out in
/// libarchive's own blocks (zero copy), so nothing is ever held whole in memory.
///
/// The reader owns its libarchive handle and frees it in `deinit`.
public final class ArchiveReader {
  private let handle: OpaquePointer
  private let context: String
  private var entry: OpaquePointer?
  private var box: SourceBox?

  /// Opens the file at `path`; gzip, zstd, xz and bzip2 compression are recognised.
  public convenience init(path: String) throws {
    try self.init(context: path) { a in
      archive_read_open_filename(a, path, 1 << 20)
    }
  }

  /// Reads from an open file descriptor (standard input, a pipe). The caller keeps the fd.
  public convenience init(fileDescriptor fd: Int32, context: String) throws {
    try self.init(context: context) { a in archive_read_open_fd(a, fd, 1 << 20) }
  }

  /// Reads a tar from a ``ByteSource`` (to hash or decompress on the way). The reader keeps
  /// the source alive; an error the source throws is rethrown as it is.
  public convenience init(source: ByteSource, context: String, decompress: Bool = true) throws {
    let box = SourceBox(source)
    try self.init(context: context, decompress: decompress) { a in
      do {
        try box.open(a, context: context)
        return ARCHIVE_OK
      } catch {
        return ARCHIVE_FATAL
      }
    }
    self.box = box
    if let error = box.error { throw error }
  }

  private init(context: String, decompress: Bool = true, open: (OpaquePointer) -> Int32) throws {
    TarLocale.ensure()
    guard let a = archive_read_new() else {
      throw TarError(function: "archive_read_new", message: "out of memory", context: context)
    }
    self.handle = a
    self.context = context
    if decompress { archive_read_support_filter_all(a) }
    archive_read_support_format_tar(a)
    try check(open(a), a, "archive_read_open", context: context)
  }

  deinit { archive_read_free(handle) }

  /// The bytes consumed from the underlying file or pipe so far (compressed bytes for a
  /// compressed archive), for progress against the file's size.
  public var bytesRead: Int64 { archive_filter_bytes(handle, -1) }

  /// The next header, or `nil` at the end of the archive.
  ///
  /// - Throws: ``TarError`` for a corrupt or truncated archive.
  public func next() throws -> TarEntry? {
    var e: OpaquePointer?
    let status = TarLocale.keepingNameBytes { archive_read_next_header(handle, &e) }
    if status == ARCHIVE_EOF { return nil }
    try checkStatus(status, "archive_read_next_header")
    guard let e else { return nil }
    entry = e
    return try Self.copy(e, context: context)
  }

  private func checkStatus(_ status: Int32, _ function: String) throws {
    if let box {
      try box.check(status, handle, function, context: context)
    } else {
      try check(status, handle, function, context: context)
    }
  }

  /// Streams the current entry's data to `body` block by block. Sparse holes are filled
  /// with zeros so the bytes seen are the file's bytes.
  public func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    var buffer: UnsafeRawPointer?
    var size = 0
    var offset: Int64 = 0
    var position: Int64 = 0
    let zeros = [UInt8](repeating: 0, count: 64 * 1024)
    // A sparse file that ends in a hole has no block for it: the entry's size says how long
    // the file is, and the hole is filled up to it.
    let logicalSize = entry.map { archive_entry_size_is_set($0) != 0 ? archive_entry_size($0) : 0 } ?? 0
    while true {
      let status = archive_read_data_block(handle, &buffer, &size, &offset)
      if status == ARCHIVE_EOF {
        while position < logicalSize {
          let n = Int(min(Int64(zeros.count), logicalSize - position))
          try zeros.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
          position += Int64(n)
        }
        return
      }
      try checkStatus(status, "archive_read_data_block")
      while position < offset {
        let n = Int(min(Int64(zeros.count), offset - position))
        try zeros.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        position += Int64(n)
      }
      if let buffer, size > 0 {
        try body(UnsafeRawBufferPointer(start: buffer, count: size))
        position += Int64(size)
      }
    }
  }

  /// Streams the current entry's data as libarchive has it: each block with its offset in
  /// the file, holes skipped. A sparse file's work is then bounded by its data, not by its
  /// size (a 1 TiB hole costs nothing).
  public func readBlocks(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
    var buffer: UnsafeRawPointer?
    var size = 0
    var offset: Int64 = 0
    while true {
      let status = archive_read_data_block(handle, &buffer, &size, &offset)
      if status == ARCHIVE_EOF { return }
      try checkStatus(status, "archive_read_data_block")
      if let buffer, size > 0 { try body(offset, UnsafeRawBufferPointer(start: buffer, count: size)) }
    }
  }

  /// Reads the current entry's data whole; only for small metadata files such as
  /// `manifest.json`, never for layers. Fails past `limit` bytes.
  public func readSmall(limit: Int = 64 << 20) throws -> Data {
    var data = Data()
    try readData { chunk in
      guard data.count + chunk.count <= limit else {
        throw TarError(
          function: "readSmall", message: "entry larger than \(limit) bytes", context: context)
      }
      data.append(contentsOf: chunk)
    }
    return data
  }

  static func copy(_ e: OpaquePointer, context: String) throws -> TarEntry {
    // Names are bytes: the locale's (C.UTF-8) form is the raw name, which FileName keeps
    // whole even where it is not UTF-8.
    let path =
      archive_entry_pathname(e).map { FileName.decode(cString: $0) }
      ?? archive_entry_pathname_utf8(e).map { FileName.decode(cString: $0) } ?? ""
    let hardlink =
      archive_entry_hardlink(e).map { FileName.decode(cString: $0) }
      ?? archive_entry_hardlink_utf8(e).map { FileName.decode(cString: $0) }
    // A hard link read from a GNU tar can report filetype 0: the link field decides.
    let type: EntryType =
      hardlink != nil ? .hardlink : EntryType(filetype: archive_entry_filetype(e)) ?? .regular
    var entry = TarEntry(
      path: path, type: type, mode: UInt32(archive_entry_perm(e)) & 0o7777,
      uid: archive_entry_uid(e), gid: archive_entry_gid(e), size: archive_entry_size(e),
      mtime: Int64(archive_entry_mtime(e)))
    if type == .symlink {
      entry.linkTarget =
        archive_entry_symlink(e).map { FileName.decode(cString: $0) }
        ?? archive_entry_symlink_utf8(e).map { FileName.decode(cString: $0) }
    } else if type == .hardlink {
      entry.linkTarget = hardlink
    }
    if type == .characterDevice || type == .blockDevice {
      // pax headers can carry any number; Linux device numbers have 32 bits each.
      guard let major = UInt32(exactly: archive_entry_rdevmajor(e)),
        let minor = UInt32(exactly: archive_entry_rdevminor(e))
      else {
        throw TarError(
          function: "archive_entry_rdev",
          message:
            "\(path): device number \(archive_entry_rdevmajor(e)),\(archive_entry_rdevminor(e)) is wider than 32 bits",
          context: context)
      }
      entry.deviceMajor = major
      entry.deviceMinor = minor
    }
    if type == .regular, archive_entry_sparse_reset(e) > 0 {
      var regions: [SparseRegion] = []
      var offset: la_int64_t = 0
      var length: la_int64_t = 0
      while archive_entry_sparse_next(e, &offset, &length) == ARCHIVE_OK {
        regions.append(SparseRegion(offset: offset, length: length))
      }
      entry.sparse = regions
    }
    if archive_entry_xattr_reset(e) > 0 {
      var name: UnsafePointer<CChar>?
      var value: UnsafeRawPointer?
      var size = 0
      while archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK {
        guard let name else { continue }
        let bytes = value.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
        entry.xattrs[String(cString: name)] = bytes
      }
    }
    return entry
  }
}

/// libarchive converts names through the C library's locale. The process takes a UTF-8 one,
/// without which the pax writer fails on non-ASCII paths; header reads switch to plain C
/// on their own thread (``keepingNameBytes(_:)``).
enum TarLocale {
  private static let once: Void = { _ = setlocale(LC_CTYPE, "C.UTF-8") }()
  static func ensure() { _ = once }

  /// The plain C locale, whose character set is ASCII.
  nonisolated(unsafe) private static let ascii = newlocale(LC_CTYPE_MASK, "C", nil)

  /// Runs a header read under the C locale, on this thread only. libarchive converts a pax
  /// header's UTF-8 names to the locale's character set, and on the way normalizes them to
  /// NFC: under a UTF-8 locale NFD `café` would come back as NFC `café`, two files as one
  /// name. Into ASCII that conversion fails for every byte above ASCII, and libarchive then
  /// keeps the header's own bytes (with a warning, which readers accept), which is what a
  /// name is. It settles the character set when it first converts a name of an archive,
  /// so every header read goes through here.
  static func keepingNameBytes<T>(_ body: () -> T) -> T {
    guard let ascii else { return body() }
    let previous = uselocale(ascii)
    defer { uselocale(previous) }
    return body()
  }
}
