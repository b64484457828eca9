import Foundation
import Testing

@testable import ImageModel

/// Descriptor sizes come from documents anyone can write: one no file can have is refused
/// where the document is read, and sums of sizes never trap.
@Suite struct DescriptorSizeTests {
  static let digest = "sha256:" + String(repeating: "a", count: 64)

  static func manifest(layers: [Int64], config: Int64 = 2) -> String {
    let layerList = layers.map {
      #"{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\#(digest)","size":\#($0)}"#
    }
    return #"""
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\#
      "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(digest)","size":\#(config)},\#
      "layers":[\#(layerList.joined(separator: ","))]}
      """#
  }

  static let manifestDigest = Digest(of: Data("m".utf8))

  /// The reason the manifest is refused, or nil when it is read.
  static func refusal(_ text: String) -> String? {
    do {
      _ = try Manifest.parse(Data(text.utf8), digest: manifestDigest)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func aManifestWithASizeOutsideTheRangeIsRefusedNamingIt() {
    let cases: [([Int64], Int64)] = [
      ([Int64.max], 2), ([1 << 62, 1 << 62], 2), ([(1 << 53) + 1], 2), ([-1], 2), ([1], Int64.max),
      ([1], -5),
    ]
    for (layers, config) in cases {
      let reason = Self.refusal(Self.manifest(layers: layers, config: config))
      #expect(
        reason?.contains("manifest \(Self.manifestDigest)") == true,
        "\(layers) \(config): \(reason ?? "read")")
      #expect(reason?.contains("outside 0...2^53") == true, "\(reason ?? "read")")
    }
    #expect(Self.refusal(Self.manifest(layers: [0, 1 << 53], config: 1 << 53)) == nil)
  }

  @Test func indexesAndFoundationDecodedDescriptorsAreCheckedToo() throws {
    let index =
      #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(Self.digest)","size":9223372036854775807}]}"#
    #expect(throws: ModelError.self) {
      try CanonicalJSON.decode(ImageIndex.self, from: Data(index.utf8), what: "index")
    }
    // Reflog entries and journals hold descriptors read by Foundation's decoder.
    let descriptor = #"{"mediaType":"m","digest":"\#(Self.digest)","size":9223372036854775807}"#
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(Descriptor.self, from: Data(descriptor.utf8))
    }
    let fine = try JSONDecoder().decode(
      Descriptor.self, from: Data(descriptor.replacingOccurrences(of: "9223372036854775807", with: "12").utf8)
    )
    #expect(fine.size == 12)
    // A manifest of a kind imggit does not model: its references are checked the same way.
    #expect(throws: ModelError.self) {
      try JSONValue.referencedDescriptors(in: Data(index.utf8), what: "artifact")
    }
  }

  @Test func sumsOfSizesHoldAtTheLimitInsteadOfTrapping() {
    #expect([Int64.max, 1, 5].totalSize { $0 } == .max)
    #expect([Int64.min, -1].totalSize { $0 } == .min)
    #expect([1 << 53, 1 << 53, 3].totalSize { $0 } == (1 << 54) + 3)
  }
}
