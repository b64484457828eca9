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
}

extension Repository {
  /// Verifies every blob's digest, and that every image the index and the reflogs name has
  /// its manifest, config and layers, with sizes and layer counts that agree.
  public func fsck() -> FsckReport {
    var problems: [FsckProblem] = []
    var corrupt = Set<Digest>()
    var bytes: Int64 = 0
    let blobs = store.allBlobs()
    let total = blobs.reduce(Int64(0)) { $0 + (store.blobSize($1) ?? 0) }
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
    do {
      for d in try store.readIndex().manifests {
        roots.append((Tag.displayName(d) ?? "untagged manifest \(d.digest.short)", d))
      }
    } catch {
      problems.append(FsckProblem(digest: nil, path: "\(store.path)/index.json", message: "\(error)"))
    }
    for tag in store.reflogTags() {
      do {
        for (n, e) in try store.reflog(tag).enumerated() {
          if let d = e.new { roots.append(("\(tag)@{\(n)}", d)) }
        }
      } catch {
        problems.append(FsckProblem(digest: nil, path: nil, message: "reflog of \(tag): \(error)"))
      }
    }
    var checked = Set<Digest>()
    for (label, d) in roots where checked.insert(d.digest).inserted {
      problems += checkImage(d, label: label, corrupt: corrupt)
    }
    return FsckReport(
      blobsChecked: blobs.count, bytesChecked: bytes, imagesChecked: checked.count, problems: problems)
  }

  private func checkImage(_ d: Descriptor, label: String, corrupt: Set<Digest>) -> [FsckProblem] {
    var problems: [FsckProblem] = []
    func need(_ blob: Descriptor, _ what: String) -> Bool {
      let path = store.blobPath(blob.digest)
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
      if let actual = store.blobSize(blob.digest), actual != blob.size {
        problems.append(
          FsckProblem(
            digest: blob.digest, path: path,
            message: "\(label): \(what) \(blob.digest) has \(actual) bytes, its descriptor says \(blob.size)")
        )
        return false
      }
      return true
    }
    guard need(d, "manifest") else { return problems }
    do {
      let img = try image(d)
      _ = need(img.manifest.config, "config")
      for (n, layer) in img.manifest.layers.enumerated() { _ = need(layer, "layer \(n + 1)") }
    } catch {
      problems.append(
        FsckProblem(digest: d.digest, path: store.blobPath(d.digest), message: "\(label): \(error)"))
    }
    return problems
  }
}
