internal import CArchive

/// The type of a tar entry, named after the POSIX file types libarchive reports.
public enum EntryType: String, Sendable, Codable, CaseIterable {
  case regular = "file"
  case directory = "dir"
  case symlink
  case hardlink
  case characterDevice = "char"
  case blockDevice = "block"
  case fifo
  case socket

  init?(filetype: UInt32) {
    switch filetype {
    case CARCHIVE_AE_IFREG: self = .regular
    case CARCHIVE_AE_IFDIR: self = .directory
    case CARCHIVE_AE_IFLNK: self = .symlink
    case CARCHIVE_AE_IFCHR: self = .characterDevice
    case CARCHIVE_AE_IFBLK: self = .blockDevice
    case CARCHIVE_AE_IFIFO: self = .fifo
    case CARCHIVE_AE_IFSOCK: self = .socket
    default: return nil
    }
  }

  var filetype: UInt32 {
    switch self {
    case .regular, .hardlink: CARCHIVE_AE_IFREG
    case .directory: CARCHIVE_AE_IFDIR
    case .symlink: CARCHIVE_AE_IFLNK
    case .characterDevice: CARCHIVE_AE_IFCHR
    case .blockDevice: CARCHIVE_AE_IFBLK
    case .fifo: CARCHIVE_AE_IFIFO
    case .socket: CARCHIVE_AE_IFSOCK
    }
  }
}

/// A run of bytes of a sparse file that holds data; the rest of the file is holes (zeros).
public struct SparseRegion: Sendable, Hashable {
  public var offset: Int64
  public var length: Int64
  public init(offset: Int64, length: Int64) {
    self.offset = offset
    self.length = length
  }
}

/// One tar header, copied out of libarchive into a Swift value.
public struct TarEntry: Sendable, Hashable {
  public var path: String
  public var type: EntryType
  /// Permission bits and setuid/setgid/sticky (`st_mode & 07777`).
  public var mode: UInt32
  public var uid: Int64
  public var gid: Int64
  public var size: Int64
  /// Seconds since the epoch; imggit's own output is reproducible, so no sub-second part.
  public var mtime: Int64
  /// The target of a symlink, or the path a hard link points to.
  public var linkTarget: String?
  public var deviceMajor: UInt32 = 0
  public var deviceMinor: UInt32 = 0
  /// Extended attributes, name to raw value.
  public var xattrs: [String: [UInt8]] = [:]
  /// For a sparse file, where its data lies; `size` stays the logical size. nil for a file
  /// stored whole.
  public var sparse: [SparseRegion]?

  public init(
    path: String, type: EntryType, mode: UInt32 = 0o644, uid: Int64 = 0, gid: Int64 = 0,
    size: Int64 = 0, mtime: Int64 = 0, linkTarget: String? = nil
  ) {
    self.path = path
    self.type = type
    self.mode = mode
    self.uid = uid
    self.gid = gid
    self.size = size
    self.mtime = mtime
    self.linkTarget = linkTarget
  }
}
