/// The media types imggit reads and writes. Docker's schema-2 types are accepted on read
/// because `docker save` and older registries produce them.
public enum MediaType {
  public static let ociIndex = "application/vnd.oci.image.index.v1+json"
  public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
  public static let ociConfig = "application/vnd.oci.image.config.v1+json"
  public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
  public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
  public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
  public static let ociLayout = "imageLayoutVersion"

  public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
  public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
  public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
  public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
  public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"

  public static func isManifest(_ t: String) -> Bool { t == ociManifest || t == dockerManifest }
  public static func isIndex(_ t: String) -> Bool { t == ociIndex || t == dockerManifestList }
  public static func isConfig(_ t: String) -> Bool { t == ociConfig || t == dockerConfig }

  public static func isLayer(_ t: String) -> Bool { LayerCompression(mediaType: t) != nil }
}

/// How a layer blob is compressed, derived from its media type.
public enum LayerCompression: String, Sendable, CaseIterable {
  case none, gzip, zstd

  public init?(mediaType t: String) {
    switch t {
    case MediaType.ociLayer, MediaType.dockerLayer,
      "application/vnd.oci.image.layer.nondistributable.v1.tar":
      self = .none
    case MediaType.ociLayerGzip, MediaType.dockerLayerGzip,
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip":
      self = .gzip
    case MediaType.ociLayerZstd: self = .zstd
    default: return nil
    }
  }

  /// Recognises a blob by its first bytes (docker archives do not say how layers are stored).
  public init(magic: [UInt8]) {
    if magic.starts(with: [0x1f, 0x8b]) {
      self = .gzip
    } else if magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) {
      self = .zstd
    } else {
      self = .none
    }
  }

  public var ociMediaType: String {
    switch self {
    case .none: MediaType.ociLayer
    case .gzip: MediaType.ociLayerGzip
    case .zstd: MediaType.ociLayerZstd
    }
  }
}
