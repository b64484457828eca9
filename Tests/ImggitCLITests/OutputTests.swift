import Foundation
import TestSupport
import Testing

/// What the output looks like: progress and colour only on a terminal, `--quiet`, and JSON
/// that says what the text says.
@Suite struct OutputTests {
  /// A store holding the fixture's base:1, app:1 and tool:1, and the fixture's path.
  func loaded() throws -> (CLI, String) {
    try CLI.withImages(["base:1", "app:1", "tool:1"])
  }

  /// Runs `imggit ARGS` on a pseudo-terminal (util-linux `script`), as a person at a
  /// terminal would; returns everything it wrote to the terminal, escape codes included.
  func onTerminal(_ cli: CLI, _ args: [String], env: [String: String] = [:]) throws -> (Int32, String) {
    let script = try #require(which("script"), "script is needed (util-linux)")
    let quoted = ([cli.binary] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    var environment = ["IMGGIT_STORE": cli.store, "TERM": "xterm", "COLUMNS": "100"]
    for (k, v) in env { environment[k] = v }
    // NO_COLOR is unset unless the test sets it: the runner's own environment must not decide.
    let unset = env["NO_COLOR"] == nil ? "-u NO_COLOR " : ""
    let command = "env \(unset)\(quoted.joined(separator: " "))"
    let r = try run(script, ["-qec", command, "/dev/null"], environment: environment)
    return (r.status, r.stdout)
  }

  @Test func pullDrawsABarPerBlobUnderTheTotal() throws {
    guard TestRegistry.available else { return }
    let (cli, _, registry) = try RegistryTests.registryWithApp(proxy: true)
    // Slow enough that the bar is drawn while the blobs move.
    try registry.inject([["rate": 100_000, "times": 100]])
    let (status, screen) = try onTerminal(
      cli, ["pull", "--insecure", "\(registry.address)/team/app:1", "--tag", "app:1"],
      env: ["IMGGIT_PROGRESS_DELAY": "0"])
    #expect(status == 0, "\(screen)")
    #expect(screen.contains("Pulling team/app 100%") && screen.contains(", done."), "\(screen)")
    // A line per blob under way: its short digest, its own share and its size.
    let layers = try array(cli.ok("log", "--json", "app:1")).compactMap {
      ($0["layer"] as? [String: Any])?["digest"] as? String
    }
    let shown = layers.filter { screen.contains("  \($0.dropFirst("sha256:".count).prefix(12)) ") }
    #expect(!shown.isEmpty, "\(screen)")
    // The item lines are gone once the pull is done: the last line is the total, done.
    let last = screen.components(separatedBy: "\r").last { $0.contains("Pulling") } ?? ""
    #expect(last.contains(", done."), "\(last)")
  }

  @Test func progressBarsOnlyOnATerminalAndNeverWhenQuiet() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    let now = ["IMGGIT_PROGRESS_DELAY": "0"]
    var (status, screen) = try onTerminal(cli, ["import", "oci:\(fx):app:1"], env: now)
    #expect(status == 0, "\(screen)")
    #expect(screen.contains("Copying layers 100%"), "\(screen)")
    #expect(screen.contains(", done."))
    // Each phase names itself; the last drawing of a phase is its finished line. The import
    // indexes the layers it brought in, in a phase of its own, and no later command must.
    #expect(screen.contains("Indexing layers 100%"), "\(screen)")
    (status, screen) = try onTerminal(cli, ["show", "--stat", "app:1~1"], env: now)
    #expect(status == 0 && !screen.contains("Indexing"), "indexes are cached by now: \(screen)")
    for (args, phase) in [
      (["merge", "--squash", "app:1", "-t", "app:flat"], "Squashing 100%"),
      (["extract", "app:1", "-o", cli.tmp.sub("root.tar")], "Extracting 100%"),
      (["export", "app:1", "-o", cli.tmp.sub("app.tar")], "Exporting 100%"),
      (["mirror"], "Mirroring 100%"),
      (["fsck"], "Checking blobs 100%"),
    ] {
      (status, screen) = try onTerminal(cli, args, env: now)
      #expect(status == 0, "\(args): \(screen)")
      #expect(screen.contains(phase) && screen.contains(", done."), "\(args): \(screen)")
      // (mirror indexes the squashed layer, new since then)
      if ["merge", "extract"].contains(args[0]) {
        #expect(!screen.contains("Indexing"), "indexes are cached by now: \(screen)")
      }
    }

    // --quiet: not a byte on the terminal.
    try cli.ok("tag", "-d", "app:flat")
    (status, screen) = try onTerminal(
      cli, ["merge", "--squash", "app:1", "-t", "app:flat", "--quiet"], env: now)
    #expect(status == 0 && screen.isEmpty, "\(screen)")
    (status, screen) = try onTerminal(cli, ["import", "-q", "oci:\(fx):tool:1"], env: now)
    #expect(status == 0 && screen.isEmpty, "\(screen)")

    // Not a terminal: no progress at all, only the summary on standard output.
    let piped = try cli("import", "oci:\(fx):base:1", env: now)
    #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
    #expect(piped.stdout.hasPrefix("imported base:1 "))
    let exported = try cli("export", "app:1", "-o", cli.tmp.sub("again.tar"), env: now)
    #expect(
      exported.stderr
        == "exported \(try cli.ok("log", "-n1", "--oneline", "app:1").prefix(12)) to \(cli.tmp.sub("again.tar")) (docker format)\n"
    )

    // An error in the middle of a phase starts on a line of its own.
    let layer = try #require(
      try array(cli.ok("log", "--json", "app:1")).compactMap {
        ($0["layer"] as? [String: Any])?["digest"] as? String
      }
      .first)
    let blob = "\(cli.store)/blobs/sha256/\(layer.dropFirst("sha256:".count))"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: blob))
    bytes[bytes.count - 12] ^= 0xff
    try bytes.write(to: URL(fileURLWithPath: blob))
    (status, screen) = try onTerminal(cli, ["extract", "app:1", "-o", cli.tmp.sub("bad.tar")], env: now)
    #expect(status == 1)
    let lines = screen.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
    #expect(lines.last?.hasPrefix("imggit: ") == true, "\(screen)")
    #expect(lines.dropLast().last?.contains("Extracting") == true, "\(screen)")
  }

  @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
    let (cli, _) = try loaded()
    let listings: [[String]] = [
      ["log", "--graph", "--all"], ["log", "--oneline", "app:1"], ["tag"], ["reflog"], ["show", "app:1~1"],
      ["diff", "base:1", "app:1", "--stat"], ["fsck"], ["gc", "--dry-run"],
    ]
    for args in listings {
      let piped = try cli(args)
      #expect(piped.status == 0, "\(args): \(piped.stderr)")
      #expect(!piped.stdout.isEmpty, "\(args)")
      #expect(!piped.stdout.contains("\u{1b}") && !piped.stderr.contains("\u{1b}"), "\(args) piped")
      let (_, plain) = try onTerminal(cli, args, env: ["NO_COLOR": "1"])
      #expect(!plain.isEmpty && !plain.contains("\u{1b}"), "\(args) with NO_COLOR: \(plain)")
      let (_, dumb) = try onTerminal(cli, args, env: ["TERM": "dumb"])
      #expect(!dumb.contains("\u{1b}"), "\(args) with TERM=dumb: \(dumb)")
    }
    // On a terminal, tags are green and commit ids yellow, as git colours its decorations.
    let (_, log) = try onTerminal(cli, ["log", "--oneline", "app:1"])
    #expect(log.contains("\u{1b}[33m") && log.contains("\u{1b}[32mapp:1\u{1b}[0m"), "\(log)")
    let (_, tags) = try onTerminal(cli, ["tag"])
    #expect(tags.contains("\u{1b}[32m"), "\(tags)")
  }

  @Test func everyJSONOutputParsesAndAgreesWithTheText() throws {
    let (cli, _) = try loaded()
    try cli.ok("tag", "app:mid", "app:1~2")
    try cli.ok("reset", "tool:1", "tool:1~1")

    // log: the same commits in the same order, with the same titles and tags.
    for args in [["app:1"], ["--all"], ["base:1..app:1"]] {
      let json = try array(cli.ok(["log", "--json"] + args))
      let text = try cli.ok(["log", "--oneline"] + args).split(separator: "\n")
      #expect(json.count == text.count, "\(args)")
      for (j, line) in zip(json, text) {
        let id = try #require(j["id"] as? String)
        #expect(line.hasPrefix(id.prefix(12)), "\(args): \(line)")
        for t in j["tags"] as? [String] ?? [] { #expect(line.contains(t), "\(args): \(line) lacks \(t)") }
      }
    }

    // tag: one row per tag with its commit, layer count and size.
    let tags = try array(cli.ok("tag", "--json"))
    let rows = try cli.ok("tag").split(separator: "\n").dropFirst()
    #expect(tags.count == rows.count && tags.count == 4)
    for (t, row) in zip(tags, rows) {
      let cols = row.split(separator: " ", omittingEmptySubsequences: true)
      #expect(cols[0] == (t["name"] as? String ?? "")[...])
      #expect(cols[1] == (t["commit"] as? String ?? "").prefix(12))
      #expect(Int(cols[3]) == t["layers"] as? Int)
    }

    // show and diff: the same changes, kind and path, in the same order.
    for rev in ["app:1~1", "app:1~3", "base:1"] {
      let json = try object(cli.ok("show", "--json", rev))
      let text = try cli.ok("show", rev)
      #expect(text.hasPrefix("commit \(json["id"] as? String ?? "?")"), "\(rev)")
      let listed = text.split(separator: "\n").filter { $0.contains("\t") }.map(String.init)
      let changes = (json["changes"] as? [[String: Any]] ?? []).map {
        "\($0["kind"] as? String ?? "")\t\($0["path"] as? String ?? "")"
      }
      #expect(listed == changes, "show \(rev)")
    }
    for (a, b) in [("base:1", "app:1"), ("app:1", "base:1"), ("app:1~3", "tool:1@{1}")] {
      let json = try array(cli.ok("diff", "--json", a, b)).map {
        "\($0["kind"] as? String ?? "")\t\($0["path"] as? String ?? "")"
      }
      let text = try cli.ok("diff", a, b).split(separator: "\n").map(String.init)
      #expect(!json.isEmpty && json == text, "diff \(a) \(b)")
    }

    // reflog: every move, newest first, with the commit it moved to.
    let reflog = try array(cli.ok("reflog", "--json"))
    let moves = try cli.ok("reflog").split(separator: "\n")
    #expect(reflog.count == moves.count && reflog.count == 5)
    for (j, line) in zip(reflog, moves) {
      #expect(line.hasPrefix((j["new_commit"] as? String ?? "").prefix(12)), "\(line)")
      #expect(line.contains("\(j["ref"] as? String ?? "?"): \(j["command"] as? String ?? "?")"), "\(line)")
    }

    // fsck: the counts of the summary.
    let fsck = try object(cli.ok("fsck", "--json"))
    let summary = try cli.ok("fsck")
    #expect(
      summary.hasPrefix("checked \(fsck["blobs"] as? Int ?? -1) blobs")
        && summary.contains("and \(fsck["images"] as? Int ?? -1) images: ok"), "\(summary)")

    // gc: the same blobs, once garbage exists.
    try cli.ok("tag", "-d", "tool:1")
    let gcArgs = ["gc", "--dry-run", "--expire-reflog", "0", "--grace", "0"]
    let gc = try object(cli.ok(gcArgs + ["--json"]))
    let gcText = try cli.ok(gcArgs).split(separator: "\n")
    let blobs = gc["blobs"] as? [String] ?? []
    #expect(!blobs.isEmpty)
    #expect(gcText.dropLast().map { String($0.dropFirst("would remove ".count)) } == blobs)
    #expect(gcText.last?.hasPrefix("would remove \(blobs.count) blobs") == true, "\(gcText)")
    #expect(gc["dry_run"] as? Bool == true)

    // mirror: the commit counts.
    let mirror = try object(cli.ok("mirror", "--json"))
    let again = try cli.ok("mirror")
    #expect(again.hasPrefix("mirrored \(mirror["commits"] as? Int ?? -1) commits (0 new)"), "\(again)")
  }

  @Test func commandsThatWriteACommitPrintItAsJSON() throws {
    let (cli, _) = try loaded()
    func tip(_ tag: String) throws -> String {
      String(try cli.ok("log", "--oneline", "-n", "1", tag).prefix(12))
    }
    func commit(_ json: [String: Any]) throws -> [String: Any] {
      try #require(json["commit"] as? [String: Any], "no commit in \(json)")
    }

    // commit: the tag's new tip, with what was asked of it.
    let made = try object(cli.ok("commit", "app:1", "--env", "A=1", "-m", "ENV A=1", "-t", "app:2", "--json"))
    #expect(made["tag"] as? String == "app:2")
    #expect((try commit(made)["id"] as? String)?.prefix(12) == (try tip("app:2"))[...])
    #expect(try commit(made)["created_by"] as? String == "ENV A=1")

    // merge --squash: the counts its line of text gives, and the layer it wrote.
    let squash = try object(cli.ok("merge", "--squash", "base:1..app:1", "-t", "flat:1", "--json"))
    let text = try cli.ok("merge", "--squash", "base:1..app:1", "-t", "flat:2")
    let counts = [squash["squashed"], squash["changed"], squash["removed"]].map { $0 as? Int ?? -1 }
    #expect(
      text.contains("squashed \(counts[0]) commit") && text.contains(": \(counts[1]) path")
        && text.contains(", \(counts[2]) removed"), "\(text) against \(counts)")
    let layer = try #require(try commit(squash)["layer"] as? [String: Any])
    let shown = try #require(try object(cli.ok("show", "--json", "flat:2"))["layer"] as? [String: Any])
    #expect(layer["digest"] as? String == shown["digest"] as? String)

    // merge A B: a fast-forward when A is B's ancestor.
    let merged = try object(cli.ok("merge", "base:1", "app:1", "-t", "ff:1", "--json"))
    #expect(merged["fast_forward"] as? Bool == true && merged["tag"] as? String == "ff:1")
    #expect((try commit(merged)["id"] as? String)?.prefix(12) == (try tip("app:1"))[...])

    // reset and tag NAME REV: the commit the tag now names.
    let reset = try object(cli.ok("reset", "app:2", "app:2~1", "--json"))
    #expect((try commit(reset)["id"] as? String)?.prefix(12) == (try tip("app:2"))[...])
    let tagged = try object(cli.ok("tag", "mid:1", "app:1~2", "--json"))
    #expect(tagged["tag"] as? String == "mid:1")
    #expect((try commit(tagged)["id"] as? String)?.prefix(12) == (try tip("mid:1"))[...])
  }

  @Test func datesAreWrittenInUTCAsTheConfigHasThem() throws {
    let (cli, _) = try loaded()
    // The fixture's base:1 ends with CMD, created 2025-01-01T04:00:00Z.
    #expect(try cli.ok("show", "base:1").contains("Date:    2025-01-01 04:00:00 UTC\n"))
    let base = try #require(try cli.ok("tag").split(separator: "\n").first { $0.hasPrefix("base:1 ") })
    #expect(base.contains("  2025-01-01  "), "\(base)")
  }

  @Test func diffQuietAnswersWithItsStatusOnly() throws {
    let (cli, _) = try loaded()
    let differ = try cli("diff", "--quiet", "base:1", "app:1")
    #expect(differ.status == 1 && differ.stdout.isEmpty && differ.stderr.isEmpty)
    let same = try cli("diff", "-q", "app:1", "app:1")
    #expect(same.status == 0 && same.stdout.isEmpty)
  }

  @Test func outputToAPipeOrDeviceIsWrittenInPlace() throws {
    let (cli, _) = try loaded()
    let fifo = cli.tmp.sub("pipe")
    try #require(mkfifo(fifo, 0o600) == 0)
    for args in [["export", "app:1", "-o", fifo], ["extract", "app:1", "-o", fifo]] {
      // A reader on the other end, as `imggit export -o >(docker load)` would have.
      let copy = cli.tmp.sub("copy.tar")
      let reader = Process()
      reader.executableURL = URL(fileURLWithPath: "/bin/sh")
      reader.arguments = ["-c", "cat '\(fifo)' > '\(copy)'"]
      try reader.run()
      try cli.ok(args)
      reader.waitUntilExit()
      var st = stat()
      #expect(lstat(fifo, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "\(args) replaced the pipe")
      let listing = try run("/bin/tar", ["-tf", copy])
      #expect(listing.status == 0 && !listing.stdout.isEmpty, "\(args): \(listing.stderr)")
    }
  }

  private func array(_ s: String) throws -> [[String: Any]] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [[String: Any]], "not a JSON array: \(s)")
  }

  private func object(_ s: String) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], "not a JSON object: \(s)")
  }
}
