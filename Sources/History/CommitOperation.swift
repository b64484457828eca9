import Foundation
import ImageModel
import ImageStore
import LayerFS

/// What `imggit commit` adds to an image: files, removals and config changes, as one step.
public struct CommitRequest: Sendable {
  /// Host path → path in the image, as `COPY SRC DEST`.
  public var adds: [(source: String, destination: String)] = []
  /// Paths of the image to remove (written as whiteouts).
  public var removes: [String] = []
  /// `KEY=VALUE` entries that replace or extend the environment.
  public var env: [String] = []
  public var cmd: [String]?
  public var entrypoint: [String]?
  public var workdir: String?
  public var user: String?
  public var labels: [String: String] = [:]
  /// The step's `created_by`, as `log` shows it.
  public var message: String
  /// The new layer's compression, and `SOURCE_DATE_EPOCH`: the time of the new step and of
  /// every added file, for reproducible images. Without it the step gets the current time.
  public var options = LayerOptions()

  public init(message: String) { self.message = message }

  var changesFiles: Bool { !adds.isEmpty || !removes.isEmpty }
}

/// The outcome of `imggit commit`.
public struct CommitResult: Sendable {
  /// The new commit, the newest of its image.
  public let ref: CommitRef
  /// The tag that now points at it.
  public let tag: TagName
  /// The platforms the commit was added to, one image each of a new index; empty for a
  /// single-platform image.
  public var platforms: [Platform] = []
}

extension Repository {
  /// Appends one commit to the image at `revision` — a layer when files change, else a
  /// config-only step — and points `tag` (default: the tag named by `revision`) at it.
  @discardableResult
  public func commit(onto revision: Revision, tag: TagName?, _ request: CommitRequest) throws -> CommitResult
  {
    _ = try resolve(revision)
    let target = try targetTag(tag, for: revision)
    let expected = try startingValue(target)
    // One time for every platform, so that their new layers are the same blob.
    let now = request.options.sourceDateEpoch.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
    let rewrite = try forEachPlatform(of: revision) {
      try commitOnePlatform(onto: revision, request, at: now)
    }
    try moveTag(
      target, from: expected, to: rewrite.descriptor, command: "commit \(target) -m \(request.message)")
    let image = rewrite.result
    return CommitResult(
      ref: CommitRef(image: image, position: image.commits.count - 1), tag: target,
      platforms: rewrite.platforms)
  }

  /// The new commit on one platform, checked (paths to remove exist, files to add are
  /// there); the step returned writes its layer and image.
  private func commitOnePlatform(onto revision: Revision, _ request: CommitRequest, at now: Date) throws
    -> Rewrite<Image>
  {
    let ref = try resolve(revision)
    var (manifest, config) = ref.image.truncated(at: ref.position)
    let created = Dates.format(now)
    let mtime = Int64(now.timeIntervalSince1970)

    var entry = HistoryEntry(createdBy: request.message, created: created, emptyLayer: !request.changesFiles)
    entry.json["comment"] = .string("imggit commit")
    let entries = request.changesFiles ? try layerEntries(for: ref, request, mtime: mtime) : nil
    if ref.commit.synthetic {
      // Keep history and layers in step: the synthetic entries become real ones.
      config.history = ref.image.commits.prefix(ref.position + 1).map(\.history)
    }
    config.history.append(entry)
    config.created = created
    applyConfig(request, to: &config)
    return {
      if let entries {
        let layer = try LayerWriter(
          store: self.store, compression: request.options.compression, level: request.options.level,
          indexing: true
        ).write(entries)
        self.keepIndex(of: layer)
        manifest.layers.append(layer.descriptor)
        config.diffIDs.append(layer.diffID)
      }
      let image = try self.write(manifest: manifest, config: config)
      return (image.descriptor, image)
    }
  }

  /// What the new layer holds: whiteouts for the removed paths (each must exist), the added
  /// files, and the folders above them that the image lacks.
  private func layerEntries(for ref: CommitRef, _ request: CommitRequest, mtime: Int64) throws -> [LayerEntry]
  {
    let tree = try rootFS(ref)
    var entries: [LayerEntry] = []
    for path in request.removes {
      let p = try LayerPath.cleanUserPath(path)
      guard !p.isEmpty, tree.nodes[p] != nil else { throw HistoryError.noSuchPath(path, ref.commit.id.short) }
      entries.append(.whiteout(p, mtime: mtime))
    }
    var added = Set<String>()
    for (source, destination) in request.adds {
      for e in try HostFiles.entries(
        source: source, destination: destination, mtime: request.options.sourceDateEpoch)
      {
        entries.append(e)
        added.insert(e.entry.path)
      }
    }
    // Folders above added paths that the image lacks are created; existing ones are left
    // out of the layer so their owner and mode stay as they are.
    var parents = Set<String>()
    for path in added { parents.formUnion(LayerPath.parents(path)) }
    for p in parents where !added.contains(p) && tree.nodes[p]?.entry.type != .directory {
      entries.append(LayerEntry(FileEntry(path: p, type: .directory, mode: 0o755, mtime: mtime)))
    }
    return entries
  }

  private func applyConfig(_ r: CommitRequest, to config: inout ImageConfig) {
    var c = config.json["config"]?.objectValue ?? [:]
    if !r.env.isEmpty {
      var env = (c["Env"]?.arrayValue ?? []).compactMap(\.stringValue)
      for kv in r.env {
        let key = kv.split(separator: "=", maxSplits: 1).first.map(String.init) ?? kv
        env.removeAll { $0 == key || $0.hasPrefix(key + "=") }
        env.append(kv)
      }
      c["Env"] = .array(env.map(JSONValue.string))
    }
    if let cmd = r.cmd { c["Cmd"] = .array(cmd.map(JSONValue.string)) }
    if let ep = r.entrypoint { c["Entrypoint"] = .array(ep.map(JSONValue.string)) }
    if let w = r.workdir { c["WorkingDir"] = .string(w) }
    if let u = r.user { c["User"] = .string(u) }
    if !r.labels.isEmpty {
      var labels = c["Labels"]?.objectValue ?? [:]
      for (k, v) in r.labels { labels[k] = .string(v) }
      c["Labels"] = .object(labels)
    }
    config.json["config"] = .object(c)
  }
}

extension Repository {
  /// The tag a rewriting command moves: the one given, else the existing tag `revision` names.
  func targetTag(_ explicit: TagName?, for revision: Revision) throws -> TagName {
    if let explicit { return explicit }
    guard let name = revision.tagName, try tags().contains(where: { $0.name == name }) else {
      throw HistoryError.needsTag(revision.description)
    }
    return name
  }
}
