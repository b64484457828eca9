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

  /// The sizes a descriptor read from a document may state: 0 through 2^53, the largest
  /// integer every JSON reader holds exactly. A size outside is refused when the document is
  /// read, so no blob is ever promised or sized beyond what any file can be, and a sum of
  /// the sizes of a thousand layers stays far from `Int64.max`.
  public static let sizeRange: ClosedRange<Int64> = 0...(1 << 53)

  /// Why `size` cannot be a descriptor's size, or nil when it can.
  static func sizeProblem(_ size: Int64) -> String? {
    sizeRange.contains(size) ? nil : "size \(size) is outside 0...2^53"
  }

  private enum CodingKeys: String, CodingKey {
    case mediaType, digest, size, urls, annotations, platform, artifactType, data
  }

  /// Decodes as the synthesized conformance would, refusing a size outside ``sizeRange``
  /// (reflog entries and journals are read this way).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    mediaType = try c.decode(String.self, forKey: .mediaType)
    digest = try c.decode(Digest.self, forKey: .digest)
    size = try c.decode(Int64.self, forKey: .size)
    if let problem = Descriptor.sizeProblem(size) {
      throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: problem)
    }
    urls = try c.decodeIfPresent([String].self, forKey: .urls)
    annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
    platform = try c.decodeIfPresent(Platform.self, forKey: .platform)
    artifactType = try c.decodeIfPresent(String.self, forKey: .artifactType)
    data = try c.decodeIfPresent(String.self, forKey: .data)
  }
}

extension Sequence {
  /// The sum of `size` over the elements, held at `Int64`'s limits instead of trapping:
  /// sizes come from documents, and a total (a progress bar's, a listing's) must never
  /// crash the command that shows it.
  public func totalSize(_ size: (Element) throws -> Int64) rethrows -> Int64 {
    var total: Int64 = 0
    for element in self {
      let n = try size(element)
      let (sum, overflow) = total.addingReportingOverflow(n)
      total = overflow ? (n > 0 ? .max : .min) : sum
    }
    return total
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
