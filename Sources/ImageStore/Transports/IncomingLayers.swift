import ImageModel

/// A layer that an import or a pull is about to tag, and where its blob's bytes are now: in
/// the store's temporary folder while an import is staged, or in `blobs/`.
public struct IncomingLayer: Sendable {
  public let layer: Layer
  public let path: String
  /// The blob's bytes came with this command (staged by the import, fetched by the pull);
  /// otherwise the store had them, and they were read when they came.
  public let isNew: Bool

  public init(layer: Layer, path: String, isNew: Bool) {
    self.layer = layer
    self.path = path
    self.isNew = isNew
  }
}

/// Reads the layers an import or a pull brings in, once every blob is verified and before
/// any tag moves, so that a layer whose tar is not what its config claims refuses the whole
/// command, and the work a first read does (indexing) is done while the bytes are at hand.
///
/// The store module only knows blobs; what reading a layer means belongs to the modules
/// above it, which implement this.
public protocol IncomingLayerCheck: AnyObject, Sendable {
  /// Reads `layers`; throws to refuse the import, which then leaves the store as it was.
  func check(_ layers: [IncomingLayer]) throws
  /// The command's tags are set: whatever the check made can be kept now.
  func accepted()
}
