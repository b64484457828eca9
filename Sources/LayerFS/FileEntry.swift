import Foundation
import ImageModel
import TarStream

/// One path of a layer or of a root filesystem, with everything that makes it what it is
/// except the bytes: those are summarised by their SHA-256.
///
/// It is a tar header (``TarEntry``, the one model of a file's metadata) plus that digest.
/// The header is kept normalised, so two entries compare equal when the file is the same:
/// no size but a regular file's, no device numbers but a device's, no sparse map (the digest
/// already covers the holes).
public struct FileEntry: Sendable, Hashable {
  /// The header, as a layer writes it back (its data, if any, comes separately).
  public private(set) var header: TarEntry
  /// SHA-256 hex of a regular file's bytes (of the target's, for a hard link).
  public var sha256: String?

  public var path: String {
    get { header.path }
    set { header.path = newValue }
  }
  public var type: EntryType {
    get { header.type }
    set { header.type = newValue }
  }
  public var mode: UInt32 {
    get { header.mode }
    set { header.mode = newValue }
  }
  public var uid: Int64 {
    get { header.uid }
    set { header.uid = newValue }
  }
  public var gid: Int64 {
    get { header.gid }
    set { header.gid = newValue }
  }
  public var size: Int64 {
    get { header.size }
    set { header.size = newValue }
  }
  public var mtime: Int64 {
    get { header.mtime }
    set { header.mtime = newValue }
  }
  /// A symlink's target, or the path a hard link points to.
  public var link: String? {
    get { header.linkTarget }
    set { header.linkTarget = newValue }
  }
  /// Extended attributes, name → raw value (base64 only in the cache file); nil for none.
  public var xattrs: [String: [UInt8]]? {
    get { header.xattrs.isEmpty ? nil : header.xattrs }
    set { header.xattrs = newValue ?? [:] }
  }
  private var isDevice: Bool { type == .characterDevice || type == .blockDevice }
  public var devMajor: UInt32? {
    get { isDevice ? header.deviceMajor : nil }
    set { header.deviceMajor = newValue ?? 0 }
  }
  public var devMinor: UInt32? {
    get { isDevice ? header.deviceMinor : nil }
    set { header.deviceMinor = newValue ?? 0 }
  }

  /// The same file as far as a root filesystem goes: type, mode, owner, size, content, link
  /// target, xattrs and device numbers. Modification times are not compared.
  public func sameContent(as other: FileEntry) -> Bool {
    effectiveType == other.effectiveType && mode == other.mode && uid == other.uid && gid == other.gid
      && size == other.size && sha256 == other.sha256
      && (type == .symlink ? link == other.link : true) && header.xattrs == other.header.xattrs
      && devMajor == other.devMajor && devMinor == other.devMinor
  }

  /// A hard link is a regular file as far as content goes.
  public var effectiveType: EntryType { type == .hardlink ? .regular : type }

  /// The entry of a header read from a layer, under its cleaned `path`.
  init(path: String, header e: TarEntry) {
    header = e
    header.path = path
    if e.type != .regular { header.size = 0 }
    if !isDevice {
      header.deviceMajor = 0
      header.deviceMinor = 0
    }
    header.sparse = nil
  }

  public init(
    path: String, type: EntryType, mode: UInt32, uid: Int64 = 0, gid: Int64 = 0, size: Int64 = 0,
    mtime: Int64 = 0
  ) {
    header = TarEntry(path: path, type: type, mode: mode, uid: uid, gid: gid, size: size, mtime: mtime)
  }
}

/// What one layer does to the filesystem below it: entries it adds or replaces, paths it
/// whites out, folders it makes opaque. Computed once per DiffID and cached.
public struct LayerIndex: Sendable {
  // 4: names are decoded canonical-safe (see FileName); a version 3 file holds NFD names
  // as plain strings, which would be read as their NFC twins.
  public static let formatVersion = 4
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
