import Foundation
import TestSupport
import Testing

@Suite struct LayerCommandTests {
  /// A store holding the fixture's app:1 and tricky:1 (both on base:1).
  func loaded() throws -> (CLI, String) {
    try CLI.withImages(["app:1", "tricky:1"])
  }

  /// `umoci unpack` of the image cut at REV (tagged through imggit so umoci can name it).
  func umociTree(_ cli: CLI, _ rev: String, _ label: String) throws -> [String: String] {
    try cli.ok("tag", "--force", "oracle:\(label)", rev)
    let dir = cli.tmp.sub("umoci-\(label)")
    try cli.tool("umoci", "unpack", "--image", "\(cli.store):oracle:\(label)", dir)
    return try fileTree(dir + "/rootfs")
  }

  @Test func extractMatchesUmociUnpackAtEveryCommit() throws {
    let (cli, _) = try loaded()
    for (image, depth) in [("tricky:1", 4), ("app:1", 8)] {
      for n in 0..<depth {
        let rev = "\(image)~\(n)"
        let label = "\(image.prefix(5))-\(n)"
        let out = cli.tmp.sub("extract-\(label)")
        try cli.ok("extract", rev, "-C", out)
        let got = try fileTree(out)
        let want = try umociTree(cli, rev, label)
        #expect(got == want, "\(rev): imggit extract differs from umoci unpack")
      }
    }
    // Spot checks of what the tricky layers mean, so the oracle cannot agree on nonsense.
    let t = try fileTree(cli.tmp.sub("extract-trick-0"))
    #expect(t["data/keep.txt"] == nil && t["data/old/a"] == nil && t["data/old/c"] != nil)
    #expect(
      t["data/link-to-target"]?.contains("size=3") == true && t["data/link-to-target"] != t["data/target.txt"]
    )
    #expect(t["data/swap/again"] != nil && t["data/rel-link"]?.hasPrefix("file") == true)
    #expect(t["data/null"]?.hasPrefix("device") == true && t["data/owned"]?.contains("uid=1000") == true)
    let xattr = try run(
      "/usr/bin/getfattr",
      ["-n", "user.imggit", "--only-values", cli.tmp.sub("extract-trick-0") + "/data/xattr.bin"])
    #expect(xattr.stdout == "hello")
    // As a tar, the same tree.
    let tar = cli.tmp.sub("rootfs.tar")
    try cli.ok("extract", "tricky:1", "-o", tar)
    let untar = cli.tmp.sub("untar")
    try FileManager.default.createDirectory(atPath: untar, withIntermediateDirectories: true)
    try cli.tool("tar", "-xpf", tar, "-C", untar, "--xattrs", "--numeric-owner")
    #expect(try fileTree(untar) == t)
  }

  /// A hard-link count belongs to the file, not to one of its names: adding a link changes
  /// the count of the target's name too, which is not a change of that path.
  func withoutLinkCounts(_ t: [String: String]) -> [String: String] {
    t.mapValues { $0.replacingOccurrences(of: " links=[0-9]+", with: "", options: .regularExpression) }
  }

  @Test func showAndDiffAccountForEveryChange() throws {
    let (cli, _) = try loaded()
    var parent = withoutLinkCounts(try umociTree(cli, "tricky:1~3", "p"))
    for n in (0...2).reversed() {
      let child = withoutLinkCounts(try umociTree(cli, "tricky:1~\(n)", "c\(n)"))
      let lines = try cli.ok("show", "--name-status", "tricky:1~\(n)").split(separator: "\n")
      var applied = parent
      for line in lines {
        let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
        switch parts[0] {
        case "D": applied[parts[1]] = nil
        case "A", "M":
          if parts[0] == "M" {
            #expect(parent[parts[1]] != child[parts[1]], "\(parts[1]) listed as modified but is the same")
          }
          applied[parts[1]] = child[parts[1]]
        default: Issue.record("unexpected line \(line)")
        }
      }
      let differing = Set(applied.keys).union(child.keys).filter { applied[$0] != child[$0] }.sorted()
      #expect(differing.isEmpty, "show tricky:1~\(n) misses \(differing)")
      parent = child
    }
    // diff between two images: the same check across many layers.
    let base = withoutLinkCounts(try umociTree(cli, "app:1~7", "base"))
    let app = withoutLinkCounts(try umociTree(cli, "app:1", "app"))
    var applied = base
    for line in try cli.ok("diff", "app:1~7", "app:1").split(separator: "\n") {
      let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
      applied[parts[1]] = parts[0] == "D" ? nil : app[parts[1]]
    }
    #expect(Set(applied.keys).union(app.keys).filter { applied[$0] != app[$0] }.isEmpty)
    #expect(try cli("diff", "--exit-code", "app:1", "app:1").status == 0)
    #expect(try cli("diff", "--exit-code", "app:1~1", "app:1~2").status == 1)
    let json =
      try JSONSerialization.jsonObject(with: Data(cli.ok("show", "--json", "tricky:1~1").utf8))
      as? [String: Any]
    #expect(
      (json?["changes"] as? [Any])?.count
        == (try cli.ok("show", "--name-status", "tricky:1~1")).split(separator: "\n").count)
  }

  @Test func extractLayerGivesOnlyThatLayersFiles() throws {
    let (cli, _) = try loaded()
    let out = cli.tmp.sub("layer")
    try cli.ok("extract", "app:1~1", "--layer", "-C", out)
    // umoci records a folder whose time changed within the same second as unchanged, so which
    // folders the layer lists varies; its files do not.
    #expect(Set(try fileTree(out).filter { !$0.value.hasPrefix("dir") }.keys) == ["app/BUILD"])
    let some = cli.tmp.sub("some")
    try cli.ok("extract", "tricky:1", "-C", some, "data/swap", "/data/old")
    #expect(
      Set(try fileTree(some).keys) == ["data", "data/swap", "data/swap/again", "data/old", "data/old/c"])
    let empty = try cli("extract", "app:1", "--layer", "-C", cli.tmp.sub("x"))
    #expect(empty.status == 1 && empty.stderr.contains("config-only step"))
  }

  @Test func commitIsReproducibleAndReadableByUmoci() throws {
    let (cli, _) = try loaded()
    let src = cli.tmp.sub("dist")
    try FileManager.default.createDirectory(atPath: src + "/sub", withIntermediateDirectories: true)
    try Data("built\n".utf8).write(to: URL(fileURLWithPath: src + "/app.bin"))
    try FileManager.default.linkItem(atPath: src + "/app.bin", toPath: src + "/sub/alias")
    try FileManager.default.createSymbolicLink(atPath: src + "/latest", withDestinationPath: "app.bin")
    var digests: [String] = []
    for tag in ["app:c1", "app:c2"] {
      let r = try run(
        cli.binary,
        [
          "commit", "app:1", "--add", "\(src):/opt/dist", "--rm", "/app/BUILD", "--env", "MODE=test",
          "--label", "x=y", "-m", "COPY dist /opt/dist", "-t", tag,
        ],
        environment: ["IMGGIT_STORE": cli.store, "SOURCE_DATE_EPOCH": "1700000000"])
      #expect(r.status == 0, "\(r.stderr)")
      let tags =
        try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
      digests.append(tags?.first { $0["name"] as? String == tag }?["manifest"] as? String ?? "")
    }
    #expect(digests[0] == digests[1] && !digests[0].isEmpty)
    let tree = try umociTree(cli, "app:c1", "commit")
    #expect(tree["opt/dist/app.bin"]?.contains("links=2") == true)
    #expect(tree["opt/dist/latest"] == "symlink -> app.bin")
    #expect(tree["app/BUILD"] == nil && tree["app/main.py"] != nil)
    #expect(
      try cli.ok("show", "--name-status", "app:c1")
        == "D\tapp/BUILD\nA\topt\nA\topt/dist\nA\topt/dist/app.bin\nA\topt/dist/latest\nA\topt/dist/sub\nA\topt/dist/sub/alias\n"
    )
    // A config-only commit moves the image's own tag, and the reflog undoes it.
    try cli.ok("commit", "app:c1", "--cmd", "serve --port 80", "-m", "CMD serve")
    #expect(try cli.ok("log", "-n1", "--oneline", "app:c1").contains("CMD serve [empty]"))
    try cli.ok("reset", "app:c1", "app:c1@{1}")
    #expect(try cli.ok("log", "-n1", "--oneline", "app:c1").contains("COPY dist /opt/dist"))
    let bad = try cli("commit", "app:1", "--rm", "/no/such/file", "-m", "x", "-t", "app:bad")
    #expect(bad.status == 1 && bad.stderr.contains("no such path"))
  }

  @Test func extractWorksForAnOrdinaryUser() throws {
    let (cli, _) = try loaded()
    let setpriv = try #require(which("setpriv"), "setpriv (util-linux) is needed")
    try cli.ok("extract", "tricky:1", "-C", cli.tmp.sub("warm"))  // the index cache, written as root
    let out = cli.tmp.sub("user")
    try FileManager.default.createDirectory(
      atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.tmp.path)
    let r = try run(
      setpriv,
      [
        "--reuid=65534", "--regid=65534", "--clear-groups", cli.binary, "extract", "tricky:1", "-C",
        out + "/rootfs",
      ],
      environment: ["IMGGIT_STORE": cli.store])
    #expect(r.status == 0, "\(r.stderr)")
    let warnings = r.stderr.split(separator: "\n")
    #expect(warnings.filter { $0.contains("not running as root") }.count == 1)
    let tree = try fileTree(out + "/rootfs")
    #expect(tree["data/owned"]?.contains("uid=65534") == true)
    #expect(tree["data/setuid"]?.contains("mode=4755") == true)
    #expect(tree["data/link-to-target"]?.contains("size=3") == true)
  }

  @Test func aCorruptLayerIsNamedAndTheStoreIsUntouched() throws {
    let (cli, _) = try loaded()
    let tags = try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
    let manifest = try #require(tags?.first { $0["name"] as? String == "tricky:1" }?["manifest"] as? String)
    let m =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(cli.store)/blobs/sha256/\(manifest.dropFirst(7))")))
      as? [String: Any]
    let layer = try #require((m?["layers"] as? [[String: Any]])?.last?["digest"] as? String)
    let path = "\(cli.store)/blobs/sha256/\(layer.dropFirst(7))"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[bytes.count / 2] ^= 0x55
    try bytes.write(to: URL(fileURLWithPath: path))
    // Caches (layer indexes) may be written; the store's content may not change.
    func content() throws -> [String: Data] {
      try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") }
    }
    let before = try content()
    let r = try cli("extract", "tricky:1", "-C", cli.tmp.sub("out"))
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("imggit: ") && r.stderr.contains(layer))
    #expect(try content() == before)
  }
}
