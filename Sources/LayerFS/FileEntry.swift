import Foundation
import ImageModel
import TarStream

/// One path of a layer or of a root filesystem, with everything that makes it what it is
/// except the bytes: those are summarised by their SHA-256.
public struct FileEntry: Sendable, Hashable {
  public var path: String
  public var type: EntryType
  public var mode: UInt32
  public var uid: Int64
  public var gid: Int64
  public var size: Int64
  public var mtime: Int64
  /// SHA-256 hex of a regular file's bytes (of the target's, for a hard link).
  public var sha256: String?
  /// A symlink's target, or the path a hard link points to.
  public var link: String?
  /// Extended attributes, name → raw value (base64 only in the cache file).
  public var xattrs: [String: [UInt8]]?
  public var devMajor: UInt32?
  public var devMinor: UInt32?

  /// The same file as far as a root filesystem goes: type, mode, owner, size, content, link
  /// target, xattrs and device numbers. Modification times are not compared.
  public func sameContent(as other: FileEntry) -> Bool {
    effectiveType == other.effectiveType && mode == other.mode && uid == other.uid && gid == other.gid
      && size == other.size && sha256 == other.sha256
      && (type == .symlink ? link == other.link : true) && (xattrs ?? [:]) == (other.xattrs ?? [:])
      && devMajor == other.devMajor && devMinor == other.devMinor
  }

  /// A hard link is a regular file as far as content goes.
  public var effectiveType: EntryType { type == .hardlink ? .regular : type }

  /// The tar header for this entry (its data, if any, comes separately).
  public var tarEntry: TarEntry {
    var e = TarEntry(
      path: path, type: type, mode: mode, uid: uid, gid: gid, size: type == .regular ? size : 0, mtime: mtime,
      linkTarget: link)
    e.deviceMajor = devMajor ?? 0
    e.deviceMinor = devMinor ?? 0
    e.xattrs = xattrs ?? [:]
    return e
  }

  init(path: String, header e: TarEntry) {
    self.path = path
    type = e.type
    mode = e.mode
    uid = e.uid
    gid = e.gid
    size = e.type == .regular ? e.size : 0
    mtime = e.mtime
    link = e.linkTarget
    if !e.xattrs.isEmpty { xattrs = e.xattrs }
    if e.type == .characterDevice || e.type == .blockDevice {
      devMajor = e.deviceMajor
      devMinor = e.deviceMinor
    }
  }

  public init(
    path: String, type: EntryType, mode: UInt32, uid: Int64 = 0, gid: Int64 = 0, size: Int64 = 0,
    mtime: Int64 = 0
  ) {
    self.path = path
    self.type = type
    self.mode = mode
    self.uid = uid
    self.gid = gid
    self.size = size
    self.mtime = mtime
  }
}

/// What one layer does to the filesystem below it: entries it adds or replaces, paths it
/// whites out, folders it makes opaque. Computed once per DiffID and cached.
public struct LayerIndex: Sendable {
  public static let formatVersion = 3
  public var diffID: Digest
  /// Entries in tar order; a path given twice keeps its last entry, at the last place.
  public var entries: [FileEntry]
  public var whiteouts: [String]
  public var opaque: [String]
  /// Paths the tar holds more than once, with how many times: readers of the layer's bytes
  /// take the last (see ``LastEntry``).
  public var repeats: [String: Int]

  public init(
    diffID: Digest, entries: [FileEntry], whiteouts: [String], opaque: [String], repeats: [String: Int] = [:]
  ) {
    self.diffID = diffID
    self.entries = entries
    self.whiteouts = whiteouts
    self.opaque = opaque
    self.repeats = repeats
  }
}

/// Follows a layer's tar stream and tells which header of a repeated path is the last, the
/// one that counts (as for tar, and for the index).
public struct LastEntry {
  private let repeats: [String: Int]
  private var seen: [String: Int] = [:]

  public init(_ index: LayerIndex?) { repeats = index?.repeats ?? [:] }

  /// Call once per header, in order: true when this is the path's last entry in the layer.
  public mutating func isLast(_ path: String) -> Bool {
    guard let total = repeats[path] else { return true }
    seen[path, default: 0] += 1
    return seen[path] == total
  }
}
