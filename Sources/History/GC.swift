import Foundation
import ImageModel
import ImageStore

/// What `gc` removed (or, with a dry run, would remove).
public struct GCReport: Sendable {
  public var blobs: [Digest] = []
  public var bytes: Int64 = 0
  public var caches = 0
  public var reflogEntries = 0
  public var temporaryFiles = 0
}

extension Repository {
  /// Deletes blobs and cached layer indexes that no tag and no reflog entry reaches.
  ///
  /// - Parameters:
  ///   - expireReflog: drop reflog entries older than this many seconds first (the tags'
  ///     current values always stay reachable).
  ///   - grace: blobs younger than this are kept, so a concurrent import whose blobs are
  ///     in place but whose tags are not yet set loses nothing.
  public func gc(dryRun: Bool, expireReflog: TimeInterval?, grace: TimeInterval = 3600) throws -> GCReport {
    var report = GCReport()
    try store.update(command: "gc") { update in
      // Entries older than the cutoff no longer count, also in a dry run that keeps them.
      let cutoff = expireReflog.map { Date().addingTimeInterval(-$0) }
      let times = ISO8601DateFormatter()
      var roots = update.index.manifests
      for tag in store.reflogTags() {
        for e in try store.reflog(tag) {
          if let cutoff, let t = times.date(from: e.time), t < cutoff { continue }
          roots += [e.old, e.new].compactMap { $0 }
        }
      }
      if let cutoff { report.reflogEntries = try store.expireReflogs(before: cutoff, dryRun: dryRun) }
      var reachable = Set<Digest>()
      var diffIDs = Set<Digest>()
      var pending = roots
      while let d = pending.popLast() {
        guard reachable.insert(d.digest).inserted, store.hasBlob(d.digest) else { continue }
        if MediaType.isIndex(d.mediaType) {
          let index = try CanonicalJSON.decode(
            ImageIndex.self, from: try store.readBlob(d.digest), what: "index \(d.digest)")
          pending += index.manifests
        } else if MediaType.isManifest(d.mediaType) {
          let m = try Manifest.parse(try store.readBlob(d.digest), digest: d.digest)
          reachable.insert(m.config.digest)
          reachable.formUnion(m.layers.map(\.digest))
          if let config = try? ImageConfig.parse(try store.readBlob(m.config.digest), digest: m.config.digest)
          {
            diffIDs.formUnion(config.diffIDs)
          }
        }
      }
      let young = Date().addingTimeInterval(-grace)
      for digest in store.allBlobs() where !reachable.contains(digest) {
        let path = store.blobPath(digest)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let modified = attributes?[.modificationDate] as? Date, modified > young { continue }
        report.blobs.append(digest)
        report.bytes += store.blobSize(digest) ?? 0
        if !dryRun { try FileManager.default.removeItem(atPath: path) }
      }
      report.caches = store.removeLayerCaches(keeping: diffIDs, dryRun: dryRun)
      if !dryRun { report.temporaryFiles = store.removeStaleTemporaryFiles(before: young) }
    }
    return report
  }
}
