import Errors
internal import CGit2
import Foundation
import ImageStore
import TarStream

/// A failure inside libgit2, with the function that failed and libgit2's own message.
public struct GitError: ImggitError, Equatable {
  public let function: String
  public let message: String
  public var description: String { "git: \(message) (\(function))" }

  /// Reads `git_error_last()` at once: it is per thread and the next call replaces it.
  static func check(_ code: Int32, _ function: String) throws {
    guard code < 0 else { return }
    let message =
      git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(code)"
    throw GitError(function: function, message: message)
  }
}

/// A git object id, kept as libgit2's 20 bytes: no hex is parsed on the way to libgit2.
public struct GitOID: Sendable, Hashable, CustomStringConvertible {
  let raw: git_oid

  init(_ oid: git_oid) { raw = oid }

  /// Parses 40 hex digits (a record the mirror wrote); nil when they are not an id.
  init?(hex: String) {
    var o = git_oid()
    guard hex.utf8.count == 40, git_oid_fromstr(&o, hex) == 0 else { return nil }
    raw = o
  }

  /// The 40 hex digits.
  public var hex: String {
    var o = raw
    return String(cString: git_oid_tostr_s(&o))
  }
  public var description: String { hex }

  public static func == (a: GitOID, b: GitOID) -> Bool {
    var x = a.raw
    var y = b.raw
    return git_oid_equal(&x, &y) == 1
  }

  public func hash(into hasher: inout Hasher) {
    withUnsafeBytes(of: raw) { hasher.combine(bytes: $0) }
  }
}

/// A mode of a git tree entry.
enum GitMode: UInt32 {
  case blob = 0o100644
  case executable = 0o100755
  case symlink = 0o120000
  case tree = 0o040000
}

/// One repository handle, owned here and freed in `deinit`. Handles are not thread-safe:
/// one instance serves one task.
///
/// A buffered handle keeps the objects it writes in memory (libgit2's mempack) until
/// ``flush()`` writes them as one packfile. A mirror of a thousand commits writes some five
/// thousand small objects; as loose files each is an inode, and after a big delete ext4
/// spends milliseconds per inode looking for one not freed recently (`recently_deleted` in
/// `perf`: 5–6 s of system time for 1,000 layers, against 0.4 s on a fresh disk).
final class GitRepository {
  private let handle: OpaquePointer
  /// The object database, looked up once: every existence check and commit write uses it.
  private let odb: OpaquePointer
  /// The in-memory backend of a buffered handle; the object database owns it.
  private let mempack: UnsafeMutablePointer<git_odb_backend>?
  /// About how many bytes the mempack holds; past ``flushSize`` they are written out.
  private var held = 0
  /// The objects written since the last flush, for the pack.
  private var written: Set<GitOID> = []
  /// The most a buffered handle holds before it writes a pack by itself.
  static let flushSize = 64 << 20
  let path: String
  private static let initialized: Void = {
    git_libgit2_init()
    // Every object a tree or commit of the mirror names was written just before by this
    // process; checking that each exists cost a file lookup per tree entry, and a tree of a
    // thousand files is written again for every commit that changes one. Names are still
    // checked (`.git` and the like), which the escaping of `rootfs/` relies on.
    _ = cgit2_set_strict_object_creation(0)
  }()

  /// Opens the bare repository at `path`, creating it when missing. With `buffered`, the
  /// objects written are held until ``flush()`` (or until they pass ``flushSize``); a
  /// streamed blob (``blob(streaming:)``) is never buffered whole: use another handle.
  init(bareAt path: String, buffered: Bool = false) throws {
    _ = GitRepository.initialized
    var repo: OpaquePointer?
    // Only imggit writes here, under its mirror lock: a lock file libgit2 left is from a
    // run that was killed, and would stop every later run.
    GitRepository.removeStaleFiles(in: path)
    if FileManager.default.fileExists(atPath: path + "/HEAD") {
      try GitError.check(git_repository_open_bare(&repo, path), "git_repository_open_bare")
    } else {
      try GitError.check(git_repository_init(&repo, path, 1), "git_repository_init")
    }
    var odb: OpaquePointer?
    let status = git_repository_odb(&odb, repo)
    guard status == 0, let odb else {
      git_repository_free(repo)
      try GitError.check(status < 0 ? status : -1, "git_repository_odb")
      throw GitError(function: "git_repository_odb", message: "no object database")
    }
    var backend: UnsafeMutablePointer<git_odb_backend>?
    if buffered {
      // Above the loose (1) and pack (2) backends: every write lands here first.
      let status = git_mempack_new(&backend)
      let added = status == 0 ? git_odb_add_backend(odb, backend, 1000) : status
      if added < 0 {
        if status == 0 { backend?.pointee.free(backend) }
        git_odb_free(odb)
        git_repository_free(repo)
        try GitError.check(added, status < 0 ? "git_mempack_new" : "git_odb_add_backend")
      }
    }
    handle = repo!
    self.odb = odb
    self.path = path
    mempack = backend
  }

  deinit {
    git_odb_free(odb)
    git_repository_free(handle)
  }

  /// Writes what the mempack holds as one packfile (libgit2's pack builder and indexer: a
  /// temporary file renamed into `objects/pack/`, so a killed run leaves only a
  /// `pack_git2_` leftover), then empties it. Before any ref names those objects.
  ///
  /// The objects are named one by one (``written``): `git_mempack_dump` packs only commits
  /// and what they reach, so a flush between a tree and its commit would lose the tree, and
  /// it would pack every commit's whole tree again.
  func flush() throws {
    guard let mempack, !written.isEmpty else { return }
    var builder: OpaquePointer?
    try GitError.check(git_packbuilder_new(&builder, handle), "git_packbuilder_new")
    defer { git_packbuilder_free(builder) }
    // Zero: a delta-search thread per core. The trees of a long chain differ by a few
    // entries each and are searched for deltas against each other (a 1,000-layer mirror:
    // 0.75 -> 0.67 s).
    git_packbuilder_set_threads(builder, 0)
    for oid in written {
      var o = oid.raw
      try GitError.check(git_packbuilder_insert(builder, &o, nil), "git_packbuilder_insert")
    }
    try GitError.check(
      git_packbuilder_write(builder, "\(path)/objects/pack", 0, nil, nil), "git_packbuilder_write")
    try GitError.check(git_mempack_reset(mempack), "git_mempack_reset")
    // The pack backend must see the new pack before an existence check (which does not
    // refresh, see ``exists(_:)``) asks for what was in memory.
    try GitError.check(git_odb_refresh(odb), "git_odb_refresh")
    written.removeAll()
    held = 0
  }

  /// Counts an object written to the mempack, and writes a pack when it holds enough. An
  /// object the repository had already (a rerun writes every metadata blob and tree of a
  /// chain again, most of them unchanged) did not land in the mempack: packed again, each
  /// rerun would copy the whole mirror into a pack of its own.
  private func hold(_ oid: GitOID, bytes: Int) throws {
    guard let mempack else { return }
    var o = oid.raw
    guard mempack.pointee.exists(mempack, &o) == 1, written.insert(oid).inserted else { return }
    held += bytes
    if held >= Self.flushSize { try flush() }
  }

  /// What a killed libgit2 left (see ``Leftovers``) in a repository no one else is writing.
  /// libgit2 links a new pack's index into place before the pack itself, so a run killed
  /// between the two leaves a `pack-*.idx` without its `.pack`, which git reports as garbage.
  static func removeStaleFiles(in path: String) {
    guard let walker = FileManager.default.enumerator(atPath: path) else { return }
    for case let rel as String in walker {
      let name = (rel as NSString).lastPathComponent
      let orphanIndex =
        name.hasPrefix("pack-") && name.hasSuffix(".idx")
        && !FileManager.default.fileExists(atPath: "\(path)/\(rel.dropLast(4)).pack")
      guard Leftovers.isLeftover(name) || orphanIndex else { continue }
      unlink("\(path)/\(rel)")
    }
  }

  /// True when an object with this id is in the repository. A miss does not reread
  /// `objects/pack/`: this process is the only writer (under the mirror lock), and a
  /// mirror asks about every new commit, each a miss.
  func exists(_ oid: GitOID) -> Bool {
    var o = oid.raw
    return git_odb_exists_ext(odb, &o, UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)) == 1
  }

  func blob(_ data: Data) throws -> GitOID {
    var oid = git_oid()
    try data.withUnsafeBytes {
      try GitError.check(
        git_blob_create_from_buffer(&oid, handle, $0.baseAddress, $0.count), "git_blob_create_from_buffer")
    }
    try hold(GitOID(oid), bytes: data.count)
    return GitOID(oid)
  }

  /// Writes a blob whose bytes `feed` streams, never holding them whole.
  func blob(streaming feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> GitOID {
    // The mempack has no write stream: libgit2 would hold the blob whole to put it there.
    precondition(mempack == nil, "a streamed blob goes through an unbuffered handle")
    var stream: UnsafeMutablePointer<git_writestream>?
    try GitError.check(git_blob_create_from_stream(&stream, handle, nil), "git_blob_create_from_stream")
    guard let s = stream else {
      throw GitError(function: "git_blob_create_from_stream", message: "no stream")
    }
    do {
      try feed { bytes in
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count > 0 else {
          return
        }
        try GitError.check(s.pointee.write(s, base, bytes.count), "git_writestream.write")
      }
    } catch {
      s.pointee.free(s)
      throw error
    }
    var oid = git_oid()
    try GitError.check(git_blob_create_from_stream_commit(&oid, s), "git_blob_create_from_stream_commit")
    return GitOID(oid)
  }

  /// Writes a tree of `entries` (see ``GitTreeBuilder`` for `escaping`).
  func tree(_ entries: [(name: String, mode: GitMode, oid: GitOID)], escaping: Bool = false) throws -> GitOID
  {
    let builder = try treeBuilder(escaping: escaping)
    for e in entries { try builder.insert(e.name, e.oid, e.mode) }
    return try write(builder)
  }

  /// An empty tree builder of this repository, to edit and write again and again.
  func treeBuilder(escaping: Bool) throws -> GitTreeBuilder {
    var builder: OpaquePointer?
    try GitError.check(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new")
    return GitTreeBuilder(builder!, escaping: escaping)
  }

  /// Writes the tree `builder` holds now; libgit2 sorts the entries as git requires.
  func write(_ builder: GitTreeBuilder) throws -> GitOID {
    var out = git_oid()
    try GitError.check(git_treebuilder_write(&out, builder.pointer), "git_treebuilder_write")
    try hold(GitOID(out), bytes: builder.bytes)
    return GitOID(out)
  }

  /// Writes a commit (unless an identical one exists); returns its id and whether it is new.
  func commit(tree: GitOID, parents: [GitOID], name: String, email: String, time: Int64, message: String)
    throws
    -> (GitOID, isNew: Bool)
  {
    var signature: UnsafeMutablePointer<git_signature>?
    try GitError.check(git_signature_new(&signature, name, email, time, 0), "git_signature_new")
    defer { git_signature_free(signature) }
    var treeObject: OpaquePointer?
    var treeID = tree.raw
    try GitError.check(git_tree_lookup(&treeObject, handle, &treeID), "git_tree_lookup")
    defer { git_tree_free(treeObject) }
    var parentObjects: [OpaquePointer?] = []
    defer { parentObjects.forEach { git_commit_free($0) } }
    for p in parents {
      var c: OpaquePointer?
      var id = p.raw
      try GitError.check(git_commit_lookup(&c, handle, &id), "git_commit_lookup")
      parentObjects.append(c)
    }
    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    try parentObjects.withUnsafeMutableBufferPointer { ps in
      try GitError.check(
        git_commit_create_buffer(
          &buffer, handle, signature, signature, "UTF-8", message, treeObject, ps.count, ps.baseAddress),
        "git_commit_create_buffer")
    }
    var oid = git_oid()
    try GitError.check(git_odb_hash(&oid, buffer.ptr, buffer.size, GIT_OBJECT_COMMIT), "git_odb_hash")
    if exists(GitOID(oid)) { return (GitOID(oid), false) }
    try GitError.check(git_odb_write(&oid, odb, buffer.ptr, buffer.size, GIT_OBJECT_COMMIT), "git_odb_write")
    try hold(GitOID(oid), bytes: buffer.size)
    return (GitOID(oid), true)
  }

  func setReference(_ name: String, to oid: GitOID, message: String) throws {
    var ref: OpaquePointer?
    var id = oid.raw
    try GitError.check(git_reference_create(&ref, handle, name, &id, 1, message), "git_reference_create")
    git_reference_free(ref)
  }

  func references(matching glob: String) throws -> [String] {
    var iterator: OpaquePointer?
    try GitError.check(
      git_reference_iterator_glob_new(&iterator, handle, glob), "git_reference_iterator_glob_new")
    defer { git_reference_iterator_free(iterator) }
    var names: [String] = []
    var name: UnsafePointer<CChar>?
    while git_reference_next_name(&name, iterator) == 0 {
      if let name { names.append(String(cString: name)) }
    }
    return names
  }

  func removeReference(_ name: String) throws {
    try GitError.check(git_reference_remove(handle, name), "git_reference_remove")
  }
}

/// A tree being edited: libgit2's tree builder, owned here and freed in `deinit`. Kept from
/// one commit to the next, a folder of a thousand files that a commit adds one file to costs
/// one insert and a sort, not a thousand inserts (each checks its name against what git
/// refuses: half of a long chain's mirror, before).
///
/// With `escaping` (the entries of `rootfs/`), names are file names of an image, which git
/// may refuse (`.git`, and names NTFS would read as `.git`): such a name, and every name
/// that starts with `~`, is stored with one more `~` in front, so every name fits in git and
/// the escaping is undone by dropping one leading `~`. A stored `~x` therefore stands for a
/// refused `x` only. Names are bytes (``FileName``), as git stores them.
final class GitTreeBuilder {
  fileprivate let pointer: OpaquePointer
  private let escaping: Bool
  /// About what the tree takes: each entry's mode, name (some 12 bytes) and 20-byte id.
  fileprivate var bytes: Int { git_treebuilder_entrycount(pointer) * 40 }

  fileprivate init(_ pointer: OpaquePointer, escaping: Bool) {
    self.pointer = pointer
    self.escaping = escaping
  }

  deinit { git_treebuilder_free(pointer) }

  /// Adds `name`, or replaces what the tree had under it.
  func insert(_ name: String, _ id: GitOID, _ mode: GitMode) throws {
    var oid = id.raw
    let fileMode = git_filemode_t(mode.rawValue)
    if escaping {
      // Were `name` refused before and not now, its escaped entry would stay beside the
      // new one. libgit2 1.5 refuses a name whatever its mode; git itself checks some
      // names (`.gitmodules`) only as symlinks, and a later libgit2 may too.
      if !name.hasPrefix("~") { git_treebuilder_remove(pointer, FileName.cString("~" + name)) }
      if !name.hasPrefix("~"),
        git_treebuilder_insert(nil, pointer, FileName.cString(name), &oid, fileMode) == 0
      {
        return
      }
      try GitError.check(
        git_treebuilder_insert(nil, pointer, FileName.cString("~" + name), &oid, fileMode),
        "git_treebuilder_insert")
      return
    }
    try GitError.check(
      git_treebuilder_insert(nil, pointer, FileName.cString(name), &oid, fileMode), "git_treebuilder_insert")
  }

  /// Takes `name` out of the tree, under whichever form it was stored.
  func remove(_ name: String) {
    if git_treebuilder_remove(pointer, FileName.cString(escaping && name.hasPrefix("~") ? "~" + name : name))
      == 0
    {
      return
    }
    if escaping, !name.hasPrefix("~") { git_treebuilder_remove(pointer, FileName.cString("~" + name)) }
  }
}
