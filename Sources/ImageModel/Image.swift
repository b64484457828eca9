import Foundation

/// One layer of an image, as go-containerregistry's `v1.Layer` carries it: the blob's
/// descriptor (compressed digest, size, media type), the DiffID of its uncompressed tar, and
/// where it sits (0 is the lowest).
public struct Layer: Sendable, Hashable {
  public let descriptor: Descriptor
  public let diffID: Digest
  public let position: Int

  public init(descriptor: Descriptor, diffID: Digest, position: Int) {
    self.descriptor = descriptor
    self.diffID = diffID
    self.position = position
  }

  /// The blob's digest (of the compressed bytes, as stored).
  public var digest: Digest { descriptor.digest }
  /// The blob's size in bytes, as stored.
  public var size: Int64 { descriptor.size }
  public var mediaType: String { descriptor.mediaType }
}

/// An image as a value: its manifest (and the descriptor it is stored under), its config,
/// and the commits they describe.
public struct Image: Sendable, Hashable {
  public let descriptor: Descriptor
  public let manifest: Manifest
  public let config: ImageConfig
  /// The history as commits, oldest first.
  public let commits: [Commit]
  /// The layers, lowest first: manifest and config read together once.
  public let layers: [Layer]

  /// - Throws: ``ModelError`` when history, config and manifest disagree.
  public init(descriptor: Descriptor, manifest: Manifest, config: ImageConfig) throws {
    try self.init(descriptor: descriptor, manifest: manifest, config: config, commits: nil)
  }

  /// With `commits`, the chain the manifest and config are already known to describe (the
  /// first commits of an image cut by ``truncated(at:)``), which is then not hashed again:
  /// a thousand commit ids are most of what tagging `app:1~1` costs.
  package init(descriptor: Descriptor, manifest: Manifest, config: ImageConfig, commits: [Commit]?) throws {
    self.descriptor = descriptor
    self.manifest = manifest
    self.config = config
    self.commits = try commits ?? Commit.chain(manifest: manifest, config: config)
    let diffIDs = config.diffIDs
    self.layers = zip(manifest.layers, diffIDs).enumerated().map {
      Layer(descriptor: $0.element.0, diffID: $0.element.1, position: $0.offset)
    }
  }

  /// The newest commit; `nil` only for an image with neither layers nor history.
  public var tip: Commit? { commits.last }

  /// The total compressed size of the layers, as stored.
  public var layerSize: Int64 { manifest.layers.totalSize(\.size) }

  /// The image as it stood at the commit at `position`: history, DiffIDs and layers cut
  /// there. The rest of the config (environment, entrypoint…) is the tip's: a history entry
  /// does not record the config of its own step.
  public func truncated(at position: Int) -> (manifest: Manifest, config: ImageConfig) {
    let commit = commits[position]
    var config = self.config
    if !commit.synthetic {
      config.history = Array(config.history.prefix(position + 1))
    }
    config.diffIDs = Array(config.diffIDs.prefix(commit.layerCount))
    if let created = commit.history.created { config.created = created }
    var manifest = self.manifest
    manifest.layers = Array(manifest.layers.prefix(commit.layerCount))
    return (manifest, config)
  }
}
