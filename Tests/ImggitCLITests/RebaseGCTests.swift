import Foundation
import TestSupport
import Testing

@Suite struct RebaseTests {
  /// base:1, app:1 and tool:1 on it, and base:2: base:1 patched with one more layer that
  /// also changes etc/passwd (which app:1's "RUN useradd app" layer writes too).
  func loaded() throws -> CLI {
    let cli = try CLI()
    let fx = try cli.fixture()
    for t in ["base:1", "app:1", "tool:1"] { try cli.ok("import", "oci:\(fx):\(t)") }
    let patch = cli.tmp.sub("patch")
    try FileManager.default.createDirectory(atPath: patch + "/etc", withIntermediateDirectories: true)
    try Data("root:x:0:0:root:/root:/bin/sh\n".utf8).write(to: URL(fileURLWithPath: patch + "/etc/passwd"))
    try Data("patched\n".utf8).write(to: URL(fileURLWithPath: patch + "/etc/security-fix"))
    try cli.ok("commit", "base:1", "--add", "\(patch):/", "-m", "RUN apt-get upgrade", "-t", "base:2")
    return cli
  }

  func layers(_ cli: CLI, _ tag: String) throws -> [String] {
    let tags = try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
    let m = try #require(tags?.first { $0["name"] as? String == tag }?["manifest"] as? String)
    let manifest =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(cli.store)/blobs/sha256/\(m.dropFirst(7))")))
      as? [String: Any]
    return (manifest?["layers"] as? [[String: Any]])?.compactMap { $0["digest"] as? String } ?? []
  }

  @Test func replayedLayersAreReusedAndTheTreeMatchesAnIndependentBuild() throws {
    let cli = try loaded()
    let r = try cli("rebase", "--onto", "base:2", "base:1", "app:1", "-t", "app:2")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("app:2: "))
    #expect(r.stderr.contains("etc/passwd: changed by the new base (M)"))
    let app1 = try layers(cli, "app:1")
    let app2 = try layers(cli, "app:2")
    let base1 = try layers(cli, "base:1")
    let base2 = try layers(cli, "base:2")
    #expect(Array(app2.prefix(base2.count)) == base2)
    #expect(Array(app2.dropFirst(base2.count)) == Array(app1.dropFirst(base1.count)))
    // The expectation, built by umoci alone: base:2 plus app:1's own layers, decompressed.
    try cli.ok("tag", "exp:1", "base:2")
    for digest in app1.dropFirst(base1.count) {
      let tar = cli.tmp.sub("l-\(digest.suffix(12)).tar")
      let z = try run(
        "/bin/sh", ["-c", "gzip -dc < '\(cli.store)/blobs/sha256/\(digest.dropFirst(7))' > '\(tar)'"])
      #expect(z.status == 0)
      try cli.tool("umoci", "raw", "add-layer", "--image", "\(cli.store):exp:1", tar)
    }
    try cli.tool("umoci", "unpack", "--image", "\(cli.store):exp:1", cli.tmp.sub("exp"))
    try cli.tool("umoci", "unpack", "--image", "\(cli.store):app:2", cli.tmp.sub("got"))
    let got = try fileTree(cli.tmp.sub("got") + "/rootfs")
    #expect(got == (try fileTree(cli.tmp.sub("exp") + "/rootfs")))
    #expect(got["etc/security-fix"] != nil)
    // History: base:2's commits, then app:1's own.
    let log = try cli.ok("log", "--oneline", "app:2").split(separator: "\n")
    #expect(log.count == 9)
    #expect(log[5].contains("RUN apt-get upgrade"))
    try cli.ok("fsck")
  }

  /// Back onto an ancestor of the old base named through the old base (`base:2~1`): the
  /// new base's image holds the old base's commit past the new one, and the result is the
  /// image as it was before the patch.
  @Test func ontoAnAncestorOfTheOldBaseUndoesThePatch() throws {
    let cli = try loaded()
    try cli.ok("rebase", "--onto", "base:2", "base:1", "app:1", "-t", "app:2")
    let r = try cli("rebase", "--onto", "base:2~1", "base:2", "app:2", "-t", "app:3")
    #expect(r.status == 0 && r.stderr.contains("etc/passwd"), "\(r.stderr)")
    #expect(try layers(cli, "app:3") == (try layers(cli, "app:1")))
    try cli.tool("umoci", "unpack", "--image", "\(cli.store):app:3", cli.tmp.sub("back"))
    try cli.tool("umoci", "unpack", "--image", "\(cli.store):app:1", cli.tmp.sub("orig"))
    #expect(try fileTree(cli.tmp.sub("back/rootfs")) == (try fileTree(cli.tmp.sub("orig/rootfs"))))
  }

  @Test func strictRefusesConflictsAndChangesNothing() throws {
    let cli = try loaded()
    let before = try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") }
    let r = try cli("rebase", "--onto", "base:2", "base:1", "app:1", "--strict")
    #expect(
      r.status == 1 && r.stderr.hasPrefix("imggit: rebase refused: ")
        && r.stderr.contains("--strict refuses them")
        && r.stderr.contains("etc/passwd"))
    #expect(try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") } == before)
    // tool:1 touches nothing the patch changed: no conflict, --strict passes.
    let t = try cli("rebase", "--onto", "base:2", "base:1", "tool:1", "--strict")
    #expect(t.status == 0 && t.stderr.isEmpty)
  }

  @Test func theForkPointComesFromTheBaseTagsReflog() throws {
    let cli = try loaded()
    // A new base imported under the same tag: base:1 moves, its reflog keeps the old value.
    let tar = cli.tmp.sub("base2.tar")
    try cli.ok("export", "base:2", "-o", tar)
    try cli.ok("import", tar, "--tag", "base:1")
    let r = try cli("rebase", "base:1", "app:1")
    #expect(r.status == 0, "\(r.stderr)")
    let base = String(try cli.ok("log", "-n1", "--oneline", "base:2").prefix(12))
    #expect(try cli.ok("log", "--oneline", "app:1").contains(base))
    // Nothing to find: no value app:1 ever had is under tool:1, and tool:1 records no base.
    let lost = try cli("rebase", "app:1", "tool:1")
    #expect(lost.status == 1 && lost.stderr.contains("cannot tell where"))
  }

  @Test func allMovesEveryDescendant() throws {
    let cli = try loaded()
    let out = try cli.ok("rebase", "--onto", "base:2", "base:1", "--all")
    let lines = out.split(separator: "\n").map { String($0.prefix(while: { $0 != " " })) }
    #expect(lines.sorted() == ["app:1:", "tool:1:"])
    let base = String(try cli.ok("log", "-n1", "--oneline", "base:2").prefix(12))
    for t in ["app:1", "tool:1"] { #expect(try cli.ok("log", "--oneline", t).contains(base)) }
    let graph = try cli.ok("log", "--graph", "--all", "--oneline")
    #expect(graph.contains("|/"))
    #expect(try cli("rebase", "--onto", "base:2", "app:1~1", "tool:1").stderr.contains("is not an ancestor"))
  }
}

@Suite struct GCTests {
  @Test func gcKeepsWhatTagsAndReflogsReachAndFreesTheRest() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    for t in ["base:1", "app:1", "tool:1"] { try cli.ok("import", "oci:\(fx):\(t)") }
    try cli.ok("merge", "--squash", "base:1..app:1", "-t", "flat:1")
    try cli.ok("tag", "-d", "flat:1")
    // The reflog still reaches flat:1: nothing to free.
    #expect(try cli.ok("gc", "--grace", "0").hasPrefix("removed 0 blobs"))
    #expect(try cli.ok("log", "-n1", "--oneline", "flat:1@{1}").contains("merge --squash"))
    let dry = try cli.ok("gc", "--grace", "0", "--expire-reflog", "0", "--dry-run")
    #expect(dry.contains("would remove 3 blobs"))
    let before = try snapshot(cli.store)
    #expect(try snapshot(cli.store) == before)
    let real = try cli.ok("gc", "--grace", "0", "--expire-reflog", "0")
    #expect(real.contains("removed 3 blobs"))
    try cli.ok("fsck")
    for t in ["base:1", "app:1", "tool:1"] { try cli.ok("extract", t, "-C", cli.tmp.sub("x-\(t)")) }
    #expect(try cli("gc", "--expire-reflog", "soon").status == 64)
  }
}
