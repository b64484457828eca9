import Foundation
import ImageModel
import ImageStore

/// One problem `fsck` found, naming the blob and file involved.
public struct FsckProblem: Sendable, Hashable, CustomStringConvertible {
  public let digest: Digest?
  public let path: String?
  public let message: String
  public var description: String { message }
}

/// The outcome of `fsck`.
public struct FsckReport: Sendable {
  public let blobsChecked: Int
  public let bytesChecked: Int64
  public let imagesChecked: Int
  public let problems: [FsckProblem]
  /// Things that lose nothing but deserve a look: a reflog that disagrees with
  /// `index.json` (a tag moved by another tool), an interrupted tag update that the next
  /// command completes.
  public let warnings: [FsckProblem]
  /// Blobs of partial images that a registry promises (fetched when needed): not a problem.
  public let promised: [BlobPromise]
}

extension Repository {
  /// Verifies every blob's digest, and that every image the index and the reflogs name has
  /// its manifest, config and layers, with sizes and layer counts that agree.
  public func fsck() -> FsckReport {
    var problems: [FsckProblem] = []
    var corrupt = Set<Digest>()
    var bytes: Int64 = 0
    let blobs: [Digest]
    do {
      blobs = try store.blobs()
    } catch {
      problems.append(FsckProblem(digest: nil, path: "\(store.path)/blobs/sha256", message: "\(error)"))
      blobs = []
    }
    let total = blobs.totalSize { store.blobSize($0) ?? 0 }
    progress.phase("Checking blobs", total: total) {
      for d in blobs {
        do {
          try store.streamBlob(d) {
            bytes += Int64($0.count)
            progress?.advance(by: Int64($0.count))
          }
        } catch {
          corrupt.insert(d)
          problems.append(FsckProblem(digest: d, path: store.blobPath(d), message: "\(error)"))
        }
      }
    }
    var roots: [(String, Descriptor)] = []
    var warnings: [FsckProblem] = []
    do {
      let storeRoots = try store.consistentRoots()
      for d in storeRoots.index.manifests {
        roots.append((Tag.displayName(d) ?? "untagged manifest \(d.digest.short)", d))
      }
      roots += storeRoots.reflogImages(old: false)
      warnings += reflogWarnings(storeRoots)
    } catch {
      problems.append(FsckProblem(digest: nil, path: nil, message: "cannot read the store's roots: \(error)"))
    }
    if store.hasInterruptedUpdate {
      warnings.append(
        FsckProblem(
          digest: nil, path: nil,
          message:
            "a tag update was interrupted; its reflog entries are kept and the next tag move completes it"))
    }
    var checked = Set<Digest>()
    var promised: [Digest: BlobPromise] = [:]
    for (label, d) in roots where checked.insert(d.digest).inserted {
      problems += checkImage(d, label: label, corrupt: corrupt, promised: &promised)
    }
    return FsckReport(
      blobsChecked: blobs.count, bytesChecked: bytes, imagesChecked: checked.count, problems: problems,
      warnings: warnings, promised: promised.values.sorted { $0.digest < $1.digest })
  }

  /// Where a reflog and `index.json` disagree: the newest entry must be the tag's value
  /// (or its deletion), and each entry must start where the one before it ended.
  private func reflogWarnings(_ roots: StoreRoots) -> [FsckProblem] {
    var warnings: [FsckProblem] = []
    let current = Dictionary(
      roots.tags.map { ($0.name, $0.descriptor.bare) }, uniquingKeysWith: { a, _ in a })
    for (tag, entries) in roots.reflogs {
      guard let newest = entries.first else { continue }
      if newest.new?.digest != current[tag]?.digest {
        let now = current[tag].map { "points to \($0.digest)" } ?? "does not exist"
        let logged = newest.new.map { "ends at \($0.digest)" } ?? "ends with its deletion"
        warnings.append(
          FsckProblem(
            digest: current[tag]?.digest, path: nil,
            message:
              "the reflog of \(tag) \(logged), but in index.json the tag \(now) (moved by another tool?)"))
      }
      for n in entries.indices.dropLast() where entries[n].old?.digest != entries[n + 1].new?.digest {
        warnings.append(
          FsckProblem(
            digest: entries[n + 1].new?.digest, path: nil,
            message:
              "the reflog of \(tag) is not continuous: \(tag)@{\(n + 1)} is not where \(tag)@{\(n)} started"))
      }
    }
    return warnings
  }

  private func checkImage(
    _ d: Descriptor, label: String, corrupt: Set<Digest>, promised: inout [Digest: BlobPromise]
  ) -> [FsckProblem] {
    var problems: [FsckProblem] = []
    func need(_ blob: Descriptor, _ what: String, mayBePromised: Bool = false) -> Bool {
      let path = store.blobPath(blob.digest)
      if mayBePromised, !store.hasBlob(blob.digest), let p = store.promised(blob.digest) {
        if p.size != blob.size {
          problems.append(
            FsckProblem(
              digest: blob.digest, path: path,
              message:
                "\(label): \(what) \(blob.digest) is promised with \(p.size) bytes, its descriptor says \(blob.size)"
            ))
        }
        promised[blob.digest] = p
        return false
      }
      guard store.hasBlob(blob.digest) else {
        problems.append(
          FsckProblem(
            digest: blob.digest, path: path, message: "\(label): \(what) \(blob.digest) is missing (\(path))")
        )
        return false
      }
      if corrupt.contains(blob.digest) {
        problems.append(
          FsckProblem(
            digest: blob.digest, path: path, message: "\(label): \(what) \(blob.digest) is corrupt (\(path))")
        )
        return false
      }
      if blob.size >= 0, let actual = store.blobSize(blob.digest), actual != blob.size {
        problems.append(
          FsckProblem(
            digest: blob.digest, path: path,
            message: "\(label): \(what) \(blob.digest) has \(actual) bytes, its descriptor says \(blob.size)")
        )
        return false
      }
      return true
    }
    let kind = MediaType.isIndex(d.mediaType) ? "index" : "manifest"
    guard need(d, kind) else { return problems }
    do {
      if MediaType.isManifest(d.mediaType),
        try Manifest.decode(
          try store.readBlob(d.digest, size: d.size, limit: Repository.walkLimit), digest: d.digest
        )
        .isImage
      {
        // Read, not kept: a tag moved a thousand times names a thousand images, which held
        // at once took a gigabyte.
        let img = try store.image(d)
        _ = need(img.manifest.config, "config")
        for (n, layer) in img.manifest.layers.enumerated() {
          _ = need(layer, "layer \(n + 1)", mayBePromised: true)
        }
      } else if MediaType.isIndex(d.mediaType) {
        // Every platform's image, not only the one history commands work on.
        let index = try CanonicalJSON.decode(
          ImageIndex.self, from: try store.readBlob(d.digest, size: d.size), what: "index \(d.digest)")
        for m in index.manifests {
          let platform = m.platform.map { " \($0.os)/\($0.architecture)" } ?? ""
          problems += checkImage(m, label: "\(label)\(platform)", corrupt: corrupt, promised: &promised)
        }
      } else {
        // A kind imggit does not model (an attestation, an artifact): what it references must
        // be there.
        let data = try store.readBlob(d.digest, size: d.size, limit: Repository.walkLimit)
        for r in try JSONValue.referencedDescriptors(in: data, what: "\(d.mediaType) \(d.digest)") {
          _ = need(Descriptor(mediaType: r.mediaType ?? "", digest: r.digest, size: r.size), "blob")
        }
      }
    } catch {
      problems.append(
        FsckProblem(digest: d.digest, path: store.blobPath(d.digest), message: "\(label): \(error)"))
    }
    return problems
  }
}
