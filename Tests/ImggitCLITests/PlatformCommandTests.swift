import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

/// Multi-platform images through the binary: an index stays an index in the store, history
/// commands take --platform, rewrites change every platform, and push and pull move the whole
/// index, with umoci (one platform at a time, chosen by skopeo) as the oracle.
@Suite struct PlatformCommandTests {
  static let archs = ["amd64", "arm64"]

  /// A layout holding base:1 and app:1 as indexes of linux/amd64 and linux/arm64 images
  /// whose files differ by platform; returns its path.
  static func multiPlatformLayout(_ cli: CLI) throws -> String {
    let path = cli.tmp.sub("multi")
    let store = try Store(path: path, create: true)
    let b = ImageBuilder(store: store)
    var bases: [(architecture: String, manifest: Descriptor)] = []
    var apps: [(architecture: String, manifest: Descriptor)] = []
    for arch in archs {
      let base = try b.image(
        [
          .layer("ADD rootfs /", ["etc/arch": arch, "bin/sh": "sh-\(arch)", "etc/drop": "x"], at: 1),
          .config("CMD [\"sh\"]", at: 2),
        ], architecture: arch)
      bases.append((arch, base))
      let app = try b.image(
        base: try store.image(base),
        [
          .layer("COPY app /app", ["app/main": "main-\(arch)"], at: 3),
          .layer("RUN make", ["app/out": "out-\(arch)", "app/main": "main2-\(arch)"], at: 4),
        ])
      apps.append((arch, app))
    }
    try b.index(bases, tag: "base:1")
    try b.index(apps, tag: "app:1")
    return path
  }

  /// The tree umoci unpacks from the `arch` image of `layout:tag` (skopeo picks it).
  static func tree(_ cli: CLI, _ layout: String, _ tag: String, _ arch: String) throws -> [String] {
    let one = cli.tmp.sub("one-\(UUID().uuidString.prefix(8))")
    try cli.tool(
      "skopeo", "copy", "--override-arch", arch, "--override-os", "linux", "oci:\(layout):\(tag)",
      "oci:\(one):x")
    return try RegistryTests.tree(cli, one, "x")
  }

  static func indexEntry(_ layout: String, _ tag: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: layout + "/index.json"))
    let index = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let entries = try #require(index["manifests"] as? [[String: Any]])
    return try #require(
      entries.first { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == tag })
  }

  @Test func anIndexStaysAnIndexAndSquashRewritesEveryPlatform() throws {
    let cli = try CLI()
    let multi = try Self.multiPlatformLayout(cli)
    try cli.ok("import", "oci:\(multi):app:1")
    try cli.ok("import", "oci:\(multi):base:1")
    #expect(try Self.indexEntry(cli.store, "app:1")["mediaType"] as? String == MediaType.ociIndex)
    let log = try cli.ok("log", "--platform", "linux/arm64", "--oneline", "app:1")
    #expect(log.split(separator: "\n").count == 4)
    let dir = cli.tmp.sub("arm")
    try cli.ok("extract", "--platform", "linux/arm64", "app:1", "-C", dir)
    #expect(try String(contentsOfFile: dir + "/app/main", encoding: .utf8) == "main2-arm64")
    let bad = try cli("log", "--platform", "linux/s390x", "app:1")
    #expect(bad.status != 0)
    #expect(
      bad.stderr.contains("has no linux/s390x image (it has linux/amd64, linux/arm64)"), "\(bad.stderr)")

    let out = try cli.ok("merge", "--squash", "base:1..app:1")
    #expect(out.contains("on 2 platforms (linux/amd64, linux/arm64)"), "\(out)")
    #expect(try Self.indexEntry(cli.store, "app:1")["mediaType"] as? String == MediaType.ociIndex)
    for arch in Self.archs {
      #expect(
        try Self.tree(cli, cli.store, "app:1", arch) == Self.tree(cli, multi, "app:1", arch),
        "\(arch) unpacks differently after the squash")
    }
    let oneline = try cli.ok("log", "--platform", "linux/arm64", "--oneline", "app:1")
    #expect(oneline.split(separator: "\n").count == 3)
    try cli.ok("fsck")
    // The rewrite is undoable like any other.
    try cli.ok("reset", "app:1", "app:1@{1}")
    #expect(try Self.tree(cli, cli.store, "app:1", "arm64") == Self.tree(cli, multi, "app:1", "arm64"))
  }

  @Test func aPlatformTheSourceLacksIsLeftOutByName() throws {
    let cli = try CLI()
    let multi = try Self.multiPlatformLayout(cli)
    // Remove the arm64 app's top layer, as docker save leaves out other platforms' blobs.
    let source = try Store(path: multi, create: false)
    let index = try source.index(try source.tag(try TagName(parsing: "app:1")).descriptor)
    let arm = try #require(index.manifests.first { $0.platform?.architecture == "arm64" })
    let top = try #require(try source.image(arm).manifest.layers.last)
    try FileManager.default.removeItem(atPath: source.blobPath(top.digest))
    let r = try cli("import", "oci:\(multi):app:1")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("linux/arm64 left out"), "\(r.stderr)")
    let stored = try Store(path: cli.store, create: false)
    let kept = try stored.index(try stored.tag(try TagName(parsing: "app:1")).descriptor)
    #expect(kept.manifests.map { $0.platform?.architecture } == ["amd64"])
    try cli.ok("fsck")
  }

  @Test func pushAndPullMoveTheWholeIndexAndPromiseTheOtherPlatformsLayers() throws {
    guard TestRegistry.available else { return }
    let cli = try CLI()
    let multi = try Self.multiPlatformLayout(cli)
    try cli.ok("import", "oci:\(multi):app:1")
    let registry = try TestRegistry(tmp: cli.tmp)
    let pushed = try RegistryTests.json(
      try cli.ok("push", "--insecure", "app:1", "\(registry.address)/team/app:1", "--json"))
    let digest = try #require(pushed["manifest"] as? String)
    #expect(try RegistryTests.registryDigest(cli, "\(registry.direct)/team/app:1") == digest)
    #expect(digest == (try Self.indexEntry(cli.store, "app:1")["digest"] as? String))
    // skopeo copies every platform back with the same index digest.
    let back = cli.tmp.sub("back")
    try cli.tool(
      "skopeo", "copy", "--all", "--preserve-digests", "--src-tls-verify=false",
      "docker://\(registry.direct)/team/app:1", "oci:\(back):x")
    #expect(try Self.indexEntry(back, "x")["digest"] as? String == digest)

    let other = try CLI()
    let pulled = try RegistryTests.json(
      try other.ok("pull", "--insecure", "\(registry.address)/team/app:1", "--tag", "app:1", "--json"))
    #expect(pulled["manifest"] as? String == digest)
    // The host's three layers came; the other platform's three are promised.
    #expect(pulled["promised"] as? Int == 3, "\(pulled)")
    let fsck = try other.ok("fsck")
    #expect(fsck.contains("promised"), "\(fsck)")
    let dir = other.tmp.sub("arm")
    try other.ok("extract", "--platform", "linux/arm64", "app:1", "-C", dir)
    #expect(try String(contentsOfFile: dir + "/app/main", encoding: .utf8) == "main2-arm64")
    for arch in Self.archs {
      #expect(try Self.tree(other, other.store, "app:1", arch) == Self.tree(cli, multi, "app:1", arch))
    }
    // A Docker manifest list, as skopeo writes one, is kept whole the same way.
    try cli.tool(
      "skopeo", "copy", "--all", "--format", "v2s2", "--dest-tls-verify=false", "oci:\(multi):app:1",
      "docker://\(registry.direct)/team/docker:1")
    let list = try RegistryTests.json(
      try other.ok("pull", "--insecure", "\(registry.address)/team/docker:1", "--tag", "docker:1", "--json"))
    #expect(
      list["manifest"] as? String
        == (try RegistryTests.registryDigest(cli, "\(registry.direct)/team/docker:1")))
    #expect(
      try Self.indexEntry(other.store, "docker:1")["mediaType"] as? String == MediaType.dockerManifestList)
    // (skopeo reads no Docker media type from a layout, so imggit extracts it here.)
    let docker = other.tmp.sub("docker-arm")
    try other.ok("extract", "--platform", "linux/arm64", "docker:1", "-C", docker)
    #expect(try String(contentsOfFile: docker + "/app/main", encoding: .utf8) == "main2-arm64")
    try other.ok("fsck")
  }
}
