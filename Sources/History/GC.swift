import Foundation
import ImageModel
import ImageStore
import LayerFS

/// What `gc` removed (or, with a dry run, would remove).
public struct GCReport: Sendable {
  public var blobs: [Digest] = []
  public var bytes: Int64 = 0
  public var caches = 0
  public var reflogEntries = 0
  public var temporaryFiles = 0
  /// Promise records of layers nothing reaches any more.
  public var promises = 0
}

extension Repository {
  /// Deletes blobs and cached layer indexes (and base changes) that no tag and no reflog
  /// entry reaches.
  ///
  /// gc is the one command that deletes, so it fails closed: every read error (an
  /// unreadable reflog folder, a manifest that does not parse) stops it before anything is
  /// removed. It sweeps only while no other imggit command has the store open (see
  /// ``Store/exclusively(whileWaiting:_:)``), so a blob another command found already in
  /// the store and is about to tag is never deleted, whatever its age.
  ///
  /// - Parameters:
  ///   - expireReflog: drop reflog entries older than this many seconds first (the tags'
  ///     current values always stay reachable).
  ///   - grace: blobs and temporary files younger than this are kept, so another tool
  ///     writing into the layout at the same time (skopeo, umoci) loses nothing.
  ///   - whileWaiting: called once if gc must wait for other commands to finish.
  public func gc(
    dryRun: Bool, expireReflog: TimeInterval?, grace: TimeInterval = 3600, whileWaiting: () -> Void = {}
  ) throws -> GCReport {
    var report = GCReport()
    try store.exclusively(whileWaiting: whileWaiting) {
      try updateTags(command: "gc") { update in
        // Entries older than the cutoff no longer count, also in a dry run that keeps them.
        let cutoff = expireReflog.map { Date().addingTimeInterval(-$0) }
        let roots = try store.roots()
        let starts =
          roots.index.manifests + roots.reflogImages(old: true, newerThan: cutoff).map(\.descriptor)
        let (reachable, diffIDs) = try reach(from: starts)
        if let cutoff { report.reflogEntries = try store.expireReflogs(before: cutoff, dryRun: dryRun) }
        let young = Date().addingTimeInterval(-grace)
        var doomed: [Digest] = []
        for digest in try store.blobs() where !reachable.contains(digest) {
          guard let modified = try store.blobModified(digest), modified <= young else { continue }
          doomed.append(digest)
          report.bytes += store.blobSize(digest) ?? 0
        }
        report.blobs = doomed
        if !dryRun { for digest in doomed { try store.removeBlob(digest) } }
        // A promise is kept exactly as long as a blob would be: while something reaches it.
        for p in try store.promises() where !reachable.contains(p.digest) {
          report.promises += 1
          if !dryRun { try store.removePromise(p.digest) }
        }
        report.caches = try LayerIndexer(store: store).removeCaches(keeping: diffIDs, dryRun: dryRun)
        report.caches += try BaseChangesCache(store: store).removeCaches(keeping: diffIDs, dryRun: dryRun)
        if !dryRun { report.temporaryFiles = try store.removeStaleTemporaryFiles(before: young) }
      }
    }
    return report
  }

  /// Every blob the descriptors reach, and the DiffIDs of the images among them.
  ///
  /// Manifests and indexes are read as the model knows them; any other small JSON blob (an
  /// artifact manifest, an index of indexes, a type from the future) is walked generically,
  /// keeping every descriptor it holds. A manifest or index that does not parse stops gc.
  private func reach(from starts: [Descriptor]) throws -> (blobs: Set<Digest>, diffIDs: Set<Digest>) {
    var reachable = Set<Digest>()
    var diffIDs = Set<Digest>()
    var pending = starts.map { (digest: $0.digest, mediaType: $0.mediaType as String?, size: $0.size) }
    while let d = pending.popLast() {
      guard reachable.insert(d.digest).inserted, store.hasBlob(d.digest) else { continue }
      let type = d.mediaType ?? ""
      if MediaType.isLayer(type) { continue }
      if MediaType.isIndex(type) || MediaType.isManifest(type) {
        let data = try store.readBlob(d.digest, limit: Repository.walkLimit)
        for r in try JSONValue.referencedDescriptors(in: data, what: "\(type) \(d.digest)") {
          pending.append((r.digest, r.mediaType, r.size))
        }
        if MediaType.isManifest(type) {
          // An attestation or an artifact has no DiffIDs: only its blobs are kept.
          let m = try Manifest.decode(data, digest: d.digest)
          if m.isImage,
            let config = try? ImageConfig.parse(try store.readBlob(m.config.digest), digest: m.config.digest)
          {
            diffIDs.formUnion(config.diffIDs)
          }
        }
        continue
      }
      // Not a kind imggit models: keep what it references, if it is JSON at all.
      guard let size = store.blobSize(d.digest), size <= Repository.walkLimit else { continue }
      let data = try store.readBlob(d.digest, limit: Repository.walkLimit)
      guard data.first == UInt8(ascii: "{"),
        let refs = try? JSONValue.referencedDescriptors(in: data, what: "blob \(d.digest)")
      else { continue }
      for r in refs { pending.append((r.digest, r.mediaType, r.size)) }
    }
    return (reachable, diffIDs)
  }

  /// Registries refuse manifests over 4 MiB; anything larger is not walked as JSON.
  static let walkLimit = 4 << 20
}
