import Foundation
import TestSupport
import Testing

@Suite struct SquashTests {
  func loaded() throws -> CLI {
    let cli = try CLI()
    let fx = try cli.fixture()
    for t in ["app:1", "tricky:1", "tool:1"] { try cli.ok("import", "oci:\(fx):\(t)") }
    return cli
  }

  func unpack(_ cli: CLI, _ rev: String, _ label: String) throws -> [String: String] {
    try cli.ok("tag", "--force", "u:\(label)", rev)
    let dir = cli.tmp.sub("u-\(label)")
    try cli.tool("umoci", "unpack", "--image", "\(cli.store):u:\(label)", dir)
    return try fileTree(dir + "/rootfs")
  }

  /// The oracle: unpacking `merge --squash BASE..IMAGE` gives IMAGE's root filesystem.
  @Test(arguments: [
    "tricky:1~3..tricky:1",  // every crafted layer: whiteouts, opaque, links to lower files
    "tricky:1~2..tricky:1",  // starts mid-history: base holds the targets of later links
    "tricky:1~1..tricky:1",  // one layer
    "tricky:1~2..tricky:1~1",
    "app:1~6..app:1~1",  // a file of the base deleted inside the range
    "app:1~2..app:1~1",  // a range of one config-only commit
    "tricky:1",  // flatten everything
  ])
  func squashedImagesUnpackToTheSameTree(spec: String) throws {
    let cli = try loaded()
    let image = spec.components(separatedBy: "..").last!
    let out = try cli.ok("merge", "--squash", spec, "-t", "sq:1")
    #expect(out.hasPrefix("sq:1 -> "))
    #expect(try unpack(cli, "sq:1", "squashed") == (try unpack(cli, image, "original")))
    try cli.ok("fsck")
  }

  @Test func aFolderDeletedInTheRangeIsOneWhiteout() throws {
    let cli = try loaded()
    try cli.ok(
      "commit", "app:1", "--rm", "/usr/share/doc", "--rm", "/app/app.conf", "-m", "RUN rm -rf /usr/share/doc",
      "-t", "del:1")
    try cli.ok("merge", "--squash", "del:1~6..del:1", "-t", "sq:1")  // from base:1
    #expect(try unpack(cli, "sq:1", "squashed") == (try unpack(cli, "del:1", "original")))
    let tar = cli.tmp.sub("layer.tar")
    try cli.ok("extract", "sq:1", "--layer", "-o", tar)
    let names = try cli.tool("tar", "-tf", tar).split(separator: "\n").map(String.init)
    #expect(names.filter { $0.contains(".wh.") } == ["usr/share/.wh.doc"])
    #expect(!names.contains { $0.hasPrefix("usr/share/doc/") })
    #expect(!names.contains("app/app.conf"))
  }

  @Test func historyKeepsTheBaseAndNamesWhatWasReplaced() throws {
    let cli = try loaded()
    let before = try cli.ok("log", "--oneline", "app:1").split(separator: "\n")
    try cli.ok("merge", "--squash", "app:1~3..app:1", "-m", "app layers")
    let after = try cli.ok("log", "--oneline", "app:1").split(separator: "\n")
    #expect(after.count == before.count - 2)
    #expect(after[0].contains("app layers"))
    #expect(after[1...] == before[3...])
    let json =
      try JSONSerialization.jsonObject(with: Data(cli.ok("log", "--json", "-n", "1", "app:1").utf8))
      as? [[String: Any]]
    let comment = json?.first?["comment"] as? String ?? ""
    #expect(comment.hasPrefix("squashed 3 commits:"))
    for title in ["ENTRYPOINT", "RUN rm blob.bin && make", "RUN useradd app"] {
      #expect(comment.contains(title))
    }
    // Undo through the reflog.
    try cli.ok("reset", "app:1", "app:1@{1}")
    #expect(try cli.ok("log", "--oneline", "app:1").split(separator: "\n") == before)
  }

  @Test func squashingIsReproducible() throws {
    let cli = try loaded()
    try cli.ok("merge", "--squash", "tricky:1~3..tricky:1", "-t", "a:1")
    try cli.ok("merge", "--squash", "tricky:1~3..tricky:1", "-t", "b:1")
    let tags = try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
    let digest = { (n: String) in tags?.first { $0["name"] as? String == n }?["manifest"] as? String }
    #expect(digest("a:1") != nil && digest("a:1") == digest("b:1"))
  }

  /// Every compressor and level: umoci unpacks the squash to the same tree, skopeo copies it,
  /// and the same squash twice is the same bytes; each gzip layer names what compressed it.
  /// The big layer is read ahead on a thread of its own (it is over `LayerDiff.readAheadSize`).
  @Test func everyCompressorAndLevelUnpacksToTheSameTreeAndIsReproducible() throws {
    let cli = try loaded()
    try cli.commitBigText(onto: "tricky:1", as: "tricky:2")
    let original = try unpack(cli, "tricky:2", "original")
    let digest = { (tag: String) in
      let tags =
        try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]]
      return tags?.first { $0["name"] as? String == tag }?["manifest"] as? String
    }
    let settings: [[String]] = [
      [], ["--level", "1"], ["--level", "6"], ["--level", "9"], ["--compression", "zstd"],
      ["--compression", "zstd", "--level", "19"], ["--compression", "none"],
    ]
    for (i, options) in settings.enumerated() {
      try cli.ok(["merge", "--squash", "tricky:2", "-t", "a\(i):1"] + options)
      try cli.ok(["merge", "--squash", "tricky:2", "-t", "b\(i):1"] + options)
      // umoci reads no zstd: skopeo's own zstd turns those layers into gzip on the way.
      let copy = cli.tmp.sub("copy\(i)")
      let recompress = options.contains("zstd") ? ["--dest-compress-format", "gzip"] : []
      _ = try cli.tool(
        "skopeo", ["copy"] + recompress + ["oci:\(cli.store):a\(i):1", "oci:\(copy):x"])
      _ = try cli.tool("umoci", "unpack", "--image", "\(copy):x", copy + "/u")
      #expect(try fileTree(copy + "/u/rootfs") == original, "\(options)")
      let (a, b) = (try digest("a\(i):1"), try digest("b\(i):1"))
      #expect(a != nil && a == b, "\(options)")
      try cli.expectTopLayerIndexedAsWritten("a\(i):1")
    }
    try cli.expectTopLayerIndexedAsWritten("tricky:2")
    // The layer descriptor names the compressor: ISA-L by default, libdeflate for a level.
    let manifest = { (tag: String) in
      try String(contentsOfFile: "\(cli.store)/blobs/sha256/\(digest(tag)!.dropFirst(7))", encoding: .utf8)
    }
    #expect(try manifest("a0:1").contains("isa-l igzip level 3"))
    let level9 = try manifest("a3:1")
    // gzip's level 9 is made at libdeflate's 7, which compresses smaller than zlib's 9.
    #expect(level9.contains("libdeflate 1.") && level9.contains("level 7,"))
    // The tree spans several 1 MiB chunks, so the gzip layers above hold several (libdeflate's,
    // several members) and the readers were shown the joins.
    let flat = try JSONSerialization.jsonObject(with: Data(manifest("a6:1").utf8)) as? [String: Any]
    let tarSize = (flat?["layers"] as? [[String: Any]])?.first?["size"] as? Int
    #expect((tarSize ?? 0) > 2 << 20, "the uncompressed squash is \(tarSize ?? 0) bytes")
    let source = try JSONSerialization.jsonObject(with: Data(manifest("tricky:2").utf8)) as? [String: Any]
    let bigLayer = (source?["layers"] as? [[String: Any]])?.last?["size"] as? Int
    #expect((bigLayer ?? 0) >= 1 << 19, "the big layer is \(bigLayer ?? 0) bytes: not read ahead")
  }

  @Test func badRangesAreRefusedAndChangeNothing() throws {
    let cli = try loaded()
    let before = try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") }
    let cases: [([String], String)] = [
      (["merge", "--squash", "tool:1..app:1"], "tool:1 is not an ancestor of app:1"),
      (["merge", "--squash", "app:1..app:1"], "holds no commits"),
      (["merge", "--squash", "nope:1..app:1"], "unknown revision"),
      (["merge", "app:1", "-t", "x:1"], "give --squash"),
      (["merge", "--squash", "app:1~1"], "not a tag"),
      (["merge", "--squash", "app:1", "--level", "13"], "--level 13 is out of range for gzip: 1-12"),
      (
        ["merge", "--squash", "app:1", "--compression", "zstd", "--level", "0"], "out of range for zstd: 1-22"
      ),
      (
        ["merge", "--squash", "app:1", "--compression", "none", "--level", "3"],
        "no meaning with --compression none"
      ),
    ]
    for (args, message) in cases {
      let r = try run(cli.binary, args, environment: ["IMGGIT_STORE": cli.store])
      #expect(
        r.status != 0 && r.stderr.hasPrefix("imggit: ") && r.stderr.contains(message), "\(args): \(r.stderr)")
    }
    #expect(try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") } == before)
  }
}
