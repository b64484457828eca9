import Foundation
import ImageModel
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// An OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/`), exactly as
/// skopeo and umoci write it, plus imggit's own folder `.imggit/` (lock, reflogs, temp files,
/// caches). Any layout those tools write is a valid store and the other way round.
///
/// Reads verify digests. Writes go through temp file → fsync → verify → rename, and
/// `index.json` is replaced atomically under an exclusive lock (see ``update(command:_:)``).
public final class Store: Sendable {
  /// The layout's folder.
  public let path: String
  /// This store's share of the store-wide use lock (see ``StoreUse``); nil when the store
  /// cannot be written (imggit's folder cannot be made), so no gc can run from here either.
  private let use: StoreUse?
  /// Who fetches promised blobs (see ``fetcher``).
  let fetcherSlot = FetcherSlot()
  /// The last `index.json` read, as bytes and as parsed.
  private let lastIndex = Mutex<(data: Data, index: ImageIndex)?>(nil)

  /// Opens the layout at `path`. With `create`, a missing or empty folder becomes a new
  /// layout; a folder with other content that is not a layout is refused.
  ///
  /// An open store holds a shared lock for as long as it lives, so a concurrent `gc` waits
  /// before it sweeps: whatever this store's operations find "already there" stays there.
  public init(path: String, create: Bool) throws {
    let path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    self.path = path
    if !FS.exists("\(path)/oci-layout") {
      let empty = try !FS.exists(path) || (FS.isDirectory(path) && FS.listDirectory(path).isEmpty)
      guard create, empty else { throw StoreError.notALayout(path: path) }
      try Store.initialize(path)
    }
    guard FS.exists("\(path)/index.json") else { throw StoreError.notALayout(path: path) }
    let imggit = "\(path)/.imggit"
    use = (try? FS.makeDirectories(imggit)).flatMap { try? StoreUse.acquire(imggitDirectory: imggit) }
  }

  /// The store to use when none is named: `$IMGGIT_STORE`, else `$XDG_DATA_HOME/imggit`,
  /// else `~/.local/share/imggit`.
  public static func defaultPath(environment: [String: String]) -> String {
    if let s = environment["IMGGIT_STORE"], !s.isEmpty { return s }
    if let x = environment["XDG_DATA_HOME"], !x.isEmpty { return "\(x)/imggit" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return "\(home)/.local/share/imggit"
  }

  static func initialize(_ path: String) throws {
    try FS.makeDirectories("\(path)/blobs/sha256")
    try FS.makeDirectories("\(path)/.imggit/tmp")
    try FS.makeDirectories("\(path)/.imggit/logs")
    let tmp = "\(path)/blobs"
    try FS.atomicWrite(
      Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8), to: "\(path)/oci-layout", tempDirectory: tmp)
    try FS.atomicWrite(try CanonicalJSON.encode(ImageIndex()), to: "\(path)/index.json", tempDirectory: tmp)
  }

  // MARK: - Folders

  var imggitDirectory: String { "\(path)/.imggit" }
  var tempDirectory: String { "\(imggitDirectory)/tmp" }
  var reflogDirectory: String { "\(imggitDirectory)/logs" }

  func ensureImggitDirectories() throws {
    try FS.makeDirectories(tempDirectory)
    try FS.makeDirectories(reflogDirectory)
  }

  // MARK: - Caches

  /// A namespace of imggit's cache (`.imggit/cache/NAMESPACE/`), owned by the module that
  /// fills it: it alone knows its file names. Everything in a cache can be rebuilt.
  public func cache(_ namespace: String) -> Cache {
    Cache(store: self, folder: "\(imggitDirectory)/cache/\(namespace)")
  }

  /// Removes what interrupted commands and their libraries left in `.imggit/`, if older
  /// than `cutoff`; returns how many. That is everything in `.imggit/tmp` (staged blobs,
  /// atomic writes), and anywhere below `.imggit/` the lock files and half-written objects
  /// of libgit2 (`*.lock`, `tmp_object_*`, `pack_git2_*`), Foundation's atomic-write
  /// files (`.dat.nosync*`) and imggit's atomic writes made beside their target
  /// (`write.XXXXXX`, the mirror's). gc calls it while no other command has the store open
  /// (a mirror of the store holds it open), so none of these is a live command's.
  public func removeStaleTemporaryFiles(before cutoff: Date) throws -> Int {
    var removed = 0
    func stale(_ path: String) throws -> Bool {
      guard let modified = try FS.modified(path) else { return false }
      return modified < cutoff
    }
    for name in try FS.listDirectory(tempDirectory) where try stale("\(tempDirectory)/\(name)") {
      try FS.removeTree("\(tempDirectory)/\(name)")
      removed += 1
    }
    func sweep(_ dir: String) throws {
      for name in try FS.listDirectory(dir) {
        let path = "\(dir)/\(name)"
        if FS.isRealDirectory(path) {
          if path != tempDirectory { try sweep(path) }
          continue
        }
        if Leftovers.isLeftover(name), try stale(path) {
          try FS.remove(path)
          removed += 1
        }
      }
    }
    try sweep(imggitDirectory)
    return removed
  }

  // MARK: - Blobs

  /// Where the blob with `digest` lives, whether or not it exists.
  public func blobPath(_ digest: Digest) -> String { "\(path)/blobs/sha256/\(digest.hex)" }

  public func hasBlob(_ digest: Digest) -> Bool { FS.exists(blobPath(digest)) }

  /// The size of a blob's file as it is on disk (nil when it is missing).
  public func blobSize(_ digest: Digest) -> Int64? { FS.size(blobPath(digest)) }

  /// Reads a small blob (manifest, config) whole and verifies its digest and, if given, size.
  public func readBlob(_ digest: Digest, size: Int64? = nil, limit: Int = 16 << 20) throws -> Data {
    let p = blobPath(digest)
    try materialize(digest)
    let data: Data
    do {
      data = try FS.readFile(p, limit: limit)
    } catch StoreError.io(_, _, EFBIG) {
      throw StoreError.tooLarge(digest, limit: limit)
    }
    let actual = Digest(of: data)
    guard actual == digest else { throw StoreError.blobCorrupt(digest, actual: actual, path: p) }
    if let size, size != Int64(data.count) {
      throw StoreError.sizeMismatch(digest, expected: size, actual: Int64(data.count), path: p)
    }
    return data
  }

  /// Streams a blob of any size to `body` and verifies digest and size at the end, so a
  /// corrupt blob is reported (by digest and path) after its bytes were seen, never silently.
  public func streamBlob(
    _ digest: Digest, size: Int64? = nil, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let p = blobPath(digest)
    guard FS.exists(p) else { throw StoreError.blobMissing(digest, path: p) }
    let file = try FileHandleFD(path: p, flags: O_RDONLY)
    var hasher = DigestHasher()
    try file.forEachChunk { chunk in
      hasher.update(chunk)
      try body(chunk)
    }
    let actual = hasher.finalize()
    guard actual == digest else { throw StoreError.blobCorrupt(digest, actual: actual, path: p) }
    if let size, size != hasher.count {
      throw StoreError.sizeMismatch(digest, expected: size, actual: hasher.count, path: p)
    }
  }

  /// Verifies a blob in place, without keeping its bytes.
  public func verifyBlob(_ digest: Digest, size: Int64? = nil) throws {
    try streamBlob(digest, size: size) { _ in }
  }

  /// Starts a new blob in the store's temp folder.
  public func blobWriter() throws -> BlobWriter {
    try ensureImggitDirectories()
    return try BlobWriter(directory: tempDirectory)
  }

  /// Moves a verified blob into `blobs/sha256/`. A blob already there is kept: blobs are
  /// content-addressed, so the two are the same bytes.
  public func publish(_ blob: StagedBlob) throws {
    let destination = blobPath(blob.digest)
    if FS.exists(destination) { return }
    try blob.temp.rename(to: destination)
    try FS.syncDirectory(of: destination)
  }

  /// Writes a small blob (manifest, config) and returns its digest and size.
  @discardableResult
  public func writeBlob(_ data: Data) throws -> (digest: Digest, size: Int64) {
    let digest = Digest(of: data)
    if hasBlob(digest) { return (digest, Int64(data.count)) }
    let writer = try blobWriter()
    try writer.write(data)
    let staged = try writer.finish(expected: digest)
    try publish(staged)
    return (digest, Int64(data.count))
  }

  /// Every blob file name under `blobs/sha256/` that is a digest.
  ///
  /// - Throws: ``StoreError/io(operation:path:errno:)`` when the folder cannot be read.
  public func blobs() throws -> [Digest] {
    try FS.listDirectory("\(path)/blobs/sha256").compactMap { try? Digest(hex: $0) }.sorted()
  }

  /// Opens a blob for reading (layers are read through this, in blocks); a promised blob is
  /// fetched first (see ``materialize(_:)``).
  public func openBlob(_ digest: Digest) throws -> BlobFile {
    let p = blobPath(digest)
    try materialize(digest)
    return try BlobFile(path: p)
  }

  /// When a blob's file was last written (nil when it is missing).
  public func blobModified(_ digest: Digest) throws -> Date? { try FS.modified(blobPath(digest)) }

  /// Deletes a blob. Only `gc` calls this, under ``exclusively(whileWaiting:_:)``.
  public func removeBlob(_ digest: Digest) throws { try FS.remove(blobPath(digest)) }

  // MARK: - Images

  /// Reads the manifest and config `descriptor` names, verifying both. For a multi-platform
  /// index, the image of `platform` (see ``platformImage(_:platform:)``).
  ///
  /// - Throws: ``StoreError`` for a missing or corrupt blob, ``ModelError`` for content that is
  ///   not an image (malformed JSON, history that does not match the layers, an index without
  ///   the platform).
  public func image(_ descriptor: Descriptor, platform: PlatformChoice? = nil) throws -> Image {
    if MediaType.isIndex(descriptor.mediaType) {
      return try image(try platformImage(descriptor, platform: platform))
    }
    guard MediaType.isManifest(descriptor.mediaType) else {
      throw ModelError.unsupportedMediaType(descriptor.mediaType, what: "manifest \(descriptor.digest)")
    }
    let manifestData = try readBlob(descriptor.digest, size: descriptor.size)
    let manifest = try Manifest.parse(manifestData, digest: descriptor.digest)
    let configData = try readBlob(manifest.config.digest, size: manifest.config.size)
    let config = try ImageConfig.parse(configData, digest: manifest.config.digest)
    return try Image(descriptor: descriptor, manifest: manifest, config: config)
  }

  /// Reads a multi-platform index, verified.
  public func index(_ descriptor: Descriptor) throws -> ImageIndex {
    let data = try readBlob(descriptor.digest, size: descriptor.size)
    return try CanonicalJSON.decode(ImageIndex.self, from: data, what: "index \(descriptor.digest)")
  }

  /// The entry of the index `descriptor` names that `platform` chooses; without a choice,
  /// the host's image, else the first one (so listings work on any store).
  ///
  /// - Throws: ``ModelError/noPlatform(what:wanted:available:)`` when it has none.
  public func platformImage(_ descriptor: Descriptor, platform: PlatformChoice?) throws -> Descriptor {
    let index = try self.index(descriptor)
    let chosen =
      platform.map { $0.pick(from: index) } ?? PlatformChoice.host.pick(from: index) ?? index.images.first
    guard let chosen else {
      throw ModelError.noPlatform(
        what: "index \(descriptor.digest.short)", wanted: platform?.description ?? "linux/amd64",
        available: index.platformLabels)
    }
    return chosen
  }

  /// Writes the manifest and config of a new image (from `tag`ging an intermediate commit,
  /// or an import) and returns the manifest's descriptor.
  public func writeImage(manifest: Manifest, config: ImageConfig) throws -> Descriptor {
    try write(manifest: manifest, config: config).descriptor
  }

  /// ``writeImage(manifest:config:)``, returning the image as the value written, so that
  /// nothing is read back to learn what was just built.
  public func write(manifest: Manifest, config: ImageConfig) throws -> Image {
    try write(manifest: manifest, config: config, commits: nil)
  }

  /// ``write(manifest:config:)`` of a manifest and config already known to describe
  /// `commits` (see ``Image``'s initializer).
  package func write(manifest: Manifest, config: ImageConfig, commits: [Commit]?) throws -> Image {
    var manifest = manifest
    let (configDigest, configSize) = try writeBlob(try config.encoded())
    manifest.config = Descriptor(
      mediaType: manifest.config.mediaType, digest: configDigest, size: configSize)
    let (digest, size) = try writeBlob(try CanonicalJSON.encode(manifest))
    let descriptor = Descriptor(
      mediaType: manifest.mediaType ?? MediaType.ociManifest, digest: digest, size: size)
    return try Image(descriptor: descriptor, manifest: manifest, config: config, commits: commits)
  }

  // MARK: - index.json and tags

  public func readIndex() throws -> ImageIndex {
    let data = try FS.readFile("\(path)/index.json")
    // A tag move reads the index twice, before its lock and under it; read unchanged bytes
    // once.
    if let known = lastIndex.withLock({ $0 }), known.data == data { return known.index }
    let index = try CanonicalJSON.decode(ImageIndex.self, from: data, what: "\(path)/index.json")
    lastIndex.withLock { $0 = (data, index) }
    return index
  }

  /// Every tagged image of the store, sorted by name.
  public func tags() throws -> [Tag] {
    try Tag.all(in: readIndex())
  }

  /// The image a tag points to.
  public func tag(_ name: TagName) throws -> Tag {
    guard let t = try tags().first(where: { $0.name == name }) else { throw StoreError.unknownTag(name) }
    return t
  }

  /// Runs `body` under the store's exclusive lock on a fresh read of `index.json`, then
  /// replaces `index.json` atomically and records every tag move in the reflog. Two imggit
  /// processes therefore never lose each other's tag updates. If `body` throws, nothing
  /// is written.
  ///
  /// The moves are first written to a journal; only then is `index.json` replaced, and
  /// then the reflog appended. A crash (or a full disk) at any point leaves either no
  /// visible change, or a moved tag whose reflog entries the journal still holds: readers
  /// see them already, and the next update appends them (``completeInterruptedUpdate()``).
  /// The reflog therefore never names a move that did not happen. A reflog that cannot be
  /// written at all (immutable, read-only) refuses the update before anything is written,
  /// so no move is made that the reflog could not record.
  public func update<R>(command: String, _ body: (inout TagUpdate) throws -> R) throws -> R {
    try ensureImggitDirectories()
    let lock = try FileLock(path: "\(imggitDirectory)/lock")
    defer { withExtendedLifetime(lock) {} }
    try completeInterruptedUpdate()
    var update = TagUpdate(index: try readIndex())
    let result = try body(&update)
    guard !update.moves.isEmpty else { return result }
    let reflogs = try openReflogs(for: update.moves.map(\.tag))
    let time = Dates.now()
    let indexData = try CanonicalJSON.encode(update.index)
    let journal = TagJournal(
      index: Digest(of: indexData),
      moves: update.moves.map {
        TagJournal.Move(
          tag: $0.tag, entry: ReflogEntry(old: $0.old, new: $0.new, time: time, command: command))
      })
    try FS.atomicWrite(try CanonicalJSON.encode(journal), to: journalPath, tempDirectory: tempDirectory)
    do {
      try FS.atomicWrite(indexData, to: "\(path)/index.json", tempDirectory: tempDirectory)
    } catch {
      // The rename may or may not have happened; the journal tells which, by digest.
      try? completeInterruptedUpdate()
      throw error
    }
    // The tags have moved. If the reflog cannot be appended now (a full disk), the journal
    // keeps the entries, readers merge them, and the next update appends them.
    try? completeInterruptedUpdate(applied: journal, reflogs: reflogs)
    return result
  }
}
