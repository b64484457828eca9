import Foundation
import History
import ImageModel
import ImageStore
import LayerFS
import TarStream

/// What a mirror run did.
public struct MirrorReport: Sendable {
  public let path: String
  public let commits: Int
  public let newCommits: Int
  public let refs: [String]
  public let removedRefs: [String]
}

/// Writes the store's history into a bare git repository through libgit2: one git commit
/// per image commit (config-only ones too), git parents = image parents, so images on a
/// shared base share git history.
///
/// Each commit's tree holds `rootfs/` — the root filesystem at that commit, folders as trees,
/// symlinks as git symlinks, files as a small metadata text (or their bytes with `content`)
/// — and `layer.json`; commits that are the tip of a tag also carry `config.json` and
/// `manifest.json`. Author and time come from the history entry, so the same store gives the
/// same commit ids anywhere. A tree is updated from its parent's only where files changed,
/// and git shares every unchanged subtree.
///
/// Tags become refs `refs/tags/NAME@TAG` (`app:1` → `refs/tags/app@1`: `:` cannot appear in
/// a git ref, `@` can); refs of tags that no longer exist are removed.
public struct Mirror {
  public let repository: Repository

  public init(repository: Repository) { self.repository = repository }

  /// `.imggit/mirror.git` inside the store.
  public static func defaultPath(for store: Store) -> String { "\(store.path)/.imggit/mirror.git" }

  /// The git ref of a tag: `refs/tags/NAME@TAG`. What a git ref cannot hold is %-escaped,
  /// reversibly: `%` itself, `:` (a registry port, `localhost:5000/app:1` →
  /// `refs/tags/localhost%3A5000/app@1`), and a `.` that starts a component, ends it, or
  /// makes `..` or a `.lock` ending (`.hidden:1` → `refs/tags/%2Ehidden@1`).
  public static func refName(for tag: TagName) -> String {
    "refs/tags/\(escapeRef(tag.name))@\(escapeRef(tag.tag))"
  }

  static func escapeRef(_ s: String) -> String {
    s.split(separator: "/", omittingEmptySubsequences: false).map { component -> String in
      var out = ""
      let chars = Array(component)
      for (i, c) in chars.enumerated() {
        switch c {
        case "%": out += "%25"
        case ":": out += "%3A"
        case ".":
          let first = i == 0
          let last = i == chars.count - 1
          let double = i + 1 < chars.count && chars[i + 1] == "."
          let lock = String(chars[i...]) == ".lock"
          out += first || last || double || lock ? "%2E" : "."
        default: out.append(c)
        }
      }
      return out
    }.joined(separator: "/")
  }

  /// The image commit → git commit map the last run wrote (for `log --git-ids`).
  public static func commitMap(at path: String) -> [CommitID: String] {
    records(at: path).mapValues(\.oid)
  }

  /// What the last run wrote for one image commit: the git commit, and the two things besides
  /// the commit itself that decide it — the tip image it carried (if any) and its git parent.
  struct Record {
    let oid: String
    let tip: String
    let parent: String
  }

  /// `imggit-commits` in the git folder: `COMMIT GITCOMMIT TIP PARENT` per line (`-` for none).
  static func records(at path: String) -> [CommitID: Record] {
    guard let text = try? String(contentsOfFile: "\(path)/imggit-commits", encoding: .utf8) else {
      return [:]
    }
    var map: [CommitID: Record] = [:]
    for line in text.split(separator: "\n") {
      let p = line.split(separator: " ").map(String.init)
      if p.count == 4 { map[CommitID(hex: p[0])] = Record(oid: p[1], tip: p[2], parent: p[3]) }
    }
    return map
  }

  /// Mirrors the images `revisions` name (every tagged image when empty).
  public func run(revisions: [Revision], content: Bool, gitPath: String?) throws -> MirrorReport {
    let store = repository.store
    let path = gitPath ?? Mirror.defaultPath(for: store)
    // Resolve first: a bad revision must not leave a new, empty repository behind.
    let resolved = try revisions.map { try repository.resolve($0) }
    let existed = FileManager.default.fileExists(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    // One mirror run at a time: the run owns the repository, and may clear what a killed
    // run of libgit2 left there.
    let lock = try FileLock(path: "\(path)/imggit-mirror-lock")
    defer { withExtendedLifetime(lock) {} }
    do {
      return try write(resolved: resolved, all: revisions.isEmpty, content: content, path: path)
    } catch {
      if !existed { try? FileManager.default.removeItem(atPath: path) }
      throw error
    }
  }

  /// A chain to mirror: an image's commits up to and including `upTo`.
  typealias Chain = (image: Image, upTo: Int)

  private func write(resolved: [CommitRef], all: Bool, content: Bool, path: String) throws -> MirrorReport {
    // Trees, commits and metadata blobs are held and written as packs; a file's bytes
    // (`content`) stream to disk on a handle of their own.
    let git = try GitRepository(bareAt: path, buffered: true)
    var chains: [Chain] = resolved.map { ($0.image, $0.position) }
    if all {
      for tag in try repository.tags() {
        let image = try repository.image(tag.descriptor)
        chains.append((image, image.commits.count - 1))
      }
    }
    let run = MirrorRun(
      repository: repository, git: git, contentGit: content ? try GitRepository(bareAt: path) : nil,
      tips: try tipImages(), previous: Mirror.records(at: path))
    let work = run.reusePrevious(chains)
    // Indexes first, in their own phase, so the commit phase counts only commits. Each
    // chain's are let go once the next chain's are read: a store's worth of indexes held
    // at once took a mirror of a few images of app-big:1 past 100 MB.
    for (n, (image, upTo)) in work.enumerated() {
      _ = try repository.layerIndexes(image, count: image.commits[upTo].layerCount)
      repository.forgetLayerIndexes(keeping: MirrorRun.diffIDs(of: work, at: n + 1))
    }
    try run.writeCommits(work)
    try git.flush()
    let (refs, removed) = all ? try updateRefs(git, commits: run.done) : ([], [])
    try run.saveRecords(to: path)
    return MirrorReport(
      path: path, commits: run.done.count, newCommits: run.newCommits, refs: refs, removedRefs: removed)
  }

  /// The image each tagged tip stands for; a tip carries its config and manifest (the first
  /// tag's image by name, if several tags point at one commit).
  private func tipImages() throws -> [CommitID: Image] {
    var tips: [CommitID: Image] = [:]
    for tag in try repository.tags() {
      let image = try repository.image(tag.descriptor)
      if let tip = image.tip, tips[tip.id] == nil { tips[tip.id] = image }
    }
    return tips
  }

  /// One ref per tag, pointing at its tip's git commit; refs of tags that are gone are removed.
  private func updateRefs(_ git: GitRepository, commits: [CommitID: GitOID]) throws -> ([String], [String]) {
    var refs: [String] = []
    for tag in try repository.tags() {
      guard let tip = try repository.image(tag.descriptor).tip, let oid = commits[tip.id] else { continue }
      let name = Mirror.refName(for: tag.name)
      try git.setReference(name, to: oid, message: "imggit mirror")
      refs.append(name)
    }
    var removed: [String] = []
    for name in try git.references(matching: "refs/tags/*") where !refs.contains(name) {
      try git.removeReference(name)
      removed.append(name)
    }
    return (refs, removed)
  }

  /// The small text that stands for a file when its bytes are not mirrored.
  static func metadata(_ e: FileEntry) -> Data {
    var lines = [
      "type \(e.effectiveType.rawValue)", "mode \(String(e.mode, radix: 8))", "uid \(e.uid)", "gid \(e.gid)",
    ]
    if e.effectiveType == .regular {
      lines.append("size \(e.size)")
      lines.append("sha256 \(e.sha256 ?? "")")
    }
    if e.type == .hardlink, let l = e.link { lines.append("hardlink \(l)") }
    if let major = e.devMajor, let minor = e.devMinor { lines.append("device \(major):\(minor)") }
    for (k, v) in (e.xattrs ?? [:]).sorted(by: { $0.key < $1.key }) {
      lines.append("xattr \(k) \(Data(v).base64EncodedString())")
    }
    return Data((lines.joined(separator: "\n") + "\n").utf8)
  }

  static func layerJSON(_ c: Commit) throws -> Data {
    var json: [String: JSONValue] = ["empty_layer": .bool(c.isEmpty)]
    if let l = c.layer, let d = c.diffID {
      json["digest"] = .string(l.digest.description)
      json["diff_id"] = .string(d.description)
      json["size"] = .int(l.size)
      json["mediaType"] = .string(l.mediaType)
    }
    var data = try CanonicalJSON.encode(JSONValue.object(json))
    data.append(0x0a)
    return data
  }

  static func message(_ c: Commit) -> String {
    var m = c.synthetic ? Summary.title(c) : (c.history.createdBy ?? Summary.title(c))
    if m.isEmpty { m = Summary.title(c) }
    if let comment = c.history.comment, !comment.isEmpty { m += "\n\n" + comment }
    return m + "\n"
  }

  /// `Name <email>` from a history entry's author, else imggit's own identity.
  static func signature(_ author: String?) -> (String, String) {
    guard let a = author?.trimmingCharacters(in: .whitespaces), !a.isEmpty else {
      return ("imggit", "imggit@localhost")
    }
    if let open = a.firstIndex(of: "<"), let close = a.lastIndex(of: ">"), open < close {
      let name = a[..<open].trimmingCharacters(in: .whitespaces)
      let email = String(a[a.index(after: open)..<close])
      return (name.isEmpty ? "imggit" : name, email.isEmpty ? "imggit@localhost" : email)
    }
    // git needs an email; an author given as a bare name gets imggit's placeholder.
    return (a, "imggit@localhost")
  }
}

/// The state of one mirror run: what the last run wrote, and the git commits of this one.
private final class MirrorRun {
  let repository: Repository
  let git: GitRepository
  /// The unbuffered handle that streams file bytes, with `content`.
  let contentGit: GitRepository?
  let tips: [CommitID: Image]
  var content: Bool { contentGit != nil }
  let previous: [CommitID: Mirror.Record]
  /// Image commit → its git commit, for every commit of the chains (reused or written).
  private(set) var done: [CommitID: GitOID] = [:]
  private var records: [CommitID: Mirror.Record] = [:]
  private(set) var newCommits = 0
  /// With `content`: each layer's file blobs, by DiffID and path, written once.
  private var contentBlobs: [Digest: [String: GitOID]] = [:]

  init(
    repository: Repository, git: GitRepository, contentGit: GitRepository?, tips: [CommitID: Image],
    previous: [CommitID: Mirror.Record]
  ) {
    self.repository = repository
    self.git = git
    self.contentGit = contentGit
    self.tips = tips
    self.previous = previous
  }

  private func tipDigest(_ id: CommitID) -> String { tips[id]?.descriptor.digest.hex ?? "-" }

  /// Takes over every chain the last run wrote whole, with the same tip files and parents —
  /// what makes a rerun fast (a content mirror and a metadata mirror are different folders,
  /// so one record file serves each) — and returns the chains still to write.
  func reusePrevious(_ chains: [Mirror.Chain]) -> [Mirror.Chain] {
    var work: [Mirror.Chain] = []
    for chain in chains {
      var parent = "-"
      var oids: [GitOID] = []
      for c in chain.image.commits[...chain.upTo] {
        guard let r = previous[c.id], r.tip == tipDigest(c.id), r.parent == parent,
          let oid = GitOID(hex: r.oid), git.exists(oid)
        else { break }
        oids.append(oid)
        parent = r.oid
      }
      guard oids.count == chain.upTo + 1 else {
        work.append(chain)
        continue
      }
      for (c, oid) in zip(chain.image.commits[...chain.upTo], oids) {
        done[c.id] = oid
        records[c.id] = previous[c.id]
      }
    }
    return work
  }

  /// Writes the git commits of `work`, each chain's `rootfs/` tree updated commit by commit.
  func writeCommits(_ work: [Mirror.Chain]) throws {
    let toWrite = Set(work.flatMap { $0.image.commits[...$0.upTo].map(\.id) }).subtracting(done.keys)
    let progress = toWrite.isEmpty ? nil : repository.progress
    progress?.start("Mirroring", total: Int64(toWrite.count), unit: .items("commits"))
    // A layer's file blobs (`content`) are kept while a later chain has the layer: each
    // layer is read for them once.
    var lastUse: [Digest: Int] = [:]
    for n in work.indices { for d in Self.diffIDs(of: work, at: n) { lastUse[d] = n } }
    for (n, chain) in work.enumerated() {
      try writeChain(chain, progress: progress)
      repository.forgetLayerIndexes(keeping: Self.diffIDs(of: work, at: n + 1))
      contentBlobs = contentBlobs.filter { (lastUse[$0.key] ?? n) > n }
    }
    progress?.finish()
  }

  /// The DiffIDs of the layers of `work[n]`, none past the end: what to keep in memory for
  /// the next chain.
  static func diffIDs(of work: [Mirror.Chain], at n: Int) -> Set<Digest> {
    guard work.indices.contains(n) else { return [] }
    let (image, upTo) = work[n]
    return Set(image.layers.prefix(image.commits[upTo].layerCount).map(\.diffID))
  }

  private func writeChain(_ chain: Mirror.Chain, progress: ProgressReporter?) throws {
    let image = chain.image
    let state = TreeState()
    var tree = RootFS()
    for c in image.commits[...chain.upTo] {
      if let layer = c.layer {
        let changed = try tree.applyRecordingChanges(try repository.layerIndex(layer), at: layer.position)
        if content { try writeContent(layer) }
        // Only the paths the layer touched: the cost of a commit is its own changes.
        for path in changed {
          if let node = tree.nodes[path] {
            state.set(path, try item(for: node, image: image))
          } else {
            state.remove(path)
          }
        }
      }
      if done[c.id] != nil { continue }
      try writeCommit(c, rootfs: try state.write(git))
      progress?.advance(by: 1)
    }
  }

  /// Streams every file of a layer into git blobs, once per DiffID.
  private func writeContent(_ layer: Layer) throws {
    guard let contentGit, contentBlobs[layer.diffID] == nil else { return }
    var blobs: [String: GitOID] = [:]
    try Extractor(store: repository.store).forEachFile(in: layer) { p, feed in
      blobs[p] = try contentGit.blob(streaming: feed)
    }
    contentBlobs[layer.diffID] = blobs
  }

  /// The commit of `c`: `rootfs/`, `layer.json`, and a tip's `config.json` and `manifest.json`.
  private func writeCommit(_ c: Commit, rootfs: GitOID) throws {
    let store = repository.store
    var entries: [(name: String, mode: GitMode, oid: GitOID)] = [
      ("rootfs", .tree, rootfs), ("layer.json", .blob, try git.blob(Mirror.layerJSON(c))),
    ]
    if let tipImage = tips[c.id] {
      entries.append(
        ("config.json", .blob, try git.blob(try store.readBlob(tipImage.manifest.config.digest))))
      entries.append(("manifest.json", .blob, try git.blob(try store.readBlob(tipImage.descriptor.digest))))
    }
    let (name, email) = Mirror.signature(c.history.author)
    let time = Dates.parse(c.history.created).map { Int64($0.timeIntervalSince1970) } ?? 0
    let parent = c.parent.flatMap { done[$0] }
    let (oid, isNew) = try git.commit(
      tree: try git.tree(entries), parents: parent.map { [$0] } ?? [], name: name, email: email, time: time,
      message: Mirror.message(c))
    done[c.id] = oid
    records[c.id] = Mirror.Record(oid: oid.hex, tip: tipDigest(c.id), parent: parent?.hex ?? "-")
    if isNew { newCommits += 1 }
  }

  /// `imggit-commits`: the last run's records, updated with this run's, written atomically.
  func saveRecords(to path: String) throws {
    var all = previous
    for (id, r) in records { all[id] = r }
    let text = all.sorted { $0.key < $1.key }.map {
      "\($0.key.hex) \($0.value.oid) \($0.value.tip) \($0.value.parent)\n"
    }
    .joined()
    try AtomicFile.write(Data(text.utf8), to: "\(path)/imggit-commits")
  }

  /// What a file of the tree becomes in git: a folder, a symlink, its bytes (with
  /// `content`), or the metadata text that stands for it.
  private func item(for node: RootFS.Node, image: Image) throws -> TreeState.Item {
    let e = node.entry
    switch e.type {
    case .directory:
      return .directory
    case .symlink:
      return .blob(try git.blob(Data(FileName.encode(e.link ?? ""))), .symlink)
    case .regular, .hardlink:
      let mode: GitMode = e.mode & 0o111 != 0 ? .executable : .blob
      if content, let s = node.source, let oid = contentBlobs[image.layers[s.layer].diffID]?[s.path] {
        return .blob(oid, mode)
      }
      return .blob(try git.blob(Mirror.metadata(e)), mode)
    default:
      return .blob(try git.blob(Mirror.metadata(e)), .blob)
    }
  }
}

/// The `rootfs/` tree being built: folders with their entries and, once written, their id.
/// A change marks the folders above it dirty and names the entry it changed in each;
/// ``write(_:)`` writes only the dirty folders, each through the tree builder it kept from
/// the last write, re-inserting only the changed names. A commit then costs the folders on
/// the paths it changed, and of each only a sort and a hash, not an insert per entry.
///
/// This is not `git_tree_create_updated`, on purpose: in libgit2 1.5 (Debian's) it drops a
/// folder that ends up empty — an image's empty folder would vanish from the mirror — it
/// cannot turn a tree into a blob or back in one update (layers do that), it reads back
/// every tree it edits, and one name git refuses fails the whole update, where this writes
/// it escaped (see ``GitTreeBuilder``).
final class TreeState {
  enum Item {
    case blob(GitOID, GitMode)
    case directory
  }
  final class Folder {
    var entries: [String: Entry] = [:]
    var oid: GitOID?
    /// Names set or removed since the last write, and subfolders changed below.
    var changed: Set<String> = []
    /// The tree as last written, kept to be edited.
    var builder: GitTreeBuilder?
  }
  enum Entry {
    case blob(GitOID, GitMode)
    case folder(Folder)
  }
  let root = Folder()

  func set(_ path: String, _ item: Item) {
    let parts = path.split(separator: "/").map(String.init)
    guard let name = parts.last else { return }
    var folder = root
    folder.oid = nil
    for part in parts.dropLast() {
      folder.changed.insert(part)
      if case .folder(let f)? = folder.entries[part] {
        folder = f
      } else {
        let f = Folder()
        folder.entries[part] = .folder(f)
        folder = f
      }
      folder.oid = nil
    }
    switch item {
    case .blob(let oid, let mode): folder.entries[name] = .blob(oid, mode)
    case .directory:
      if case .folder? = folder.entries[name] { return }
      folder.entries[name] = .folder(Folder())
    }
    folder.changed.insert(name)
  }

  func remove(_ path: String) {
    let parts = path.split(separator: "/").map(String.init)
    guard let name = parts.last else { return }
    var folder = root
    var chain = [(root, name)]
    for part in parts.dropLast() {
      guard case .folder(let f)? = folder.entries[part] else { return }
      chain[chain.count - 1].1 = part
      folder = f
      chain.append((f, name))
    }
    guard folder.entries.removeValue(forKey: name) != nil else { return }
    for (f, changedName) in chain {
      f.oid = nil
      f.changed.insert(changedName)
    }
  }

  func write(_ git: GitRepository) throws -> GitOID { try write(root, git) }

  private func write(_ folder: Folder, _ git: GitRepository) throws -> GitOID {
    if let oid = folder.oid { return oid }
    // A folder written before re-inserts what changed; a new one, everything it holds.
    let names = folder.builder == nil ? Array(folder.entries.keys) : Array(folder.changed)
    let builder = try folder.builder ?? git.treeBuilder(escaping: true)
    folder.builder = builder
    for name in names {
      switch folder.entries[name] {
      case .blob(let oid, let mode)?: try builder.insert(name, oid, mode)
      case .folder(let f)?: try builder.insert(name, try write(f, git), .tree)
      case nil: builder.remove(name)
      }
    }
    folder.changed.removeAll(keepingCapacity: true)
    let oid = try git.write(builder)
    folder.oid = oid
    return oid
  }
}
