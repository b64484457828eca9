import Foundation

/// An image as a value: its manifest (and the descriptor it is stored under), its config,
/// and the commits they describe.
public struct Image: Sendable, Hashable {
  public let descriptor: Descriptor
  public let manifest: Manifest
  public let config: ImageConfig
  /// The history as commits, oldest first.
  public let commits: [Commit]

  /// - Throws: ``ModelError`` when history, config and manifest disagree.
  public init(descriptor: Descriptor, manifest: Manifest, config: ImageConfig) throws {
    self.descriptor = descriptor
    self.manifest = manifest
    self.config = config
    self.commits = try Commit.chain(manifest: manifest, config: config)
  }

  /// The newest commit; `nil` only for an image with neither layers nor history.
  public var tip: Commit? { commits.last }

  /// The total compressed size of the layers, as stored.
  public var layerSize: Int64 { manifest.layers.reduce(0) { $0 + $1.size } }

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
