import Foundation
import ImageModel
import TestSupport
import Testing

/// imggit against registries that lie, drip, redirect and ask for credentials they should not
/// get (Tests/Fixtures/hostile-registry.py), beside the real docker-registry. Every test that
/// sends credentials reads every `Authorization` header each server saw.
@Suite(.serialized) struct HostileRegistryTests {
  /// A CLI with the fixture, and a hostile registry serving the fixture's `tag` as
  /// `team/app:1`, every route behind `auth` when given.
  static func serving(_ tag: String = "app:1", auth: String? = nil, host: String = "127.0.0.1") throws -> (
    CLI, String, HostileRegistry
  ) {
    let cli = try CLI()
    let fx = try cli.fixture()
    let registry = try HostileRegistry(tmp: cli.tmp, host: host)
    try registry.serve(
      layout: fx, tag: tag, as: "team/app", reference: "1", auth: auth,
      challenge: auth.map { _ in "Basic realm=\"hostile\"" })
    return (cli, fx, registry)
  }

  /// An auth file holding `entries` (registry → user:password), for REGISTRY_AUTH_FILE.
  static func authFile(_ cli: CLI, _ entries: [String: String]) throws -> String {
    let path = cli.tmp.sub("auth-\(UUID().uuidString.prefix(6)).json")
    let auths = entries.mapValues { ["auth": Data($0.utf8).base64EncodedString()] }
    try JSONSerialization.data(withJSONObject: ["auths": auths]).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Routes that take a push to `repository`: no blob is there, uploads go to `location`
  /// (a path of this registry, or a URL elsewhere), manifests are accepted.
  static func acceptPushes(
    _ registry: HostileRegistry, repository: String, auth: String?, location: String? = nil
  ) throws {
    var routes: [[String: Any]] = [
      ["method": "HEAD", "prefix": "/v2/\(repository)/blobs/", "status": 404],
      [
        "method": "POST", "prefix": "/v2/\(repository)/blobs/uploads/", "status": 202,
        "headers": ["Location": location ?? "/upload/\(repository)"],
      ],
      ["method": "PUT", "prefix": "/upload/", "status": 201],
      ["method": "PUT", "prefix": "/v2/\(repository)/manifests/", "status": 201],
    ]
    if let auth {
      routes = routes.map { r in
        var r = r
        r["auth"] = auth
        r["challenge"] = "Basic realm=\"hostile\""
        return r
      }
    }
    for r in routes { try registry.add(r) }
  }

  // MARK: - Credentials go only where they belong

  @Test func creditsForOneRegistryNeverReachAnotherThroughLazyFetchesOrPushes() throws {
    let xAuth = HostileRegistry.basic("xuser", "xpass")
    let (cli, _, x) = try Self.serving(auth: xAuth)
    let y = try HostileRegistry(tmp: cli.tmp, host: "127.0.0.2")
    let yAuth = HostileRegistry.basic("yuser", "ypass")
    try Self.acceptPushes(y, repository: "team/app", auth: yAuth)
    // X's credentials live in the auth file; Y's are given with --creds.
    let env = ["REGISTRY_AUTH_FILE": try Self.authFile(cli, [x.address: "xuser:xpass"])]
    try cli.ok("init", cli.store)
    var r = try cli(
      ["pull", "--insecure", "--layers", "none", "\(x.address)/team/app:1", "-t", "app:1"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    // A read that names no registry: the promised layer comes from X with X's credentials.
    let out = cli.tmp.sub("out")
    r = try cli(
      ["extract", "--insecure", "app:1~1", "--layer", "-C", out, "--creds", "yuser:ypass"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    // A push to Y of the partial image: Y's --creds go to Y; X's layers come with X's own.
    r = try cli(
      ["push", "--insecure", "app:1", "\(y.address)/team/app:1", "--creds", "yuser:ypass"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    // A push whose source is itself a reference of X: the destination is what it names.
    try Self.acceptPushes(y, repository: "team/again", auth: yAuth)
    r = try cli(
      [
        "push", "--insecure", "\(x.address)/team/app:1", "\(y.address)/team/again:1", "--creds",
        "yuser:ypass",
      ],
      env: env)
    #expect(r.status == 0, "\(r.stderr)")
    let xSaw = Set(try x.requests().compactMap(\.authorization))
    let ySaw = Set(try y.requests().compactMap(\.authorization))
    #expect(xSaw == [xAuth], "X saw \(xSaw)")
    #expect(ySaw == [yAuth], "Y saw \(ySaw)")
    #expect(try y.requests().contains { $0.method == "PUT" && $0.path.hasPrefix("/upload/") })
  }

  @Test(arguments: ["other host", "other port", "other scheme"])
  func anUploadLocationElsewhereGetsNoAuthorization(_ elsewhere: String) throws {
    let (cli, _) = try CLI.withImages(["base:1"])
    let y = try HostileRegistry(tmp: cli.tmp)
    let z = try HostileRegistry(tmp: cli.tmp, host: elsewhere == "other host" ? "127.0.0.2" : "127.0.0.1")
    try z.add(["method": "PUT", "prefix": "/upload/", "status": 201])
    let location =
      elsewhere == "other scheme" ? "https://\(y.address)/upload/x" : "http://\(z.address)/upload/x"
    let auth = HostileRegistry.basic("u", "secret")
    try Self.acceptPushes(y, repository: "base", auth: auth, location: location)
    let r = try cli("push", "--insecure", "base:1", "\(y.address)/base:1", "--creds", "u:secret")
    if elsewhere == "other scheme" {
      // Nothing listens for TLS there; what matters is that no request carried the password.
      #expect(r.status != 0)
    } else {
      #expect(r.status == 0, "\(r.stderr)")
      let puts = try z.requests().filter { $0.method == "PUT" }
      #expect(!puts.isEmpty)
      #expect(puts.allSatisfy { $0.authorization == nil }, "\(puts.map(\.headers))")
    }
    #expect(try y.requests().allSatisfy { $0.authorization == nil || $0.authorization == auth })
    #expect(try y.requests().allSatisfy { !$0.path.hasPrefix("/upload/") })
  }

  @Test func malformedCredentialsAreNeverEchoed() throws {
    let cli = try CLI()
    for creds in [":TOPSECRET-TOKEN", "TOPSECRET-TOKEN"] {
      for args in [
        ["pull", "--insecure", "127.0.0.1:9/a:1", "--creds", creds],
        ["login", "127.0.0.1:9", "--creds", creds],
      ] {
        let r = try cli(args)
        #expect(r.status != 0)
        #expect(!r.stderr.contains("TOPSECRET"), "\(args[0]): \(r.stderr)")
        #expect(r.stderr.contains("USER:PASSWORD"), "\(r.stderr)")
      }
    }
  }

  @Test func registryTextIsPrintedWithItsControlCharactersEscaped() throws {
    let cli = try CLI()
    let x = try HostileRegistry(tmp: cli.tmp)
    let forged = "nope\nimggit: everything is fine\u{1b}[2J\u{1b}]0;owned\u{07}"
    let body = try JSONSerialization.data(withJSONObject: [
      "errors": [["code": "DENIED", "message": forged]]
    ])
    try x.add([
      "prefix": "/v2/team/app/manifests/", "status": 403, "body_b64": body.base64EncodedString(),
    ])
    let r = try cli("pull", "--insecure", "\(x.address)/team/app:1")
    #expect(r.status == 1)
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(!r.stderr.contains("\u{1b}") && !r.stderr.contains("\u{07}"), "\(r.stderr)")
    #expect(r.stderr.contains(x.address) && r.stderr.contains("\\n"), "\(r.stderr)")
  }

  // MARK: - No crash, no hang

  @Test(arguments: ["nan", "-3", "1e400", "Wed, 21 Oct 2015 07:28:00 GMT"])
  func anyRetryAfterIsParsedOrIgnored(_ value: String) throws {
    let (cli, _, x) = try Self.serving()
    try x.add(["prefix": "/v2/team/app/blobs/", "times": 1, "status": 503, "headers": ["Retry-After": value]])
    let started = Date()
    try cli.ok("pull", "--insecure", "\(x.address)/team/app:1", "-t", "app:1")
    // A date in the past or junk: the backoff (half a second), never a minute.
    #expect(Date().timeIntervalSince(started) < 30)
  }

  @Test func aManifestOrTokenDrippedByteByByteIsRefusedWithinTheTimeout() throws {
    let (cli, fx, x) = try Self.serving()
    let manifest = try HostileRegistry.manifest(of: "app:1", in: fx)
    try x.add([
      "path": "/v2/team/app/manifests/slow", "drip": 0.05, "body_b64": manifest.base64EncodedString(),
      "headers": ["Content-Type": MediaType.ociManifest],
    ])
    var started = Date()
    var r = try cli("pull", "--insecure", "--timeout", "2", "\(x.address)/team/app:slow")
    #expect(r.status == 1)
    #expect(Date().timeIntervalSince(started) < 20, "the drip held the pull")
    #expect(r.stderr.contains("within 2 seconds") && r.stderr.contains(x.address), "\(r.stderr)")
    // A token service that drips.
    let token = try HostileRegistry(tmp: cli.tmp)
    try token.add([
      "prefix": "/token", "drip": 0.05, "body": String(repeating: " ", count: 400) + "{\"token\":\"t\"}",
    ])
    try x.reset()
    try x.add([
      "prefix": "/v2/", "auth": "Bearer t",
      "challenge": "Bearer realm=\"http://\(token.address)/token\",service=\"x\"",
    ])
    started = Date()
    r = try cli("pull", "--insecure", "--timeout", "2", "\(x.address)/team/app:1")
    #expect(r.status == 1)
    #expect(Date().timeIntervalSince(started) < 20, "the drip held the pull")
    #expect(r.stderr.contains("within 2 seconds") && r.stderr.contains(x.address), "\(r.stderr)")
  }

  @Test func anEndlessManifestAndAHugeConfigAreRefusedInOneLine() throws {
    let (cli, fx, x) = try Self.serving()
    try x.add(["path": "/v2/team/app/manifests/endless", "endless": true, "body": "{"])
    var r = try cli("pull", "--insecure", "\(x.address)/team/app:endless")
    #expect(r.status == 1)
    #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("4194304 bytes"), "\(r.stderr)")
    #expect(r.stderr.contains(x.address), "\(r.stderr)")
    // A config whose descriptor says 17 MiB is refused before it is asked for.
    let config = Data("{}".utf8)
    let huge = try JSONSerialization.data(withJSONObject: [
      "schemaVersion": 2, "mediaType": MediaType.ociManifest,
      "config": [
        "mediaType": MediaType.ociConfig, "digest": Digest(of: config).description, "size": 17 << 20,
      ],
      "layers": [] as [Any],
    ])
    try x.serveManifest(huge, type: MediaType.ociManifest, repository: "team/app", reference: "huge")
    r = try cli("pull", "--insecure", "\(x.address)/team/app:huge")
    #expect(r.status == 1)
    #expect(r.stderr.contains("its config is 17825792 bytes"), "\(r.stderr)")
    #expect(try x.requests().allSatisfy { !$0.path.contains(Digest(of: config).description) })
    _ = fx
  }

  // MARK: - Real registries' indexes

  /// An index with the fixture's app:1 for linux/amd64 (listed twice, for two platforms),
  /// a BuildKit attestation of it and a cosign-style artifact beside it, served as
  /// `team/app:multi`; returns the digests of the attestation's and artifact's blobs.
  static func serveIndexWithAttestations(_ x: HostileRegistry, fx: String) throws -> [String] {
    var image = try HostileRegistry.entry(of: "app:1", in: fx)
    image["annotations"] = nil
    image["platform"] = ["os": "linux", "architecture": "amd64"]
    var arm = image
    arm["platform"] = ["os": "linux", "architecture": "arm64"]
    let statement = Data(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"x"}"#.utf8)
    let attConfig = Data(
      #"{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
    func descriptor(_ type: String, _ data: Data) -> [String: Any] {
      ["mediaType": type, "digest": Digest(of: data).description, "size": data.count]
    }
    let attestation = try JSONSerialization.data(withJSONObject: [
      "schemaVersion": 2, "mediaType": MediaType.ociManifest,
      "config": descriptor(MediaType.ociConfig, attConfig),
      "layers": [descriptor("application/vnd.in-toto+json", statement)],
    ])
    let empty = Data("{}".utf8)
    let signature = Data("signature bytes".utf8)
    let artifact = try JSONSerialization.data(withJSONObject: [
      "schemaVersion": 2, "mediaType": MediaType.ociManifest, "artifactType": "application/vnd.dev.cosign.x",
      "config": descriptor("application/vnd.oci.empty.v1+json", empty),
      "layers": [descriptor("application/vnd.dev.cosign.simplesigning.v1+json", signature)],
    ])
    var att = descriptor(MediaType.ociManifest, attestation)
    att["platform"] = ["os": "unknown", "architecture": "unknown"]
    att["annotations"] = [
      "vnd.docker.reference.type": "attestation-manifest",
      "vnd.docker.reference.digest": try #require(image["digest"] as? String),
    ]
    var art = descriptor(MediaType.ociManifest, artifact)
    art["artifactType"] = "application/vnd.dev.cosign.x"
    let index = try JSONSerialization.data(withJSONObject: [
      "schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": [image, arm, att, art],
    ])
    for (data, type) in [(attestation, MediaType.ociManifest), (artifact, MediaType.ociManifest)] {
      try x.serveManifest(data, type: type, repository: "team/app", reference: Digest(of: data).description)
    }
    for blob in [statement, attConfig, empty, signature] { try x.serveBlob(blob, repository: "team/app") }
    try x.serveManifest(index, type: MediaType.ociIndex, repository: "team/app", reference: "multi")
    return [statement, attConfig, empty, signature].map { Digest(of: $0).description }
  }

  @Test func anIndexWithAttestationsAndArtifactsPullsAndTheStoreStaysUsable() throws {
    guard TestRegistry.available else { return }
    let (cli, fx, x) = try Self.serving()
    let extras = try Self.serveIndexWithAttestations(x, fx: fx)
    try cli.ok("pull", "--insecure", "\(x.address)/team/app:multi", "-t", "multi:1")
    // The image listed twice was asked for once.
    let imageGETs = try x.requests().filter { $0.method == "GET" && $0.path.contains("/manifests/sha256:") }
    #expect(Set(imageGETs.map(\.path)).count == imageGETs.count, "\(imageGETs.map(\.path))")
    for d in extras {
      #expect(FileManager.default.fileExists(atPath: HostileRegistry.blobPath(cli.store, d)))
    }
    try cli.ok("fsck")
    try cli.ok("log", "multi:1")
    try cli.ok("gc")
    try cli.ok("fsck")
    for d in extras {
      #expect(FileManager.default.fileExists(atPath: HostileRegistry.blobPath(cli.store, d)))
    }
    let exported = cli.tmp.sub("exported.tar")
    try cli.ok("export", "multi:1", "--format", "oci", "-o", exported)
    try cli.tool("skopeo", "inspect", "--raw", "oci-archive:\(exported)")
    let registry = try TestRegistry(tmp: cli.tmp)
    try cli.ok("push", "--insecure", "multi:1", "\(registry.address)/team/multi:1")
    let raw = try cli.tool(
      "skopeo", "inspect", "--tls-verify=false", "--raw", "docker://\(registry.direct)/team/multi:1")
    #expect(
      Digest(of: Data(raw.utf8))
        == Digest(
          of: try Data(
            contentsOf: URL(
              fileURLWithPath: HostileRegistry.blobPath(cli.store, try Self.tagDigest(cli, "multi:1"))))))
  }

  static func tagDigest(_ cli: CLI, _ tag: String) throws -> String {
    let tags = try #require(
      try JSONSerialization.jsonObject(with: Data(try cli.ok("tag", "--json").utf8)) as? [[String: Any]])
    return try #require(tags.first { $0["name"] as? String == tag }?["manifest"] as? String)
  }

  @Test func aNestedIndexIsRefusedInOneLineAndNothingIsTagged() throws {
    let (cli, fx, x) = try Self.serving()
    _ = try Self.serveIndexWithAttestations(x, fx: fx)
    let inner = try #require(x.routes.first { ($0["path"] as? String) == "/v2/team/app/manifests/multi" })
    let encoded = try #require(inner["body_b64"] as? String)
    let innerData = try #require(Data(base64Encoded: encoded))
    // Beside an image, so that a pull which skipped what it does not know would succeed.
    let image = try #require((try HostileRegistry.json(innerData)["manifests"] as? [[String: Any]])?.first)
    let outer = try JSONSerialization.data(withJSONObject: [
      "schemaVersion": 2, "mediaType": MediaType.ociIndex,
      "manifests": [
        image,
        [
          "mediaType": MediaType.ociIndex, "digest": Digest(of: innerData).description,
          "size": innerData.count,
        ],
      ],
    ])
    try x.serveManifest(outer, type: MediaType.ociIndex, repository: "team/app", reference: "nested")
    // An index of more entries than any real one has is refused before they are fetched.
    let many = try JSONSerialization.data(withJSONObject: [
      "schemaVersion": 2, "mediaType": MediaType.ociIndex,
      "manifests": (0...1_000).map { n in
        [
          "mediaType": MediaType.ociManifest, "size": 10,
          "digest": Digest(of: Data("\(n)".utf8)).description,
          "platform": ["os": "linux", "architecture": "amd64"],
        ] as [String: Any]
      },
    ])
    try x.serveManifest(many, type: MediaType.ociIndex, repository: "team/app", reference: "many")
    try cli.ok("init", cli.store)
    let before = try snapshot(cli.store)
    var r = try cli("pull", "--insecure", "\(x.address)/team/app:nested")
    #expect(r.status == 1)
    #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("nested"), "\(r.stderr)")
    r = try cli("pull", "--insecure", "\(x.address)/team/app:many")
    #expect(r.status == 1)
    #expect(r.stderr.contains("1001 manifests, more than the 1000 accepted"), "\(r.stderr)")
    #expect(try x.requests().filter { $0.path.contains("/manifests/sha256:") }.count <= 3)
    #expect(try snapshot(cli.store) == before)
  }

  // MARK: - Nothing lost

  @Test func aReadOfAReferenceNeverMovesATagWithLocalHistory() throws {
    let (cli, _, x) = try Self.serving()
    let ref = "\(x.address)/team/app:1"
    try cli.ok("pull", "--insecure", "--layers", "none", ref)
    let pulled = try Self.tagDigest(cli, ref)
    // Reading it again while it is where the pull put it is fine (and moves nothing here).
    try cli.ok("log", "--insecure", ref)
    #expect(try Self.tagDigest(cli, ref) == pulled)
    try cli.ok("commit", "--offline", ref, "--env", "LOCAL=1", "-m", "local work")
    let local = try Self.tagDigest(cli, ref)
    #expect(local != pulled)
    let log = try cli.ok("log", "--insecure", "--oneline", ref)
    #expect(!log.contains("local work"), "the read showed the local tag, not the reference")
    #expect(try Self.tagDigest(cli, ref) == local, "a read moved a tag with local history")
    // An explicit pull is asked for: it moves the tag, and the reflog keeps the local commit.
    try cli.ok("pull", "--insecure", "--layers", "none", ref)
    #expect(try Self.tagDigest(cli, ref) == pulled)
    #expect(try cli.ok("reflog", ref).contains("local work"))
  }

  @Test func pushAllRefusesTwoTagsThatWouldLandOnOneReference() throws {
    let (cli, fx, h1) = try Self.serving()
    let h2 = try HostileRegistry(tmp: cli.tmp, host: "127.0.0.2")
    try h2.serve(layout: fx, tag: "base:1", as: "team/app", reference: "1")
    try cli.ok("pull", "--insecure", "--layers", "none", "\(h1.address)/team/app:1")
    try cli.ok("pull", "--insecure", "--layers", "none", "\(h2.address)/team/app:1")
    let y = try HostileRegistry(tmp: cli.tmp)
    try Self.acceptPushes(y, repository: "fleet/team/app", auth: nil)
    let r = try cli("push", "--insecure", "--all", "\(y.address)/fleet")
    #expect(r.status == 1)
    #expect(r.stderr.contains("would both be pushed to \(y.address)/fleet/team/app:1"), "\(r.stderr)")
    #expect(try y.requests().isEmpty, "something was sent")
  }

  @Test(arguments: ["partial", "lock"])
  func aSymlinkPlantedInTheStoreIsNeverWrittenThroughNorPublished(_ which: String) throws {
    let (cli, fx, x) = try Self.serving()
    try cli.ok("init", cli.store)
    // The config is the first blob a pull fetches that the planted name can catch.
    let manifest = try HostileRegistry.json(try HostileRegistry.manifest(of: "app:1", in: fx))
    let config = try #require((manifest["config"] as? [String: Any])?["digest"] as? String)
    let victim = cli.tmp.sub("victim.txt")
    try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
    let tmp = cli.store + "/.imggit/tmp"
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    let planted = "\(tmp)/partial-\(config.dropFirst(7))" + (which == "lock" ? ".lock" : "")
    try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim)
    let r = try cli("pull", "--insecure", "\(x.address)/team/app:1", "-t", "app:1")
    #expect(r.status == 1)
    #expect(r.stderr.contains("not a regular file"), "\(r.stderr)")
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    let published = HostileRegistry.blobPath(cli.store, config)
    #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: published)) == nil)
  }

  // MARK: - One client per registry

  @Test func aTokenEarnedForOneBlobServesTheNext() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    let token = try HostileRegistry(tmp: cli.tmp)
    try token.add(["prefix": "/token", "body": "{\"token\":\"t1\"}"])
    let x = try HostileRegistry(tmp: cli.tmp)
    try x.serve(
      layout: fx, tag: "app:1", as: "team/app", reference: "1", auth: "Bearer t1",
      challenge: "Bearer realm=\"http://\(token.address)/token\",service=\"x\"")
    try cli.ok("pull", "--insecure", "--layers", "none", "\(x.address)/team/app:1", "-t", "app:1")
    let before = try token.requests().count
    // Every layer arrives lazily in one command, through one client and one token.
    try cli.ok("extract", "--insecure", "app:1", "-C", cli.tmp.sub("rootfs"))
    let layerGETs = try x.requests().filter { $0.method == "GET" && $0.path.contains("/blobs/") }
    #expect(layerGETs.count >= 3)
    let tokens = try token.requests().dropFirst(before)
    #expect(tokens.count == 1, "one token for the whole command: \(tokens.map(\.path))")
  }
}
