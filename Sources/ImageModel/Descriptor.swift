/// An OCI content descriptor: what a blob is, its digest and size.
public struct Descriptor: Sendable, Hashable, Codable {
  public var mediaType: String
  public var digest: Digest
  public var size: Int64
  public var urls: [String]?
  public var annotations: [String: String]?
  public var platform: Platform?
  public var artifactType: String?
  public var data: String?

  public init(
    mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil,
    platform: Platform? = nil
  ) {
    self.mediaType = mediaType
    self.digest = digest
    self.size = size
    self.annotations = annotations
    self.platform = platform
  }

  /// The descriptor with its annotations removed: what identifies the content alone.
  public var bare: Descriptor {
    Descriptor(mediaType: mediaType, digest: digest, size: size, platform: platform)
  }
}

/// An image manifest: one config and the layers in order, lowest first.
public struct Manifest: Sendable, Hashable, Codable {
  public var schemaVersion: Int
  public var mediaType: String?
  public var artifactType: String?
  public var config: Descriptor
  public var layers: [Descriptor]
  public var subject: Descriptor?
  public var annotations: [String: String]?

  /// Whether this is an image: an image config and filesystem layers. Anything else (a
  /// BuildKit attestation with in-toto layers, a cosign signature, an artifact with an
  /// `artifactType` or an empty config) is an artifact: its blobs are kept and moved as they
  /// are, never read as a filesystem.
  public var isImage: Bool {
    artifactType == nil && MediaType.isConfig(config.mediaType)
      && layers.allSatisfy { MediaType.isLayer($0.mediaType) }
  }

  public init(config: Descriptor, layers: [Descriptor], annotations: [String: String]? = nil) {
    self.schemaVersion = 2
    self.mediaType = MediaType.ociManifest
    self.config = config
    self.layers = layers
    self.annotations = annotations
  }

  /// Parses a manifest blob, refusing media types imggit cannot treat as an image.
  public static func parse(_ data: some DataProtocol, digest: Digest) throws -> Manifest {
    let m = try decode(data, digest: digest)
    for layer in m.layers where !MediaType.isLayer(layer.mediaType) {
      throw ModelError.unsupportedMediaType(
        layer.mediaType, what: "layer \(layer.digest) of manifest \(digest)")
    }
    return m
  }

  /// Parses a manifest blob that may be an artifact's (see ``isImage``): its blobs may be of
  /// any type.
  public static func decode(_ data: some DataProtocol, digest: Digest) throws -> Manifest {
    let m = try CanonicalJSON.decode(Manifest.self, from: Data(data), what: "manifest \(digest)")
    if let t = m.mediaType, !MediaType.isManifest(t) {
      throw ModelError.unsupportedMediaType(t, what: "manifest \(digest)")
    }
    return m
  }
}

/// An image index: `index.json` of a layout, or a multi-platform list.
public struct ImageIndex: Sendable, Hashable, Codable {
  public var schemaVersion: Int
  public var mediaType: String?
  public var artifactType: String?
  public var manifests: [Descriptor]
  public var subject: Descriptor?
  public var annotations: [String: String]?

  public init(manifests: [Descriptor] = []) {
    self.schemaVersion = 2
    self.mediaType = MediaType.ociIndex
    self.manifests = manifests
  }
}

import Foundation
