import Foundation
import ImageModel
import TarStream

/// Writes one image as a tar stream that other tools load.
///
/// Both formats are an OCI layout in a tar (`oci-layout`, `index.json`, `blobs/sha256/…`);
/// the docker format adds the `manifest.json` that `docker load` and `podman load` read, as
/// Docker 25 and later write it. Layer blobs are streamed from the store and verified as they
/// go; the output is the same bytes for the same image and name.
public struct Exporter {
  public enum Format: String, Sendable, CaseIterable {
    case docker, oci
  }

  public let store: Store
  /// Told the layer bytes written.
  public let progress: ProgressReporter?

  public init(store: Store, progress: ProgressReporter? = nil) {
    self.store = store
    self.progress = progress
  }

  /// Writes `image` (whose manifest and config are given as bytes, so an image cut at an
  /// intermediate commit need not be stored first) to `fd`.
  public func export(
    manifestData: Data, configData: Data, manifest: Manifest, name: TagName?, format: Format,
    to fd: Int32, context: String
  ) throws {
    let manifestDigest = Digest(of: manifestData)
    var entry = Descriptor(
      mediaType: manifest.mediaType ?? MediaType.ociManifest, digest: manifestDigest,
      size: Int64(manifestData.count))
    if let name {
      // skopeo's oci-archive: and Docker's loader read these two annotations.
      entry.annotations = [Tag.refName: name.description]
      if format == .docker { entry.annotations?[Tag.containerdName] = Exporter.fullName(name) }
    }
    let writer = try ArchiveWriter(fileDescriptor: fd, context: context)
    try writer.writeFile(path: "oci-layout", data: Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
    try writer.writeFile(path: "index.json", data: try CanonicalJSON.encode(ImageIndex(manifests: [entry])))
    if format == .docker {
      let docker: [[String: JSONValue]] = [
        [
          "Config": .string("blobs/sha256/\(manifest.config.digest.hex)"),
          "RepoTags": .array(name.map { [.string($0.description)] } ?? []),
          "Layers": .array(manifest.layers.map { .string("blobs/sha256/\($0.digest.hex)") }),
        ]
      ]
      try writer.writeFile(path: "manifest.json", data: try CanonicalJSON.encode(docker))
    }
    for dir in ["blobs/", "blobs/sha256/"] {
      try writer.writeHeader(TarEntry(path: dir, type: .directory, mode: 0o755))
    }
    try writer.writeFile(path: "blobs/sha256/\(manifestDigest.hex)", data: manifestData)
    try writer.writeFile(path: "blobs/sha256/\(manifest.config.digest.hex)", data: configData)
    var written: Set<Digest> = [manifestDigest, manifest.config.digest]
    let layers = manifest.layers.filter { written.insert($0.digest).inserted }
    try progress.phase("Exporting", total: layers.totalSize(\.size)) {
      for layer in layers {
        try writer.writeHeader(
          TarEntry(path: "blobs/sha256/\(layer.digest.hex)", type: .regular, size: layer.size))
        try store.streamBlob(layer.digest, size: layer.size) {
          try writer.writeData($0)
          progress?.advance(by: Int64($0.count))
        }
      }
      try writer.finish()
    }
  }

  /// `app:1` → `docker.io/library/app:1`, the form Docker's loader records.
  static func fullName(_ name: TagName) -> String {
    let first = name.name.split(separator: "/").first.map(String.init) ?? ""
    if first.contains(".") || first.contains(":") || first == "localhost" { return name.description }
    return name.name.contains("/") ? "docker.io/\(name)" : "docker.io/library/\(name)"
  }
}
