import Foundation
import TestSupport
import Testing

@Suite struct HistoryCommandTests {
  /// A store holding the fixture's base:1, app:1 and tool:1.
  func loaded() throws -> (CLI, String) {
    try CLI.withImages(["base:1", "app:1", "tool:1"])
  }

  @Test func graphOfAllImagesBranchesAtTheBase() throws {
    let (cli, _) = try loaded()
    let out = try cli.ok("log", "--graph", "--all", "--oneline")
    let shape = withoutIDs(out).replacingOccurrences(
      of: "(?m) \\[[^]\\n]*\\]$", with: "", options: .regularExpression)
    #expect(
      shape == """
        * ID (tool:1) COPY tool /opt/tool
        | * ID (app:1) ENTRYPOINT ["python3", "/app/main.py"]
        | * ID RUN rm blob.bin && make
        | * ID RUN useradd app
        | * ID ENV APP_ENV=prod
        | * ID COPY app /app
        * | ID (base:1) CMD ["/bin/sh"]
        |/
        * ID RUN apt-get install -y base-files
        * ID ADD rootfs.tar /

        """)
    let full = try cli.ok("log", "app:1", "-n", "2")
    #expect(full.contains("Author:  imggit tests"))
    #expect(full.contains("Layer:   empty (config only)"))
    #expect(!full.contains("\u{1b}["))
  }

  @Test func anIntermediateTagUnpacksToThatDepth() throws {
    let (cli, fx) = try loaded()
    for (depth, snap) in [(1, "snap:app-4"), (2, "snap:app-3"), (3, "snap:app-2"), (4, "snap:app-1")] {
      try cli.ok("tag", "app:cut\(depth)", "app:1~\(depth)")
      let got = cli.tmp.sub("got\(depth)")
      let want = cli.tmp.sub("want\(depth)")
      try cli.tool("umoci", "unpack", "--image", "\(cli.store):app:cut\(depth)", got)
      try cli.tool("umoci", "unpack", "--image", "\(fx):\(snap)", want)
      let g = try fileTree(got + "/rootfs")
      #expect(!g.isEmpty)
      #expect(g == (try fileTree(want + "/rootfs")), "app:1~\(depth) differs from \(snap)")
    }
    // Spot checks of what the depth means.
    let mid = try fileTree(cli.tmp.sub("got2") + "/rootfs")
    #expect(
      mid["app/app.conf"] != nil && mid["app/BUILD"] == nil && mid["usr/share/doc/base/blob.bin"] != nil)
    let log = try cli.ok("log", "--oneline", "app:cut2")
    #expect(log.hasPrefix(String(try cli.ok("log", "--oneline", "app:1~2").prefix(12))))
  }

  @Test func resetAndUndoThroughTheReflog() throws {
    let (cli, _) = try loaded()
    let tip = String(try cli.ok("log", "-n1", "--oneline", "app:1").prefix(12))
    let base = String(try cli.ok("log", "-n1", "--oneline", "base:1").prefix(12))
    #expect(try cli.ok("reset", "app:1", "app:1~5").contains("app:1 is now at \(base)"))
    #expect(try cli.ok("log", "-n1", "--oneline", "app:1").hasPrefix(base))
    let reflog = try cli.ok("reflog", "app:1")
    #expect(reflog.hasPrefix("\(base) app:1@{0}: reset app:1 app:1~5 (was \(tip))"))
    try cli.ok("reset", "app:1", "app:1@{1}")
    #expect(try cli.ok("log", "-n1", "--oneline", "app:1").hasPrefix(tip))
    #expect(try cli.ok("reflog", "app:1").split(separator: "\n").count == 3)
    try cli.ok("fsck")
  }

  @Test func deleteAndListTags() throws {
    let (cli, _) = try loaded()
    let list = try cli.ok("tag")
    #expect(
      list.split(separator: "\n").map { $0.split(separator: " ").first ?? "" } == [
        "NAME", "app:1", "base:1", "tool:1",
      ])
    try cli.ok("tag", "-d", "tool:1")
    #expect(!(try cli.ok("tag")).contains("tool:1"))
    #expect(try cli.ok("log", "-n1", "--oneline", "tool:1@{1}").contains("COPY tool"))
    let again = try cli("tag", "app:1", "base:1")
    #expect(again.status == 1 && again.stderr.contains("already exists"))
  }

  @Test func fsckNamesAFlippedByte() throws {
    let (cli, _) = try loaded()
    try cli.ok("fsck")
    let manifest =
      try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
    let app = try #require(manifest?.first { $0["name"] as? String == "app:1" }?["manifest"] as? String)
    let m =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(cli.store)/blobs/sha256/\(app.dropFirst(7))")))
      as? [String: Any]
    let layer = try #require((m?["layers"] as? [[String: Any]])?.last?["digest"] as? String)
    let path = "\(cli.store)/blobs/sha256/\(layer.dropFirst(7))"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[bytes.count / 2] ^= 0x20
    try bytes.write(to: URL(fileURLWithPath: path))
    let r = try cli("fsck")
    #expect(r.status == 1)
    #expect(r.stdout.contains("blob \(layer) is corrupt"))
    #expect(r.stdout.contains(path))
    let json = try cli("fsck", "--json")
    let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect((report?["problems"] as? [Any])?.isEmpty == false)
  }

  @Test func badInputGetsOneLineAndAStatus() throws {
    let (cli, _) = try loaded()
    let before = try snapshot(cli.store)
    let cases: [([String], Int32, String)] = [
      (["log", "app:9"], 1, "imggit: unknown revision \"app:9\"; tags here: app:1"),
      (["log", "app:1~99"], 1, "imggit: app:1~99 does not exist"),
      (["log", "app:1^2"], 64, "imggit: "),
      (["reset", "nope:1", "app:1"], 1, "imggit: no tag nope:1 in the store"),
      (["tag", "bad name", "app:1"], 64, "imggit: "),
      (["log", "app:1@{7}"], 1, "imggit: app:1@{7} does not exist: the reflog of app:1 has 1 entry"),
      (["import", cli.tmp.sub("missing.tar")], 1, "imggit: "),
      (["export", "app:1", "--format", "zip", "-o", cli.tmp.sub("x")], 64, "imggit: "),
    ]
    for (args, status, prefix) in cases {
      let r = try run(cli.binary, args, environment: ["IMGGIT_STORE": cli.store])
      #expect(r.status == status, "\(args): \(r.stderr)")
      #expect(r.stderr.hasPrefix(prefix), "\(args): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count <= 2, "\(args): \(r.stderr)")
    }
    #expect(try snapshot(cli.store) == before)
  }

  @Test func jsonListingsParseAndAgreeWithText() throws {
    let (cli, _) = try loaded()
    let log =
      try JSONSerialization.jsonObject(with: Data(cli.ok("log", "--json", "app:1").utf8)) as? [[String: Any]]
    #expect(log?.count == 8)
    #expect(log?.first?["tags"] as? [String] == ["app:1"])
    #expect(log?.first?["empty_layer"] as? Bool == true)
    let text = try cli.ok("log", "--oneline", "app:1")
    #expect(
      (log?.compactMap { ($0["id"] as? String)?.prefix(12) }.map(String.init))
        == text.split(separator: "\n").map { String($0.prefix(12)) })
    let tags = try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
    #expect(tags?.map { $0["name"] as? String } == ["app:1", "base:1", "tool:1"])
    let reflog =
      try JSONSerialization.jsonObject(with: Data(cli.ok("reflog", "--json").utf8)) as? [[String: Any]]
    #expect(reflog?.count == 3)
  }
}
