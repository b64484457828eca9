import Crypto
import Foundation
import ImageModel
import ImageStore
import Synchronization

/// Checks an image the way go-containerregistry's `validate.Image` does: the manifest and
/// config parse and agree (as many DiffIDs as layers, as many non-empty history entries as
/// layers), every blob is present with the digest and size its descriptor gives, and every
/// layer's uncompressed content hashes to its DiffID (decompressed by gzip or zstd, not by
/// imggit). Indexes are checked platform by platform.
///
/// - Throws: ``ImageInvalid`` naming the first problem.
public func validateImage(_ store: Store, _ descriptor: Descriptor) throws {
  if Validated.seen.withLock({ $0.contains(descriptor.digest) }) { return }
  var complete = true
  if MediaType.isIndex(descriptor.mediaType) {
    let index = try CanonicalJSON.decode(
      ImageIndex.self, from: try store.readBlob(descriptor.digest, size: descriptor.size), what: "index")
    for m in index.manifests where MediaType.isManifest(m.mediaType) { try validateImage(store, m) }
  } else if let data = try? store.readBlob(descriptor.digest, size: descriptor.size), !isImageManifest(data) {
    // An attestation or an artifact: every blob it names is there, as its descriptor says.
    for r in try JSONValue.referencedDescriptors(in: data, what: "artifact \(descriptor.digest)") {
      try store.verifyBlob(r.digest, size: r.size)
    }
  } else {
    let image = try store.image(descriptor)
    for layer in image.layers {
      // A partial image's layer: promised by its registry, with the size the manifest gives.
      if !store.hasBlob(layer.digest), let promise = store.promised(layer.digest) {
        guard promise.size == layer.size else {
          throw ImageInvalid(
            "\(descriptor.digest): layer \(layer.position + 1) is promised with another size")
        }
        complete = false
        continue
      }
      try store.verifyBlob(layer.descriptor.digest, size: layer.descriptor.size)
      // An uncompressed blob's digest, just verified, is its content's digest.
      let content =
        LayerCompression(mediaType: layer.descriptor.mediaType) == LayerCompression.none
        ? layer.descriptor.digest
        : try uncompressedDigest(store.blobPath(layer.descriptor.digest), layer.descriptor.mediaType)
      guard content == layer.diffID else {
        throw ImageInvalid(
          "\(descriptor.digest): layer \(layer.position + 1) decompresses to \(content), its DiffID is \(layer.diffID)"
        )
      }
    }
  }
  if complete { Validated.seen.withLock { _ = $0.insert(descriptor.digest) } }
}

/// Whether a manifest is an image's, by the spec's own media types: an image config and
/// filesystem layers (not an attestation's in-toto layers, a signature, an artifact).
func isImageManifest(_ data: Data) -> Bool {
  guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
    json["artifactType"] == nil,
    let config = (json["config"] as? [String: Any])?["mediaType"] as? String,
    MediaType.isConfig(config)
  else { return false }
  let layers = (json["layers"] as? [[String: Any]]) ?? []
  return layers.allSatisfy { MediaType.isLayer($0["mediaType"] as? String ?? "") }
}

/// Every tag of the store at `path` (and every reflog entry's image) validated.
public func validateStore(_ path: String) throws {
  let store = try Store(path: path, create: false)
  let roots = try store.roots()
  for d in roots.index.manifests { try validateImage(store, d) }
  for (_, d) in roots.reflogImages(old: false) where store.hasBlob(d.digest) { try validateImage(store, d) }
}

public struct ImageInvalid: Error, CustomStringConvertible {
  public let description: String
  init(_ d: String) { description = d }
}

/// Images already found valid: blobs are content-addressed, so once is enough.
enum Validated {
  static let seen = Mutex<Set<ImageModel.Digest>>([])
}

/// The SHA-256 of a layer blob's uncompressed bytes, through the system's gzip or zstd.
func uncompressedDigest(_ path: String, _ mediaType: String) throws -> ImageModel.Digest {
  let tool: [String]
  switch LayerCompression(mediaType: mediaType) {
  case .gzip: tool = ["/bin/gzip", "-dc", path]
  case .zstd: tool = ["/usr/bin/zstd", "-dcq", path]
  default: tool = ["/bin/cat", path]
  }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: tool[0])
  p.arguments = Array(tool.dropFirst())
  let pipe = Pipe()
  p.standardOutput = pipe
  try p.run()
  var hasher = SHA256()
  while true {
    let chunk = pipe.fileHandleForReading.readData(ofLength: 1 << 20)
    if chunk.isEmpty { break }
    hasher.update(data: chunk)
  }
  p.waitUntilExit()
  guard p.terminationStatus == 0 else { throw ImageInvalid("\(tool[0]) failed on \(path)") }
  return try ImageModel.Digest(hex: hasher.finalize().map { String(format: "%02x", $0) }.joined())
}
