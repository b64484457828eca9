import Foundation
import ImageModel
import ImageStore
import TarStream

/// Builds small images directly in a store, with real tar layers written by libarchive, for
/// tests that need exact control over history (no external tool involved).
public struct ImageBuilder {
  public let store: Store

  public init(store: Store) { self.store = store }

  /// One build step: a layer with these files, or a config-only step when `files` is nil.
  public struct Step {
    public var createdBy: String
    public var files: [String: String]?
    public var created: String

    public init(createdBy: String, files: [String: String]?, created: String) {
      self.createdBy = createdBy
      self.files = files
      self.created = created
    }

    public static func layer(_ createdBy: String, _ files: [String: String], at hour: Int = 0) -> Step {
      Step(createdBy: createdBy, files: files, created: Step.time(hour))
    }
    public static func config(_ createdBy: String, at hour: Int = 0) -> Step {
      Step(createdBy: createdBy, files: nil, created: Step.time(hour))
    }
    static func time(_ hour: Int) -> String {
      let f = ISO8601DateFormatter()
      return f.string(from: Date(timeIntervalSince1970: 1_735_689_600 + Double(hour) * 3600))
    }
  }

  /// Writes an uncompressed layer holding `files` and returns its descriptor (digest = DiffID).
  public func layer(_ files: [String: String]) throws -> Descriptor {
    try rawLayer(
      files.sorted(by: { $0.key < $1.key }).map { (TarEntry(path: $0.key, type: .regular), $0.value) })
  }

  /// Writes an uncompressed tar of `headers`, in this order, as a layer; a regular file gets
  /// the text beside it as data (its header size is set here). For layers no writer of
  /// imggit would make: bad paths, odd orders.
  public func rawLayer(_ headers: [(TarEntry, String?)]) throws -> Descriptor {
    let tmp = NSTemporaryDirectory() + "layer-\(UUID().uuidString)"
    let fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0o644)
    defer {
      close(fd)
      unlink(tmp)
    }
    let w = try ArchiveWriter(fileDescriptor: fd, context: tmp)
    for (var h, data) in headers {
      if let data { h.size = Int64(data.utf8.count) }
      try w.writeHeader(h)
      if let data { try Data(data.utf8).withUnsafeBytes { try w.writeData($0) } }
    }
    try w.finish()
    let (digest, size) = try store.writeBlob(try Data(contentsOf: URL(fileURLWithPath: tmp)))
    return Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: size)
  }

  /// Stores a tar made by another tool (GNU tar, Python) as an uncompressed layer.
  public func tarLayer(_ data: Data) throws -> Descriptor {
    let (digest, size) = try store.writeBlob(data)
    return Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: size)
  }

  /// An image of these uncompressed layers, one history entry each (`created_by` "layer N"),
  /// tagged `tag`.
  @discardableResult
  public func image(layers: [Descriptor], tag: String) throws -> Descriptor {
    var config = ImageConfig(json: [
      "architecture": .string("amd64"), "os": .string("linux"),
      "rootfs": .object(["type": .string("layers"), "diff_ids": .array([])]),
    ])
    config.history = layers.indices.map { HistoryEntry(createdBy: "layer \($0 + 1)", created: Step.time($0)) }
    config.diffIDs = layers.map(\.digest)
    let placeholder = Descriptor(mediaType: MediaType.ociConfig, digest: Digest(of: Data()), size: 0)
    let d = try store.writeImage(manifest: Manifest(config: placeholder, layers: layers), config: config)
    try store.update(command: "test") { $0.set(try TagName(parsing: tag), to: d) }
    return d
  }

  /// Writes an image: `base`'s history and layers, then `steps`. Returns the manifest
  /// descriptor; tags it when `tag` is given.
  @discardableResult
  public func image(base: Image? = nil, _ steps: [Step], tag: String? = nil, architecture: String = "amd64")
    throws -> Descriptor
  {
    var config =
      base?.config
      ?? ImageConfig(json: [
        "architecture": .string(architecture), "os": .string("linux"),
        "config": .object(["Env": .array([.string("PATH=/usr/bin:/bin")])]),
        "rootfs": .object(["type": .string("layers"), "diff_ids": .array([])]),
      ])
    var layers = base?.manifest.layers ?? []
    var history = config.history
    var diffIDs = config.diffIDs
    for step in steps {
      if let files = step.files {
        let l = try layer(files)
        layers.append(l)
        diffIDs.append(l.digest)
        history.append(HistoryEntry(createdBy: step.createdBy, created: step.created))
      } else {
        history.append(HistoryEntry(createdBy: step.createdBy, created: step.created, emptyLayer: true))
      }
    }
    config.history = history
    config.diffIDs = diffIDs
    config.created = steps.last?.created ?? config.created
    let placeholder = Descriptor(mediaType: MediaType.ociConfig, digest: Digest(of: Data()), size: 0)
    let d = try store.writeImage(manifest: Manifest(config: placeholder, layers: layers), config: config)
    if let tag {
      try store.update(command: "test") { $0.set(try TagName(parsing: tag), to: d) }
    }
    return d
  }

  /// A multi-platform index of `images` (linux/ARCH each), tagged `tag` when given.
  @discardableResult
  public func index(_ images: [(architecture: String, manifest: Descriptor)], tag: String? = nil) throws
    -> Descriptor
  {
    var index = ImageIndex()
    index.manifests = images.map {
      var d = $0.manifest.bare
      d.platform = Platform(architecture: $0.architecture, os: "linux")
      return d
    }
    let (digest, size) = try store.writeBlob(try CanonicalJSON.encode(index))
    let d = Descriptor(mediaType: MediaType.ociIndex, digest: digest, size: size)
    if let tag {
      try store.update(command: "test") { $0.set(try TagName(parsing: tag), to: d) }
    }
    return d
  }
}
