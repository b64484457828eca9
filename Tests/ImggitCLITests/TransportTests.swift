import Foundation
import TestSupport
import Testing

@Suite struct TransportTests {
  @Test func dockerArchiveAndLayoutGiveTheSameCommits() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    let tar = cli.tmp.sub("app.tar")
    try cli.tool("skopeo", "copy", "-q", "oci:\(fx):app:1", "docker-archive:\(tar):app:1")
    let out = try cli.ok("import", tar)
    #expect(out.hasPrefix("imported app:1 "))
    let fromDocker = try cli.ok("log", "--oneline", "app:1")
    #expect(fromDocker.split(separator: "\n").count == 8)
    // The OCI layout holds the same image with gzip layers: same DiffIDs, same commits.
    try cli.ok("import", "oci:\(fx):app:1", "--tag", "app:oci")
    let fromLayout = try cli.ok("log", "--oneline", "app:oci")
    #expect(
      withoutIDs(fromDocker).replacingOccurrences(
        of: "(?m) \\[[^]\\n]*\\]$", with: "", options: .regularExpression
      )
      .replacingOccurrences(of: "(app:1)", with: "(app:1, app:oci)")
        == withoutIDs(fromLayout).replacingOccurrences(
          of: "(?m) \\[[^]\\n]*\\]$", with: "", options: .regularExpression
        )
        .replacingOccurrences(of: "(app:oci)", with: "(app:1, app:oci)"))
    #expect(fromDocker.prefix(12) == fromLayout.prefix(12))
    try cli.ok("fsck")
  }

  @Test func standardInputAndRepeatedImports() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    let tar = cli.tmp.sub("base.tar")
    try cli.tool("skopeo", "copy", "-q", "oci:\(fx):base:1", "docker-archive:\(tar):base:1")
    #expect(try cli.ok("import", "-", stdin: tar).contains("(4 new blobs)"))
    #expect(try cli.ok("import", "-", stdin: tar).contains("(0 new blobs)"))
  }

  @Test func exportRoundTripsThroughSkopeo() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    try cli.ok("import", "oci:\(fx):app:1")
    let expected = try cli.tool("skopeo", "inspect", "--config", "oci:\(fx):app:1")
    let diffIDs =
      try #require(try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [String: Any])["rootfs"]
      as? [String: Any]
    for format in ["docker", "oci"] {
      let file = cli.tmp.sub("out-\(format).tar")
      try cli.ok("export", "app:1", "--format", format, "-o", file)
      let transport = format == "docker" ? "docker-archive" : "oci-archive"
      let copy = cli.tmp.sub("copy-\(format)")
      try cli.tool("skopeo", "copy", "-q", "\(transport):\(file)", "oci:\(copy):x")
      let config = try cli.tool("skopeo", "inspect", "--config", "oci:\(copy):x")
      let rootfs =
        try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])["rootfs"]
        as? [String: Any]
      #expect(rootfs?["diff_ids"] as? [String] == diffIDs?["diff_ids"] as? [String])
      // And imggit reads its own export back, with the name it recorded.
      let other = try CLI()
      #expect(try other.ok("import", file).contains("imported app:1"))
      #expect(
        try other.ok("log", "-n1", "--oneline", "app:1").prefix(12)
          == cli.ok("log", "-n1", "--oneline", "app:1").prefix(12))
    }
    // Exports are reproducible.
    try cli.ok("export", "app:1", "-o", cli.tmp.sub("again.tar"))
    #expect(
      FileManager.default.contentsEqual(
        atPath: cli.tmp.sub("again.tar"), andPath: cli.tmp.sub("out-docker.tar")))
  }

  @Test func aTruncatedTarballChangesNothing() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    try cli.ok("import", "oci:\(fx):base:1")
    let tar = cli.tmp.sub("app.tar")
    try cli.tool("skopeo", "copy", "-q", "oci:\(fx):app:1", "docker-archive:\(tar):app:1")
    let data = try Data(contentsOf: URL(fileURLWithPath: tar))
    let cut = cli.tmp.sub("cut.tar")
    try data.prefix(data.count * 2 / 3 + 7).write(to: URL(fileURLWithPath: cut))
    let before = try snapshot(cli.store)
    let r = try cli("import", cut)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("imggit: \(cut): "))
    #expect(r.stderr.split(separator: "\n").count == 1)
    #expect(try snapshot(cli.store) == before)
    // Garbage is refused just as cleanly.
    try Data("not a tarball at all".utf8).write(to: URL(fileURLWithPath: cut))
    let g = try cli("import", cut)
    #expect(g.status == 1 && g.stderr.hasPrefix("imggit: "))
    #expect(try snapshot(cli.store) == before)
  }
}
