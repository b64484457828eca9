import Foundation

/// An image as it leaves the store (for a registry): the exact bytes of its manifest or
/// index, and everything they name.
public struct ImageContent: Sendable {
  /// The manifest's or index's bytes, as they are to be stored remotely.
  public let data: Data
  public let mediaType: String
  /// The blobs the manifest names (config, layers); none for an index.
  public let blobs: [Descriptor]
  /// Blobs among them that are made, not stored (the config of an intermediate commit).
  public let made: [Data]
  /// For an index: the manifests it lists, which go first, by digest.
  public let children: [ImageContent]

  public init(
    data: Data, mediaType: String, blobs: [Descriptor], made: [Data] = [], children: [ImageContent] = []
  ) {
    self.data = data
    self.mediaType = mediaType
    self.blobs = blobs
    self.made = made
    self.children = children
  }

  public var digest: Digest { Digest(of: data) }
}
