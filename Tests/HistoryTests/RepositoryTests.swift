import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

@testable import History

/// base:1 (2 layers + CMD), app:1 on it (+ 2 layers, ENV), tool:1 on it (+ 1 layer).
struct Fixture {
  let tmp: TempDirectory
  let store: Store
  let repo: Repository

  init() throws {
    tmp = try TempDirectory()
    store = try Store(path: tmp.sub("store"), create: true)
    let b = ImageBuilder(store: store)
    let base = try b.image(
      [
        .layer("ADD rootfs /", ["etc/os-release": "debian\n", "bin/sh": "sh"], at: 1),
        .layer("RUN apt-get install curl", ["usr/bin/curl": "curl"], at: 2),
        .config("CMD [\"sh\"]", at: 3),
      ], tag: "base:1")
    let baseImage = try store.image(base)
    try b.image(
      base: baseImage,
      [
        .layer("COPY app /app", ["app/main.py": "print(1)"], at: 4),
        .config("ENV MODE=prod", at: 5),
        .layer("RUN make", ["app/out": "built"], at: 6),
      ], tag: "app:1")
    try b.image(base: baseImage, [.layer("COPY tool /opt", ["opt/tool": "t"], at: 7)], tag: "tool:1")
    repo = Repository(store: store)
  }

  func tip(_ rev: String) throws -> Commit { try repo.resolve(try Revision(parsing: rev)).commit }
}

@Suite struct ResolveTests {
  @Test func tagsAncestorsAndPrefixes() throws {
    let f = try Fixture()
    let app = try f.tip("app:1")
    #expect(app.history.createdBy == "RUN make")
    #expect(try f.tip("app:1~1").history.createdBy == "ENV MODE=prod")
    #expect(try f.tip("app:1^^").history.createdBy == "COPY app /app")
    #expect(try f.tip("app:1~3").id == f.tip("base:1").id)
    #expect(try f.tip("tool:1~1").id == f.tip("base:1").id)
    #expect(try f.tip(String(app.id.hex.prefix(10))).id == app.id)
    #expect(throws: HistoryError.noSuchAncestor("app:1~6", available: 5)) { try f.tip("app:1~6") }
    #expect(throws: HistoryError.unknownRevision("app:2", candidates: ["app:1"])) { try f.tip("app:2") }
    #expect { try f.tip("ffff0000") } throws: { "\($0)".contains("unknown revision") }
  }

  @Test func ambiguousPrefixesListTheCandidates() throws {
    let f = try Fixture()
    // Two one-step images whose commit ids share their first 4 hex digits, found by trying
    // step names (a birthday search: a few hundred tries).
    var seen: [String: String] = [:]
    var pair: (String, String, String)?
    let created = "2025-01-01T00:00:00Z"
    for n in 0..<100_000 {
      let by = "ENV STEP=\(n)"
      let id = CommitID.compute(
        parent: nil, diffID: nil, history: HistoryEntry(createdBy: by, created: created, emptyLayer: true))
      let p = String(id.hex.prefix(4))
      if let other = seen[p] { pair = (other, by, p); break }
      seen[p] = by
    }
    let (a, b, prefix) = try #require(pair)
    let builder = ImageBuilder(store: f.store)
    try builder.image([ImageBuilder.Step(createdBy: a, files: nil, created: created)], tag: "amb:a")
    try builder.image([ImageBuilder.Step(createdBy: b, files: nil, created: created)], tag: "amb:b")
    let r = Repository(store: f.store)
    #expect { try r.resolve(.name(prefix)) } throws: {
      "\($0)".hasPrefix("ambiguous revision \"\(prefix)\" could be:") && "\($0)".contains(a)
        && "\($0)".contains(b)
    }
  }

  @Test func manifestDigestsAndReflogEntries() throws {
    let f = try Fixture()
    let tag = try f.store.tag(try TagName(parsing: "app:1"))
    #expect(try f.tip("@\(tag.descriptor.digest)").id == f.tip("app:1").id)
    try f.repo.reset(try TagName(parsing: "app:1"), to: try Revision(parsing: "app:1~2"))
    let moved = Repository(store: f.store)
    #expect(try moved.resolve(try Revision(parsing: "app:1")).commit.history.createdBy == "COPY app /app")
    #expect(try moved.resolve(try Revision(parsing: "app:1@{1}")).commit.history.createdBy == "RUN make")
    #expect(throws: HistoryError.noReflogEntry(try TagName(parsing: "app:1"), 5, count: 2)) {
      try moved.resolve(try Revision(parsing: "app:1@{5}"))
    }
  }
}

@Suite struct TagAndResetTests {
  @Test func taggingAnIntermediateCommitWritesACompleteImage() throws {
    let f = try Fixture()
    let ref = try f.repo.createTag(try TagName(parsing: "app:mid"), at: try Revision(parsing: "app:1~1"))
    let image = try f.store.image(try f.store.tag(try TagName(parsing: "app:mid")).descriptor)
    #expect(image.tip?.id == ref.commit.id)
    #expect(image.manifest.layers.count == 3)
    #expect(image.config.diffIDs.count == 3)
    #expect(image.config.history.count == 5)
    #expect(image.config.created == image.config.history.last?.created)
    // The new image's commits are the same commits: ids do not change by cutting.
    let original = try f.store.image(try f.store.tag(try TagName(parsing: "app:1")).descriptor)
    #expect(image.commits.map(\.id) == Array(original.commits.prefix(5).map(\.id)))
    // Tagging a tip reuses its manifest.
    try f.repo.createTag(try TagName(parsing: "b"), at: try Revision(parsing: "base:1"))
    #expect(
      try f.store.tag(try TagName(parsing: "b:latest")).descriptor.digest
        == f.store.tag(try TagName(parsing: "base:1")).descriptor.digest)
    #expect(throws: HistoryError.tagExists(try TagName(parsing: "b"))) {
      try f.repo.createTag(try TagName(parsing: "b"), at: try Revision(parsing: "app:1"))
    }
    try f.repo.createTag(try TagName(parsing: "b"), at: try Revision(parsing: "app:1"), force: true)
  }

  @Test func resetAndUndoThroughTheReflog() throws {
    let f = try Fixture()
    let app = try TagName(parsing: "app:1")
    let before = try f.tip("app:1")
    try f.repo.reset(app, to: try Revision(parsing: "app:1~3"))
    let r = Repository(store: f.store)
    #expect(try r.resolve(.name("app:1")).commit.id == f.tip("base:1").id)
    try r.reset(app, to: try Revision(parsing: "app:1@{1}"))
    #expect(try Repository(store: f.store).resolve(.name("app:1")).commit.id == before.id)
    let lines = try Repository(store: f.store).reflog(app)
    #expect(lines.map(\.entry.command) == ["reset app:1 app:1@{1}", "reset app:1 app:1~3", "test"])
    #expect(lines[0].newTip == before.id)
    #expect(throws: StoreError.unknownTag(try TagName(parsing: "nope:1"))) {
      try f.repo.reset(try TagName(parsing: "nope:1"), to: .name("app:1"))
    }
  }

  @Test func deletedTagsStayReachableThroughTheReflog() throws {
    let f = try Fixture()
    let tool = try f.tip("tool:1")
    try f.repo.deleteTags([try TagName(parsing: "tool:1")])
    let r = Repository(store: f.store)
    #expect(try r.tags().map(\.name.description) == ["app:1", "base:1"])
    #expect(throws: HistoryError.deletedInReflog(try TagName(parsing: "tool:1"), 0)) {
      try r.resolve(try Revision(parsing: "tool:1@{0}"))
    }
    #expect(try r.resolve(try Revision(parsing: "tool:1@{1}")).commit.id == tool.id)
    #expect(try r.resolve(.name(String(tool.id.hex.prefix(8)))).commit.id == tool.id)
    // Reflog images are read one at a time, not kept: the commit only they hold is still
    // found, its changes still listed, and the reflog still names its tips.
    #expect(try r.changes(of: [tool])[tool.id]?.map(\.path) == ["opt", "opt/tool"])
    #expect(try r.reflog(try TagName(parsing: "tool:1")).first?.oldTip == tool.id)
  }
}

@Suite struct LogTests {
  @Test func rangesAndOrder() throws {
    let f = try Fixture()
    let range = try f.repo.log([try RevisionSpec(parsing: "base:1..app:1")], all: false, graph: false)
    #expect(
      range.map { $0.commit.history.createdBy ?? "" } == ["RUN make", "ENV MODE=prod", "COPY app /app"])
    let all = try f.repo.log([], all: true, graph: false)
    #expect(all.count == 7)
    #expect(all.first?.tags.map(\.description) == ["tool:1"])
    #expect(try f.repo.log([], all: true, graph: false, limit: 2).count == 2)
  }

  @Test func graphBranchesAtTheSharedBase() throws {
    let f = try Fixture()
    let lines = try f.repo.log([], all: true, graph: true).flatMap { e in
      [e.graph + (e.commit.history.createdBy ?? "")] + e.graphAfter
    }
    #expect(
      lines == [
        "* COPY tool /opt",
        "| * RUN make",
        "| * ENV MODE=prod",
        "| * COPY app /app",
        "* | CMD [\"sh\"]",
        "|/",
        "* RUN apt-get install curl",
        "* ADD rootfs /",
      ])
  }
}

@Suite struct FsckTests {
  @Test func aCleanStorePasses() throws {
    let f = try Fixture()
    let report = f.repo.fsck()
    #expect(report.problems.isEmpty)
    #expect(report.imagesChecked == 3)
  }

  @Test func aFlippedByteIsNamedWithDigestAndPath() throws {
    let f = try Fixture()
    let layer = try f.store.image(try f.store.tag(try TagName(parsing: "app:1")).descriptor).manifest.layers
      .last!
    let path = f.store.blobPath(layer.digest)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[700] ^= 0x01
    try bytes.write(to: URL(fileURLWithPath: path))
    let report = Repository(store: f.store).fsck()
    #expect(!report.problems.isEmpty)
    #expect(
      report.problems.contains {
        $0.digest == layer.digest && $0.message.contains(path) && $0.message.contains("corrupt")
      })
    #expect(report.problems.contains { $0.message.hasPrefix("app:1: layer 4 \(layer.digest) is corrupt") })
  }

  @Test func aMissingLayerIsFound() throws {
    let f = try Fixture()
    let layer = try f.store.image(try f.store.tag(try TagName(parsing: "tool:1")).descriptor).manifest.layers
      .last!
    try FileManager.default.removeItem(atPath: f.store.blobPath(layer.digest))
    let report = Repository(store: f.store).fsck()
    #expect(
      report.problems.map(\.message) == [
        "tool:1: layer 3 \(layer.digest) is missing (\(f.store.blobPath(layer.digest)))"
      ])
  }
}

@Suite struct MergeModelTests {
  @Test func unrelatedImagesHaveNoMergeBase() throws {
    let f = try Fixture()
    try ImageBuilder(store: f.store).image([.layer("ADD other /", ["x": "1"], at: 9)], tag: "other:1")
    #expect(throws: HistoryError.unrelated("app:1", "other:1")) {
      try f.repo.merge(
        .name("app:1"), .name("other:1"), tag: try TagName(parsing: "m:1"), squash: false, strategy: nil,
        options: LayerOptions())
    }
    #expect(throws: HistoryError.oursNeedsSquash) {
      try f.repo.merge(
        .name("app:1"), .name("tool:1"), tag: try TagName(parsing: "m:1"), squash: false, strategy: .ours,
        options: LayerOptions())
    }
  }
}

@Suite struct LayerIndexMemoryTests {
  /// `forgetLayerIndexes` lets go of what the cache can give back, and keeps what it cannot:
  /// an index this command built and has not saved (a refused command saves nothing), and
  /// the ones asked to be kept.
  @Test func forgottenIndexesAreReadAgainAndUnsavedOnesAreKept() throws {
    let f = try Fixture()
    let image = try f.repo.resolve(try Revision(parsing: "app:1")).image
    let cache = f.store.path + "/.imggit/cache/layers"
    try? FileManager.default.removeItem(atPath: cache)
    f.repo.deferCaches = true
    let built = try f.repo.layerIndexes(image, count: image.layers.count)
    f.repo.forgetLayerIndexes(keeping: [image.layers[3].diffID])
    // Built, not saved: kept whatever was asked, so it needs no blob to be asked for again.
    for layer in image.layers { try FileManager.default.removeItem(atPath: f.store.blobPath(layer.digest)) }
    #expect(try f.repo.layerIndexes(image, count: image.layers.count).map(\.diffID) == built.map(\.diffID))

    // Saved ones are forgotten unless kept: without blob or cache file, only a kept one is there.
    let g = try Fixture()
    let other = try g.repo.resolve(try Revision(parsing: "app:1")).image
    _ = try g.repo.layerIndexes(other, count: other.layers.count)
    g.repo.forgetLayerIndexes(keeping: [other.layers[3].diffID])
    try FileManager.default.removeItem(atPath: g.store.path + "/.imggit/cache/layers")
    for layer in other.layers { try FileManager.default.removeItem(atPath: g.store.blobPath(layer.digest)) }
    #expect(try g.repo.layerIndex(other.layers[3]).diffID == other.layers[3].diffID)
    #expect(throws: (any Error).self) { try g.repo.layerIndex(other.layers[0]) }
  }
}
