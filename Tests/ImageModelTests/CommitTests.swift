import Foundation
import Testing

@testable import ImageModel

/// Images built from plain values: a config with history and a manifest with layers.
func makeImage(_ steps: [(String, Bool)], base: (Manifest, ImageConfig)? = nil) throws -> (
  Manifest, ImageConfig
) {
  var config = base?.1 ?? ImageConfig(json: ["os": .string("linux"), "architecture": .string("amd64")])
  var manifest =
    base?.0
    ?? Manifest(
      config: Descriptor(mediaType: MediaType.ociConfig, digest: Digest(of: Data()), size: 0), layers: [])
  var history = config.history
  var ids = config.diffIDs
  for (by, hasLayer) in steps {
    history.append(HistoryEntry(createdBy: by, created: "2025-01-01T00:00:00Z", emptyLayer: !hasLayer))
    if hasLayer {
      let d = Digest(of: Array(by.utf8))
      ids.append(d)
      manifest.layers.append(Descriptor(mediaType: MediaType.ociLayerGzip, digest: d, size: 10))
    }
  }
  config.history = history
  config.diffIDs = ids
  return (manifest, config)
}

@Suite struct CommitModelTests {
  @Test func imagesOnOneBaseShareTheBaseCommits() throws {
    let base = try makeImage([("ADD rootfs /", true), ("CMD sh", false)])
    let a = try makeImage([("COPY a /a", true)], base: base)
    let b = try makeImage([("COPY b /b", true), ("ENV X=1", false)], base: base)
    let ca = try Commit.chain(manifest: a.0, config: a.1)
    let cb = try Commit.chain(manifest: b.0, config: b.1)
    let cbase = try Commit.chain(manifest: base.0, config: base.1)
    #expect(Array(ca.prefix(2).map(\.id)) == cbase.map(\.id))
    #expect(Array(cb.prefix(2).map(\.id)) == cbase.map(\.id))
    #expect(ca[2].id != cb[2].id)
    #expect(ca[2].parent == cbase[1].id)
    #expect(cb[3].isEmpty && !cb[2].isEmpty)
    #expect(cb[3].layerCount == 2)
  }

  @Test func theIdCoversHistoryLayerAndParent() throws {
    let h = HistoryEntry(createdBy: "RUN x", created: "2025-01-01T00:00:00Z")
    let d = Digest(of: Array("x".utf8))
    let id = CommitID.compute(parent: nil, diffID: d, history: h)
    #expect(id == CommitID.compute(parent: nil, diffID: d, history: h))
    #expect(id != CommitID.compute(parent: id, diffID: d, history: h))
    #expect(id != CommitID.compute(parent: nil, diffID: nil, history: h))
    #expect(
      id
        != CommitID.compute(
          parent: nil, diffID: d, history: HistoryEntry(createdBy: "RUN y", created: "2025-01-01T00:00:00Z")))
    // Key order in the source JSON does not matter: the id is over canonical JSON.
    let reordered = HistoryEntry(json: [
      "created": .string("2025-01-01T00:00:00Z"), "created_by": .string("RUN x"),
    ])
    #expect(id == CommitID.compute(parent: nil, diffID: d, history: reordered))
  }

  @Test func missingHistoryGivesOneCommitPerLayer() throws {
    var (m, c) = try makeImage([("a", true), ("b", true)])
    c.json["history"] = nil
    let commits = try Commit.chain(manifest: m, config: c)
    #expect(commits.count == 2)
    #expect(commits.allSatisfy { $0.synthetic })
    m.layers.removeLast()
    #expect(throws: ModelError.self) { try Commit.chain(manifest: m, config: c) }
  }

  @Test func historyThatDoesNotMatchTheLayersIsAnError() throws {
    var (m, c) = try makeImage([("a", true), ("b", true)])
    var h = c.history
    h[1] = HistoryEntry(createdBy: "b", emptyLayer: true)
    c.history = h
    #expect {
      try Commit.chain(manifest: m, config: c)
    } throws: { "\($0)".contains("1 non-empty history entries but 2 rootfs.diff_ids") }
    m.layers = []
    #expect(throws: ModelError.self) { try Commit.chain(manifest: m, config: c) }
  }

  @Test func truncationKeepsHistoryAndLayersUpToTheCommit() throws {
    let (m, c) = try makeImage([("a", true), ("ENV", false), ("b", true), ("c", true)])
    let image = try Image(
      descriptor: Descriptor(mediaType: MediaType.ociManifest, digest: Digest(of: Data()), size: 1),
      manifest: m, config: c)
    let (tm, tc) = image.truncated(at: 2)
    #expect(tm.layers.count == 2)
    #expect(tc.history.count == 3)
    #expect(tc.diffIDs == Array(c.diffIDs.prefix(2)))
    let cut = try Image(descriptor: image.descriptor, manifest: tm, config: tc)
    #expect(cut.tip?.id == image.commits[2].id)
  }

  /// `tag` and `reset` reuse the cut image's commits instead of hashing them again: what
  /// they reuse must be what hashing gives, at every cut, with or without history.
  @Test func aTruncatedImageHasThePrefixOfTheCommits() throws {
    var (m, c) = try makeImage([("a", true), ("ENV", false), ("b", true), ("c", true), ("LABEL", false)])
    for synthetic in [false, true] {
      if synthetic {
        (m, c) = try makeImage([("a", true), ("b", true), ("c", true)])
        c.json["history"] = nil
      }
      let image = try Image(
        descriptor: Descriptor(mediaType: MediaType.ociManifest, digest: Digest(of: Data()), size: 1),
        manifest: m, config: c)
      for k in image.commits.indices {
        let (tm, tc) = image.truncated(at: k)
        #expect(try Commit.chain(manifest: tm, config: tc) == Array(image.commits.prefix(k + 1)))
      }
    }
  }
}

@Suite struct JSONTests {
  @Test func unknownFieldsAndLargeIntegersSurvive() throws {
    let text =
      #"{"architecture":"amd64","vendor.x":{"deep":[1,2.5,null,true]},"size":9007199254740993,"rootfs":{"type":"layers","diff_ids":[]}}"#
    var config = try ImageConfig.parse(Data(text.utf8), digest: Digest(of: Data(text.utf8)))
    config.created = "2025-01-01T00:00:00Z"
    let back = String(decoding: try config.encoded(), as: UTF8.self)
    #expect(back.contains(#""vendor.x":{"deep":[1,2.5,null,true]}"#))
    #expect(back.contains("9007199254740993"))
    #expect(back.contains(#""created":"2025-01-01T00:00:00Z""#))
  }

  @Test func malformedConfigsAreNamed() {
    let d = Digest(of: Data("x".utf8))
    #expect { try ImageConfig.parse(Data("{".utf8), digest: d) } throws: {
      "\($0)".contains("malformed JSON in config sha256:")
    }
    #expect { try ImageConfig.parse(Data("[]".utf8), digest: d) } throws: {
      "\($0)".contains("not a JSON object")
    }
    #expect { try ImageConfig.parse(Data(#"{"rootfs":{"diff_ids":["x"]}}"#.utf8), digest: d) } throws: {
      "\($0)".contains("not a digest")
    }
  }

  @Test func unsupportedManifestsAreRefused() {
    let text =
      #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{"mediaType":"x","digest":"sha256:\#(String(repeating: "0", count: 64))","size":1},"layers":[]}"#
    #expect(throws: ModelError.self) { try Manifest.parse(Data(text.utf8), digest: Digest(of: Data())) }
  }
}
