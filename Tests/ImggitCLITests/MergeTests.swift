import Foundation
import TestSupport
import Testing

@Suite struct MergeTests {
  /// app:1, and two images forked from app:1~3 (the base plus "COPY app"): feat:1 adds a
  /// file; feat:2 also rewrites app/app.conf, which app:1's "RUN useradd app" rewrites too.
  func loaded() throws -> CLI {
    let cli = try CLI()
    let fx = try cli.fixture()
    try cli.ok("import", "oci:\(fx):app:1")
    let feat = cli.tmp.sub("feat")
    try FileManager.default.createDirectory(atPath: feat, withIntermediateDirectories: true)
    try Data("feature\n".utf8).write(to: URL(fileURLWithPath: feat + "/feature.txt"))
    try cli.ok(
      "commit", "app:1~3", "--add", "\(feat)/feature.txt:/app/feature.txt", "-m", "COPY feature", "-t",
      "feat:1")
    try Data("feature config\n".utf8).write(to: URL(fileURLWithPath: feat + "/app.conf"))
    try cli.ok(
      "commit", "feat:1", "--add", "\(feat)/app.conf:/app/app.conf", "-m", "COPY app.conf", "-t", "feat:2")
    return cli
  }

  func file(_ cli: CLI, _ tag: String, _ path: String) throws -> String? {
    let out = cli.tmp.sub("x-\(tag.replacingOccurrences(of: ":", with: "-"))")
    try cli.ok("extract", tag, "-C", out, path)
    return try? String(contentsOfFile: "\(out)/\(path)", encoding: .utf8)
  }

  @Test func aCleanMergeReplaysTheOtherSidesLayers() throws {
    let cli = try loaded()
    #expect(try cli.ok("merge", "app:1", "feat:1", "-t", "m:1").contains("1 commit of feat:1 replayed"))
    let log = try cli.ok("log", "--oneline", "m:1").split(separator: "\n")
    #expect(log.count == 9 && log[0].contains("COPY feature") && log[1].contains("ENTRYPOINT"))
    #expect(try file(cli, "m:1", "app/feature.txt") == "feature\n")
    #expect(try file(cli, "m:1", "app/app.conf") == "app config v2\n")
    // Fast-forward when one side contains the other.
    #expect(try cli.ok("merge", "app:1~3", "app:1", "-t", "ff:1").contains("fast-forward"))
    #expect(
      try cli.ok("log", "-n1", "--oneline", "ff:1").prefix(12)
        == cli.ok("log", "-n1", "--oneline", "app:1").prefix(12))
  }

  @Test func conflictsAreListedAndAStrategyDecides() throws {
    let cli = try loaded()
    let before = try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") }
    let refused = try cli("merge", "app:1", "feat:2", "-t", "m:2")
    #expect(
      refused.status == 1 && refused.stderr.contains("merge refused")
        && refused.stderr.contains("app/app.conf"))
    #expect(try snapshot(cli.store).filter { !$0.key.hasPrefix(".imggit/cache") } == before)
    try cli.ok("merge", "app:1", "feat:2", "-t", "theirs:1", "--strategy", "theirs")
    #expect(try file(cli, "theirs:1", "app/app.conf") == "feature config\n")
    try cli.ok("merge", "app:1", "feat:2", "-t", "ours:1", "--squash", "--strategy", "ours")
    #expect(try file(cli, "ours:1", "app/app.conf") == "app config v2\n")
    #expect(try file(cli, "ours:1", "app/feature.txt") == "feature\n")
    let log = try cli.ok("log", "--oneline", "ours:1").split(separator: "\n")
    #expect(log.count == 9 && log[0].contains("imggit merge --squash app:1 feat:2"))
    #expect(try cli("merge", "app:1", "feat:2", "-t", "x:1", "--strategy", "ours").status == 64)
    #expect(try cli("merge", "app:1", "feat:2").status == 64)
    try cli.ok("fsck")
  }
}
