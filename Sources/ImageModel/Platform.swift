/// The platform an image runs on, as index entries and configs record it.
public struct Platform: Sendable, Hashable, Codable {
  public var architecture: String
  public var os: String
  public var osVersion: String?
  public var osFeatures: [String]?
  public var variant: String?

  public init(architecture: String, os: String, variant: String? = nil) {
    self.architecture = architecture
    self.os = os
    self.variant = variant
  }

  /// `os/architecture[/variant]`, as `--platform` writes it.
  public var label: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }

  enum CodingKeys: String, CodingKey {
    case architecture, os, variant
    case osVersion = "os.version"
    case osFeatures = "os.features"
  }
}

/// `os/architecture[/variant]`, as `--platform` takes it: which image of a multi-platform
/// index a command works on.
public struct PlatformChoice: Sendable, Hashable, CustomStringConvertible {
  public let os: String
  public let architecture: String
  /// When nil, any variant matches (`linux/arm64` takes `linux/arm64/v8`).
  public let variant: String?

  public init(os: String, architecture: String, variant: String? = nil) {
    self.os = os
    self.architecture = architecture
    self.variant = variant
  }

  /// Exactly `platform`, variant included.
  public init(_ platform: Platform) {
    self.init(os: platform.os, architecture: platform.architecture, variant: platform.variant)
  }

  /// Parses `OS/ARCH[/VARIANT]`.
  public init(parsing s: String) throws {
    let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
      throw ModelError.invalidReference(
        s, reason: "a platform is written OS/ARCH[/VARIANT], e.g. linux/amd64")
    }
    self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
  }

  /// This machine's: `linux/amd64` or `linux/arm64`.
  public static var host: PlatformChoice {
    #if arch(arm64)
      PlatformChoice(os: "linux", architecture: "arm64")
    #else
      PlatformChoice(os: "linux", architecture: "amd64")
    #endif
  }

  public func matches(_ p: Platform?) -> Bool {
    guard let p else { return false }
    return p.os == os && p.architecture == architecture && (variant == nil || p.variant == variant)
  }

  /// The entry of `index` this choice takes: the image whose platform matches, else the
  /// only image when the index has just one (an index that does not say its platform).
  public func pick(from index: ImageIndex) -> Descriptor? {
    let images = index.images
    return images.first(where: { matches($0.platform) }) ?? (images.count == 1 ? images[0] : nil)
  }

  public var description: String {
    Platform(architecture: architecture, os: os, variant: variant).label
  }
}

extension ImageIndex {
  /// The entries that are images of a platform: not nested indexes, not the attestation
  /// manifests BuildKit adds (`unknown/unknown`, pointing at the image they describe), not
  /// artifacts that say so (`artifactType`).
  public var images: [Descriptor] {
    manifests.filter { MediaType.isManifest($0.mediaType) && !ImageIndex.isArtifact($0) }
  }

  /// Whether an entry is an attestation of another entry (`vnd.docker.reference.type`).
  public static func isAttestation(_ d: Descriptor) -> Bool {
    d.annotations?["vnd.docker.reference.type"] == "attestation-manifest"
  }

  /// Whether an entry says it is no image: an attestation, or an artifact (a signature, an
  /// SBOM) whose descriptor carries its `artifactType`. Its manifest may still have to be
  /// read to know (``Manifest/isImage``).
  public static func isArtifact(_ d: Descriptor) -> Bool { isAttestation(d) || d.artifactType != nil }

  /// The platforms of the images, as `os/arch[/variant]`.
  public var platformLabels: [String] { images.map { $0.platform?.label ?? "unknown" } }
}

extension ImageConfig {
  /// The platform the config declares, when it names both OS and architecture.
  public var platform: Platform? {
    guard let os, let architecture else { return nil }
    return Platform(architecture: architecture, os: os, variant: json["variant"]?.stringValue)
  }
}
