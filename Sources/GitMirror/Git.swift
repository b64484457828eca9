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
final class GitRepository {
  private let handle: OpaquePointer
  /// The object database, looked up once: every existence check and commit write uses it.
  private let odb: OpaquePointer
  let path: String
  private static let initialized: Void = {
    git_libgit2_init()
    // Every object a tree or commit of the mirror names was written just before by this
    // process; checking that each exists cost a file lookup per tree entry, and a tree of a
    // thousand files is written again for every commit that changes one. Names are still
    // checked (`.git` and the like), which the escaping of `rootfs/` relies on.
    _ = cgit2_set_strict_object_creation(0)
  }()

  /// Opens the bare repository at `path`, creating it when missing.
  init(bareAt path: String) throws {
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
    handle = repo!
    self.odb = odb
    self.path = path
  }

  deinit {
    git_odb_free(odb)
    git_repository_free(handle)
  }

  /// What a killed libgit2 left (see ``Leftovers``) in a repository no one else is writing.
  static func removeStaleFiles(in path: String) {
    guard let walker = FileManager.default.enumerator(atPath: path) else { return }
    for case let rel as String in walker {
      let name = (rel as NSString).lastPathComponent
      guard Leftovers.isLeftover(name) else { continue }
      unlink("\(path)/\(rel)")
    }
  }

  /// True when an object with this id is in the repository.
  func exists(_ oid: GitOID) -> Bool {
    var o = oid.raw
    return git_odb_exists(odb, &o) == 1
  }

  func blob(_ data: Data) throws -> GitOID {
    var oid = git_oid()
    try data.withUnsafeBytes {
      try GitError.check(
        git_blob_create_from_buffer(&oid, handle, $0.baseAddress, $0.count), "git_blob_create_from_buffer")
    }
    return GitOID(oid)
  }

  /// Writes a blob whose bytes `feed` streams, never holding them whole.
  func blob(streaming feed: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> GitOID {
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

  /// Writes a tree; libgit2 sorts the entries as git requires.
  ///
  /// With `escaping` (the entries of `rootfs/`), names are file names of an image, which
  /// git may refuse (`.git`, and names NTFS would read as `.git`): such a name, and every
  /// name that starts with `~`, is stored with one more `~` in front, so every name fits in
  /// git and the escaping is undone by dropping one leading `~`. Names are bytes
  /// (``FileName``), as git stores them.
  func tree(_ entries: [(name: String, mode: GitMode, oid: GitOID)], escaping: Bool = false) throws -> GitOID
  {
    var builder: OpaquePointer?
    try GitError.check(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new")
    defer { git_treebuilder_free(builder) }
    for e in entries {
      var oid = e.oid.raw
      let mode = git_filemode_t(e.mode.rawValue)
      if escaping && e.name.hasPrefix("~") {
        try GitError.check(
          git_treebuilder_insert(nil, builder, FileName.cString("~" + e.name), &oid, mode),
          "git_treebuilder_insert")
        continue
      }
      let status = git_treebuilder_insert(nil, builder, FileName.cString(e.name), &oid, mode)
      if status == 0 { continue }
      guard escaping else { try GitError.check(status, "git_treebuilder_insert"); continue }
      try GitError.check(
        git_treebuilder_insert(nil, builder, FileName.cString("~" + e.name), &oid, mode),
        "git_treebuilder_insert")
    }
    var out = git_oid()
    try GitError.check(git_treebuilder_write(&out, builder), "git_treebuilder_write")
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
    if git_odb_exists(odb, &oid) == 1 { return (GitOID(oid), false) }
    try GitError.check(git_odb_write(&oid, odb, buffer.ptr, buffer.size, GIT_OBJECT_COMMIT), "git_odb_write")
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
