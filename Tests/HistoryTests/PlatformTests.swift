import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

@testable import History

/// base:1 and app:1 as two-platform indexes (linux/amd64, linux/arm64), whose platforms hold
/// different files, so that a rewrite that mixed them up shows.
struct PlatformFixture {
  let tmp: TempDirectory
  let store: Store
  let repo: Repository
  let builder: ImageBuilder
  static let arm = PlatformChoice(os: "linux", architecture: "arm64")
  static let amd = PlatformChoice(os: "linux", architecture: "amd64")

  init() throws {
    tmp = try TempDirectory()
    store = try Store(path: tmp.sub("store"), create: true)
    builder = ImageBuilder(store: store)
    var bases: [(architecture: String, manifest: Descriptor)] = []
    var apps: [(architecture: String, manifest: Descriptor)] = []
    for arch in ["amd64", "arm64"] {
      let base = try builder.image(
        [.layer("ADD rootfs /", ["etc/arch": arch, "bin/sh": "sh-\(arch)"], at: 1)], architecture: arch)
      bases.append((arch, base))
      let app = try builder.image(
        base: try store.image(base),
        [
          .layer("COPY app /app", ["app/main": "main-\(arch)"], at: 2),
          .layer("RUN make", ["app/out": "out-\(arch)", "tmp/junk": "x"], at: 3),
        ])
      apps.append((arch, app))
    }
    try builder.index(bases, tag: "base:1")
    try builder.index(apps, tag: "app:1")
    repo = Repository(store: store)
  }

  /// A patched base:2 for the given architectures.
  func patchBase(_ archs: [String]) throws {
    var bases: [(architecture: String, manifest: Descriptor)] = []
    for arch in archs {
      let repo = Repository(store: store)
      repo.platform = PlatformChoice(os: "linux", architecture: arch)
      let old = try repo.resolve(.name("base:1")).image
      bases.append(
        (
          arch,
          try builder.image(
            base: old, [.layer("RUN patch", ["etc/patched": arch], at: 4)], architecture: arch)
        ))
    }
    try builder.index(bases, tag: "base:2")
  }

  func tree(_ rev: String, _ platform: PlatformChoice) throws -> [String: String] {
    let r = Repository(store: store)
    r.platform = platform
    let fs = try r.rootFS(try r.resolve(try Revision(parsing: rev)))
    return fs.nodes.filter { $0.value.entry.type == .regular }.mapValues { $0.entry.sha256 ?? "" }
  }

  func index(_ tag: String) throws -> ImageIndex {
    try store.index(try store.tag(try TagName(parsing: tag)).descriptor)
  }
}

@Suite struct PlatformTests {
  @Test func revisionsResolveToTheChosenPlatform() throws {
    let f = try PlatformFixture()
    #expect(try f.repo.resolve(.name("app:1")).image.config.architecture == "amd64")
    f.repo.platform = PlatformFixture.arm
    let ref = try f.repo.resolve(try Revision(parsing: "app:1~1"))
    #expect(ref.image.config.architecture == "arm64")
    #expect(ref.index != nil)
    f.repo.platform = PlatformChoice(os: "linux", architecture: "s390x")
    #expect(throws: ModelError.self) { try f.repo.resolve(.name("app:1")) }
  }

  @Test func squashRewritesEveryPlatformIntoANewIndex() throws {
    let f = try PlatformFixture()
    let before = try (f.tree("app:1", PlatformFixture.amd), f.tree("app:1", PlatformFixture.arm))
    let r = try f.repo.squash(
      base: .name("base:1"), image: .name("app:1"), tag: nil, message: nil, options: LayerOptions())
    #expect(r.platforms.map(\.label) == ["linux/amd64", "linux/arm64"])
    let index = try f.index("app:1")
    #expect(index.manifests.map { $0.platform?.architecture } == ["amd64", "arm64"])
    #expect(try f.tree("app:1", PlatformFixture.amd) == before.0)
    #expect(try f.tree("app:1", PlatformFixture.arm) == before.1)
    #expect(before.0 != before.1)
    for arch in [PlatformFixture.amd, PlatformFixture.arm] {
      let repo = Repository(store: f.store)
      repo.platform = arch
      let image = try repo.resolve(.name("app:1")).image
      #expect(image.manifest.layers.count == 2)
      #expect(image.config.architecture == arch.architecture)
    }
    try validateStore(f.store.path)
    #expect(f.repo.fsck().problems.isEmpty)
  }

  @Test func rebaseTakesEachPlatformsOwnBase() throws {
    let f = try PlatformFixture()
    try f.patchBase(["amd64", "arm64"])
    let r = try Repository(store: f.store).rebase(
      onto: .name("base:2"), old: .name("base:1"), image: .name("app:1"), tag: nil, strict: true)
    #expect(r.platforms.count == 2)
    for arch in ["amd64", "arm64"] {
      let tree = try f.tree("app:1", PlatformChoice(os: "linux", architecture: arch))
      #expect(tree["etc/patched"] == Digest(of: Data(arch.utf8)).hex)
      #expect(tree["app/main"] == Digest(of: Data("main-\(arch)".utf8)).hex)
    }
    try validateStore(f.store.path)
  }

  @Test func aBaseWithoutThePlatformRefusesTheWholeRebase() throws {
    let f = try PlatformFixture()
    try f.patchBase(["amd64"])
    let before = try f.store.tag(try TagName(parsing: "app:1")).descriptor
    let files = try snapshot(f.store.path)
    let repo = Repository(store: f.store)
    repo.deferCaches = true
    let error = #expect(throws: PlatformError.self) {
      try repo.rebase(
        onto: .name("base:2"), old: .name("base:1"), image: .name("app:1"), tag: nil, strict: false)
    }
    // Every platform is checked before any is written: not a byte of the store changed.
    #expect(try snapshot(f.store.path) == files)
    #expect(error?.platform == "linux/arm64")
    #expect(
      error?.underlying as? ModelError
        == .noPlatform(what: "base:2", wanted: "linux/arm64", available: ["linux/amd64"]))
    #expect(try f.store.tag(try TagName(parsing: "app:1")).descriptor == before)
  }

  @Test func commitAddsTheSameLayerToEveryPlatform() throws {
    let f = try PlatformFixture()
    let file = f.tmp.sub("hello")
    try Data("hi".utf8).write(to: URL(fileURLWithPath: file))
    var request = CommitRequest(message: "COPY hello /hello")
    request.adds = [(file, "/hello")]
    let r = try f.repo.commit(onto: .name("app:1"), tag: nil, request)
    #expect(r.platforms.count == 2)
    var tops: [Digest] = []
    for arch in [PlatformFixture.amd, PlatformFixture.arm] {
      let repo = Repository(store: f.store)
      repo.platform = arch
      let image = try repo.resolve(.name("app:1")).image
      tops.append(image.manifest.layers.last!.digest)
      #expect(image.config.architecture == arch.architecture)
    }
    #expect(tops[0] == tops[1])
  }

  @Test func tagAndResetKeepEveryPlatform() throws {
    let f = try PlatformFixture()
    let tip = try f.store.tag(try TagName(parsing: "app:1")).descriptor
    try f.repo.createTag(try TagName(parsing: "app:same"), at: .name("app:1"))
    #expect(try f.store.tag(try TagName(parsing: "app:same")).descriptor.digest == tip.digest)
    try f.repo.createTag(try TagName(parsing: "app:prev"), at: try Revision(parsing: "app:1~1"))
    #expect(try f.index("app:prev").manifests.count == 2)
    #expect(try f.tree("app:prev", PlatformFixture.arm)["app/out"] == nil)
    #expect(try f.tree("app:prev", PlatformFixture.arm)["app/main"] != nil)
    try f.repo.reset(try TagName(parsing: "app:1"), to: try Revision(parsing: "app:prev"))
    try f.repo.reset(try TagName(parsing: "app:1"), to: try Revision(parsing: "app:1@{1}"))
    #expect(try f.store.tag(try TagName(parsing: "app:1")).descriptor.digest == tip.digest)
  }

  @Test func gcKeepsEveryPlatformsBlobs() throws {
    let f = try PlatformFixture()
    let report = try f.repo.gc(dryRun: false, expireReflog: 0, grace: 0)
    #expect(report.blobs.isEmpty)
    try validateStore(f.store.path)
  }
}
