import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

/// Pull, push, login and transfer faults against a real distribution registry on loopback,
/// with skopeo and umoci as the oracles.
@Suite(.serialized) struct RegistryTests {
  /// The manifest digest the registry serves for `ref`, as skopeo reads it.
  static func registryDigest(_ cli: CLI, _ ref: String, creds: String? = nil) throws -> String {
    var args = ["inspect", "--tls-verify=false", "--raw"]
    if let creds { args += ["--creds", creds] }
    let r = try run(try #require(which("skopeo")), args + ["docker://\(ref)"])
    try #require(r.status == 0, "skopeo inspect: \(r.stderr)")
    return Digest(of: Data(r.stdout.utf8)).description
  }

  /// The tree umoci unpacks from `layout:tag`.
  static func tree(_ cli: CLI, _ layout: String, _ tag: String) throws -> [String] {
    let dir = cli.tmp.sub("unpack-\(UUID().uuidString.prefix(8))")
    try cli.tool("umoci", "unpack", "--image", "\(layout):\(tag)", dir)
    return try HostileLayerTests.tree(dir + "/rootfs")
  }

  static func json(_ s: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
  }

  /// A fresh CLI, the fixture, and a registry (behind the fault proxy with `proxy`) holding
  /// the fixture's app:1 as team/app:1, copied there by skopeo.
  static func registryWithApp(proxy: Bool = false) throws -> (CLI, String, TestRegistry) {
    let cli = try CLI()
    let fx = try cli.fixture()
    let registry = try TestRegistry(tmp: cli.tmp, proxy: proxy)
    try cli.tool(
      "skopeo", "copy", "--dest-tls-verify=false", "oci:\(fx):app:1", "docker://\(registry.direct)/team/app:1"
    )
    return (cli, fx, registry)
  }

  @Test func anImageSkopeoPushedPullsWithTheRegistrysDigestAndUnpacksToTheSameTree() throws {
    guard TestRegistry.available else {
      return print("RegistryTests skipped: apt-get install docker-registry")
    }
    let cli = try CLI()
    let fx = try cli.fixture()
    let registry = try TestRegistry(tmp: cli.tmp)
    for image in ["app:1", "tricky:1"] {
      let repo = image.split(separator: ":")[0]
      try cli.tool(
        "skopeo", "copy", "--dest-tls-verify=false", "oci:\(fx):\(image)",
        "docker://\(registry.direct)/team/\(repo):1")
      let out = try cli.ok(
        "pull", "--insecure", "\(registry.address)/team/\(repo):1", "--tag", image, "--json")
      let summary = try Self.json(out)
      let digest = try Self.registryDigest(cli, "\(registry.direct)/team/\(repo):1")
      #expect(summary["manifest"] as? String == digest)
      #expect(
        try Self.tree(cli, cli.store, image) == Self.tree(cli, fx, image), "\(image) unpacks differently")
    }
    // Pulling again moves nothing.
    let again = try Self.json(
      try cli.ok("pull", "--insecure", "\(registry.address)/team/app:1", "--tag", "app:1", "--json"))
    #expect(again["transferred"] as? Int == 0)
    #expect(again["bytes"] as? Int == 0)
    try cli.ok("fsck")
  }

  @Test func anImageImggitPushedIsReadAndCopiedBackBySkopeoWithTheSameDigests() throws {
    guard TestRegistry.available else { return }
    let (cli, _) = try CLI.withImages(["app:1"])
    let registry = try TestRegistry(tmp: cli.tmp)
    try cli.ok("commit", "app:1", "--env", "MODE=test", "-m", "config only")
    for (rev, tag) in [("app:1", "1"), ("app:1~1", "older")] {
      let out = try Self.json(
        try cli.ok("push", "--insecure", rev, "\(registry.address)/team/app:\(tag)", "--json"))
      let inspect = try Self.json(
        try cli.tool("skopeo", "inspect", "--tls-verify=false", "docker://\(registry.direct)/team/app:\(tag)")
      )
      #expect(inspect["Digest"] as? String == out["manifest"] as? String)
      let back = cli.tmp.sub("back-\(tag)")
      try cli.tool(
        "skopeo", "copy", "--src-tls-verify=false", "docker://\(registry.direct)/team/app:\(tag)",
        "oci:\(back):x")
      let index = try Self.json(try String(contentsOfFile: back + "/index.json", encoding: .utf8))
      let entry = try #require((index["manifests"] as? [[String: Any]])?.first)
      #expect(entry["digest"] as? String == out["manifest"] as? String)
    }
    // A second push finds every blob there and sends only what the registry lacks: nothing.
    let again = try Self.json(
      try cli.ok("push", "--insecure", "app:1", "\(registry.address)/team/app:1", "--json"))
    #expect(again["transferred"] as? Int == 0)
  }

  @Test func pushAfterCommitUploadsOneLayerAndPushAllMountsSharedBlobs() throws {
    guard TestRegistry.available else { return }
    let (cli, _) = try CLI.withImages(["base:1", "app:1", "tool:1"])
    let registry = try TestRegistry(tmp: cli.tmp, proxy: true)
    try cli.ok("push", "--insecure", "app:1", "\(registry.address)/team/app:1")
    let file = cli.tmp.sub("patch.txt")
    try "patched\n".write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("commit", "app:1", "--add", "\(file):/etc/patch.txt", "-m", "patch", "-t", "app:2")
    try registry.clearRequests()
    try cli.ok("push", "--insecure", "app:2", "\(registry.address)/team/app:2")
    let uploads = try registry.requests().filter { $0.method == "PUT" && $0.path.contains("/blobs/uploads/") }
    // The new layer and the new config; every older blob was only asked for.
    #expect(uploads.count == 2, "uploads: \(uploads.map(\.path))")
    // --all: base:1's blobs go once, then app and tool mount them from that repository.
    let out = try cli.ok("push", "--insecure", "--all", "\(registry.address)/fleet", "--json")
    let results = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
    #expect(results.count == 4)
    #expect(results.contains { ($0["mounted"] as? Int ?? 0) > 0 }, "\(results)")
    for r in results {
      let ref = try #require(r["reference"] as? String)
      #expect(
        try Self.registryDigest(cli, ref.replacingOccurrences(of: registry.address, with: registry.direct))
          == r["manifest"] as? String)
    }
  }

  @Test(arguments: ["basic", "token"])
  func credentialsFromFlagsAndFromTheAuthFileLoginWrites(_ kind: String) throws {
    guard TestRegistry.available else { return }
    let (cli, _) = try CLI.withImages(["app:1"])
    let registry = try TestRegistry(
      tmp: cli.tmp,
      auth: kind == "basic" ? .basic(user: "ci", password: "s3cret") : .token(user: "ci", password: "s3cret"))
    let env = ["REGISTRY_AUTH_FILE": cli.tmp.sub("auth.json"), "HOME": cli.tmp.path]
    let ref = "\(registry.address)/team/app:1"
    // No credentials: one line that names the registry and the repository.
    let denied = try cli(["push", "--insecure", "app:1", ref], env: env)
    #expect(denied.status == 1)
    #expect(denied.stderr.hasPrefix("imggit: \(registry.address): "), "\(denied.stderr)")
    #expect(denied.stderr.contains("team/app"), "\(denied.stderr)")
    #expect(denied.stderr.split(separator: "\n").count == 1, "\(denied.stderr)")
    let wrong = try cli(["login", "--insecure", registry.address, "--creds", "ci:nope"], env: env)
    #expect(wrong.status == 1)
    #expect(!FileManager.default.fileExists(atPath: env["REGISTRY_AUTH_FILE"]!))
    let pushed = try cli(["push", "--insecure", "--creds", "ci:s3cret", "app:1", ref], env: env)
    #expect(pushed.status == 0, "\(pushed.stderr)")
    try cli.ok("tag", "-d", "app:1")
    // login checks, then writes the file skopeo reads too.
    let login = try cli(["login", "--insecure", registry.address, "--creds", "ci:s3cret"], env: env)
    #expect(login.status == 0, "\(login.stderr)")
    let skopeo = try run(
      try #require(which("skopeo")),
      [
        "inspect", "--tls-verify=false", "--authfile", env["REGISTRY_AUTH_FILE"]!,
        "docker://\(registry.direct)/team/app:1",
      ])
    #expect(skopeo.status == 0, "skopeo with imggit's auth file: \(skopeo.stderr)")
    let pulled = try cli(["pull", "--insecure", ref, "--tag", "app:1"], env: env)
    #expect(pulled.status == 0, "\(pulled.stderr)")
    // Mounts work under token auth too: the token asked for may also read the source.
    try cli.ok("tag", "other:1", "app:1")
    let all = try cli(["push", "--insecure", "--all", "\(registry.address)/ns", "--json"], env: env)
    #expect(all.status == 0, "\(all.stderr)")
    let results = try #require(
      try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
    #expect(results.map { $0["mounted"] as? Int ?? 0 }.reduce(0, +) > 0, "\(results)")
    #expect(try cli(["logout", registry.address], env: env).status == 0)
    #expect(try cli(["pull", "--insecure", ref, "--tag", "app:again"], env: env).status == 1)
  }

  @Test func pullsSurviveCutsBusyAnswersIgnoredRangesCorruptBytesAndStalls() throws {
    guard TestRegistry.available else { return }
    let (cli, fx, registry) = try RegistryTests.registryWithApp(proxy: true)
    try registry.inject([
      ["cut_after": 20_000, "times": 2], ["status": 503, "retry_after": 1],
      ["status": 429, "retry_after": 0],
      ["status": 500], ["ignore_range": true], ["corrupt": true], ["trickle": 5],
    ])
    let out = try cli.ok(
      "pull", "--insecure", "--timeout", "2", "--jobs", "2", "\(registry.address)/team/app:1", "--tag",
      "app:1", "--json")
    let summary = try Self.json(out)
    // Every fault that breaks a try (a cut only breaks blobs longer than the cut) is one retry.
    #expect((summary["retries"] as? Int ?? 0) >= 5, "\(summary)")
    #expect((summary["resumed"] as? Int ?? 0) >= 1, "\(summary)")
    #expect(try Self.tree(cli, cli.store, "app:1") == Self.tree(cli, fx, "app:1"))
    let statuses = Set(try registry.requests().map(\.status))
    #expect(statuses.isSuperset(of: [200, 206, 429, 500, 503]), "\(statuses)")
    try cli.ok("fsck")
  }

  @Test func aCorruptBlobIsRefusedAndNothingIsStoredOrTagged() throws {
    guard TestRegistry.available else { return }
    let (cli, _, registry) = try RegistryTests.registryWithApp(proxy: true)
    try registry.inject([["corrupt": true, "times": 100]])
    let r = try cli("pull", "--insecure", "\(registry.address)/team/app:1", "--tag", "app:1")
    #expect(r.status == 1)
    #expect(r.stderr.contains("failed 5 times") && r.stderr.contains("corrupt"), "\(r.stderr)")
    #expect(!(try cli.ok("tag")).contains("app:1"))
    try cli.ok("fsck")
  }

  @Test func pullIndexReadsEveryLayerAndALayerMissingItsDiffIDIsNotTagged() throws {
    guard TestRegistry.available else { return }
    let (cli, _, registry) = try RegistryTests.registryWithApp()
    // Without --index, nothing is read; with it, every layer.
    try cli.ok("pull", "--insecure", "\(registry.address)/team/app:1", "--tag", "app:1")
    #expect(try IncomingIndexTests.indexes(cli.store).isEmpty)
    try FileManager.default.removeItem(atPath: cli.store)
    try cli.ok("pull", "--insecure", "--index", "\(registry.address)/team/app:1", "--tag", "app:1")
    let indexes = try IncomingIndexTests.indexes(cli.store)
    #expect(Set(indexes.keys) == (try IncomingIndexTests.names(cli.store, "app:1")))

    // An image whose config gives its top layer the DiffID of the one below, pushed as is.
    let layout = cli.tmp.sub("lying")
    try IncomingIndexTests.lyingLayout(layout, from: try Store(path: cli.store, create: false))
    let push = try run(
      cli.binary, ["push", "--insecure", "lying:1", "\(registry.address)/team/lying:1"],
      environment: ["IMGGIT_STORE": layout])
    try #require(push.status == 0, "\(push.stderr)")
    let fresh = cli.tmp.sub("fresh")
    let r = try run(
      cli.binary, ["pull", "--insecure", "--index", "\(registry.address)/team/lying:1", "--tag", "lying:1"],
      environment: ["IMGGIT_STORE": fresh])
    #expect(r.status == 1 && r.stderr.contains("the config's DiffID is"), "\(r.stderr)")
    #expect(try Store(path: fresh, create: false).tags().isEmpty)
    #expect(try IncomingIndexTests.indexes(fresh).isEmpty)
    let fsck = try run(cli.binary, ["fsck"], environment: ["IMGGIT_STORE": fresh])
    #expect(fsck.status == 0, "\(fsck.stderr)")
  }

  @Test func aKilledPullContinuesWhereItStopped() throws {
    guard TestRegistry.available else { return }
    let (cli, _) = try CLI.withImages(["base:1"])
    let registry = try TestRegistry(tmp: cli.tmp, proxy: true)
    // One big layer (8 MiB of noise) so there is a middle to kill in.
    let noise = cli.tmp.sub("noise.bin")
    _ = FileManager.default.createFile(
      atPath: noise, contents: Data((0..<(8 << 20)).map { _ in UInt8.random(in: 0...255) }))
    try cli.ok(
      "commit", "base:1", "--add", "\(noise):/noise.bin", "--compression", "none", "-m", "noise", "-t",
      "big:1")
    try cli.ok("push", "--insecure", "big:1", "\(registry.address)/team/big:1")
    let log = try #require(
      try JSONSerialization.jsonObject(with: Data(try cli.ok("log", "big:1", "-n", "1", "--json").utf8))
        as? [[String: Any]])
    let big = try #require((log.first?["layer"] as? [String: Any])?["digest"] as? String)
    let bigHex = String(big.dropFirst("sha256:".count))
    let fresh = try CLI()
    // A partial pull first: the full pull below then fills it in.
    try fresh.ok("pull", "--insecure", "--layers", "none", "\(registry.address)/team/big:1", "--tag", "big:1")
    try registry.clearRequests()
    try registry.inject([["rate": 1_000_000, "match": "/blobs/", "times": 100]])
    let p = Process()
    p.executableURL = URL(fileURLWithPath: fresh.binary)
    p.arguments = ["pull", "--insecure", "\(registry.address)/team/big:1", "--tag", "big:1", "--jobs", "1"]
    p.environment = ["IMGGIT_STORE": fresh.store]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    // Wait until about half the big blob is on disk, then kill -9.
    let tmpDir = fresh.store + "/.imggit/tmp"
    var partialSize: Int64 = 0
    for _ in 0..<300 {
      usleep(50_000)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: tmpDir)) ?? []
      for n in names where n == "partial-\(bigHex)" {
        let size = (try? FileManager.default.attributesOfItem(atPath: "\(tmpDir)/\(n)")[.size] as? Int64) ?? 0
        partialSize = max(partialSize, size)
      }
      if partialSize > 3 << 20 { break }
    }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    try #require(partialSize > 3 << 20, "the pull never got half way")
    try registry.inject([])
    // Let the proxy see the broken pipe and log the killed transfer before the count starts.
    sleep(1)
    try registry.clearRequests()
    let out = try Self.json(
      try fresh.ok("pull", "--insecure", "\(registry.address)/team/big:1", "--tag", "big:1", "--json"))
    #expect((out["resumed"] as? Int ?? 0) >= 1, "\(out)")
    let sent = try registry.requests().filter { $0.method == "GET" && $0.path.contains(bigHex) }.reduce(
      Int64(0)
    ) { $0 + $1.bytes }
    let layerSize: Int64 = 8 << 20
    #expect(
      sent <= (layerSize - partialSize) + layerSize / 10 + 200_000,
      "sent \(sent) after \(partialSize) were on disk")
    try fresh.ok("fsck")
  }

  @Test func referencesAreReadByDockersGrammarAndBadOnesAreOneLine() throws {
    let cli = try CLI()
    for bad in ["localhost:5000/App:1", "localhost:5000/app:bad tag", "localhost:5000/app@sha256:12"] {
      let r = try cli("pull", bad)
      #expect(r.status != 0)
      #expect(r.stderr.contains("invalid image reference"), "\(bad): \(r.stderr)")
    }
    let refused = try cli("pull", "--insecure", "127.0.0.1:\(TestRegistry.freePort())/team/app:1")
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("imggit: 127.0.0.1:"), "\(refused.stderr)")
    #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
  }
}

/// Partial images: layers promised by the registry, fetched only when a command needs them.
@Suite(.serialized) struct PartialImageTests {
  @Test func logOfAReferenceFetchesNoLayerAndExtractOfItsLayerFetchesOne() throws {
    guard TestRegistry.available else { return }
    let (cli, fx, registry) = try RegistryTests.registryWithApp(proxy: true)
    let ref = "\(registry.address)/team/app:1"
    try cli.ok("init", cli.store)
    let manifest = try RegistryTests.json(
      try cli.tool(
        "skopeo", "inspect", "--tls-verify=false", "--raw", "docker://\(registry.direct)/team/app:1"))
    let layers = try #require(manifest["layers"] as? [[String: Any]]).compactMap { $0["digest"] as? String }
    func layerGETs() throws -> [String] {
      try registry.requests().filter { r in r.method == "GET" && layers.contains { r.path.hasSuffix($0) } }
        .map(\.path)
    }
    try registry.clearRequests()
    let log = try cli.ok("log", "--insecure", "--oneline", ref)
    #expect(log.contains("ENTRYPOINT"), "\(log)")
    let logGETs = try layerGETs()
    #expect(logGETs.isEmpty, "log fetched layers: \(logGETs)")
    // fsck passes on a partial image and says what is promised.
    let fsck = try RegistryTests.json(try cli.ok("fsck", "--json"))
    #expect((fsck["problems"] as? [Any])?.isEmpty == true)
    #expect((fsck["promised"] as? [Any])?.count == layers.count)
    // Offline, a command that needs bytes names the blob and where it would come from.
    let offline = try cli("show", "--offline", "\(ref)~1")
    #expect(offline.status == 1)
    #expect(offline.stderr.contains("is promised by \(registry.address)/team/app"), "\(offline.stderr)")
    #expect(offline.stderr.split(separator: "\n").count == 1)
    // The seed's trick: the build's output is one layer.
    try registry.clearRequests()
    let out = cli.tmp.sub("out")
    try cli.ok("extract", "--insecure", "\(ref)~1", "--layer", "-C", out)
    let extractGETs = try layerGETs()
    #expect(extractGETs.count == 1, "extract --layer fetched \(extractGETs)")
    // A squash needs every layer: they arrive on demand, and the result is what umoci says.
    try cli.ok("merge", "--squash", "--insecure", ref, "-t", "flat:1")
    let flat = try RegistryTests.tree(cli, cli.store, "flat:1")
    #expect(flat == (try RegistryTests.tree(cli, fx, "app:1")))
    let after = try RegistryTests.json(try cli.ok("fsck", "--json"))
    #expect((after["promised"] as? [Any])?.isEmpty == true, "\(after)")
  }

  @Test func gcKeepsThePromisesOfWhatItKeepsAndPushMountsPromisedLayers() throws {
    guard TestRegistry.available else { return }
    let (cli, _, registry) = try RegistryTests.registryWithApp(proxy: true)
    try cli.ok("pull", "--insecure", "--layers", "none", "\(registry.address)/team/app:1", "--tag", "app:1")
    let promised = try FileManager.default.contentsOfDirectory(atPath: cli.store + "/.imggit/promised").count
    #expect(promised > 0)
    try cli.ok("gc", "--grace", "0s")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: cli.store + "/.imggit/promised").count == promised)
    // A config change and a push to another repository: the layers are mounted, never fetched.
    try cli.ok("commit", "app:1", "--env", "STAGE=prod", "-m", "retag for prod")
    try registry.clearRequests()
    let pushed = try RegistryTests.json(
      try cli.ok("push", "--insecure", "app:1", "\(registry.address)/prod/app:1", "--json"))
    #expect(pushed["mounted"] as? Int == promised, "\(pushed)")
    #expect(try registry.requests().filter { $0.method == "GET" && $0.path.contains("/blobs/") }.isEmpty)
    #expect(
      try RegistryTests.registryDigest(cli, "\(registry.direct)/prod/app:1") == pushed["manifest"] as? String)
    try cli.ok("tag", "-d", "app:1")
    try cli.ok("gc", "--grace", "0s", "--expire-reflog", "0s")
    #expect(try FileManager.default.contentsOfDirectory(atPath: cli.store + "/.imggit/promised").isEmpty)
    try cli.ok("fsck")
  }

  @Test func aPromisedLayerGoesFromItsRegistryToAnotherWithoutBeingStored() throws {
    guard TestRegistry.available else { return }
    let (cli, fx, source) = try RegistryTests.registryWithApp(proxy: true)
    let target = try TestRegistry(tmp: cli.tmp)
    try cli.ok("pull", "--insecure", "--layers", "none", "\(source.address)/team/app:1", "--tag", "app:1")
    let before = try FileManager.default.contentsOfDirectory(atPath: cli.store + "/blobs/sha256").count
    // One cut and one corrupt byte on the way: each copy starts again, and the bad one
    // never completes an upload.
    try source.inject([["cut_after": 100, "times": 1], ["corrupt": true, "times": 1]])
    try source.clearRequests()
    let pushed = try RegistryTests.json(
      try cli.ok("push", "--insecure", "app:1", "\(target.address)/copy/app:1", "--json"))
    #expect((pushed["transferred"] as? Int ?? 0) > 1, "\(pushed)")
    // Each promised layer was read from the source once, and the two broken copies again.
    let promised = try FileManager.default.contentsOfDirectory(atPath: cli.store + "/.imggit/promised").count
    let reads = try source.requests().filter { $0.method == "GET" && $0.path.contains("/blobs/") }
    #expect(reads.count == promised + 2, "\(reads.map { "\($0.path) \($0.status) \($0.bytes)" })")
    #expect(try FileManager.default.contentsOfDirectory(atPath: cli.store + "/blobs/sha256").count == before)
    #expect(
      try RegistryTests.registryDigest(cli, "\(target.direct)/copy/app:1") == pushed["manifest"] as? String)
    let back = cli.tmp.sub("copied")
    try cli.tool(
      "skopeo", "copy", "--src-tls-verify=false", "docker://\(target.direct)/copy/app:1", "oci:\(back):x")
    #expect(try RegistryTests.tree(cli, back, "x") == RegistryTests.tree(cli, fx, "app:1"))
    try cli.ok("fsck")
  }
}
