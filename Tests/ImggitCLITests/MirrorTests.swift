import Foundation
import TestSupport
import Testing

@Suite struct MirrorTests {
  func loaded() throws -> CLI {
    try CLI.withImages(["app:1", "tricky:1", "tool:1"]).0
  }

  func git(_ dir: String, _ args: String...) throws -> String {
    let r = try run(try #require(which("git"), "git is needed"), ["-C", dir] + args)
    #expect(r.status == 0, "git \(args.joined(separator: " ")): \(r.stderr)")
    return r.stdout
  }

  @Test func theMirrorIsAValidRepositoryWithTheImagesHistory() throws {
    let cli = try loaded()
    let dir = cli.tmp.sub("m.git")
    #expect(try cli.ok("mirror", "--git", dir).contains("(\(0) new)") == false)
    _ = try git(dir, "fsck", "--strict", "--no-dangling")
    // One pack for the run, no loose object: a thousand-commit mirror is not thousands of files.
    let counts = try git(dir, "count-objects", "-v").split(separator: "\n")
    #expect(counts.contains("count: 0") && counts.contains("packs: 1"), "\(counts)")
    // Each tag's first-parent history is the image's history, subject by subject.
    for tag in ["app:1", "tricky:1", "tool:1"] {
      let log =
        try JSONSerialization.jsonObject(with: Data(cli.ok("log", "--json", tag).utf8)) as? [[String: Any]]
        ?? []
      let subjects = try git(
        dir, "log", "--format=%s", "refs/tags/\(tag.replacingOccurrences(of: ":", with: "@"))"
      )
      .split(separator: "\n").map(String.init)
      #expect(subjects == log.compactMap { $0["created_by"] as? String })
    }
    // Images on one base share its git commits: the three refs meet at one merge base.
    let base = try git(dir, "merge-base", "refs/tags/app@1", "refs/tags/tool@1").trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(try git(dir, "log", "-1", "--format=%s", base) == "CMD [\"/bin/sh\"]\n")
    #expect(
      try git(dir, "log", "-1", "--format=%an <%ae> %at", "refs/tags/app@1~1").hasPrefix(
        "imggit tests <imggit@localhost> "))
    // Tips carry config.json and manifest.json; every commit has layer.json.
    let files = try git(dir, "ls-tree", "--name-only", "refs/tags/app@1")
    #expect(files == "config.json\nlayer.json\nmanifest.json\nrootfs\n")
    #expect(try git(dir, "ls-tree", "--name-only", "refs/tags/app@1~1") == "layer.json\nrootfs\n")
    // --git-ids maps both ways.
    let tip = try git(dir, "rev-parse", "refs/tags/app@1").trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try cli.ok("show", "--git-ids", "--git", dir, "app:1").contains("Git:     \(tip)"))
    #expect(
      try cli.ok("log", "--git-ids", "--git", dir, "--oneline", "-n", "1", "app:1").contains(
        String(tip.prefix(12))))
    // A second run adds nothing; another folder gives the same ids.
    #expect(try cli.ok("mirror", "--git", dir).contains("(0 new)"))
    let other = cli.tmp.sub("other.git")
    try cli.ok("mirror", "--git", other)
    for ref in ["refs/tags/app@1", "refs/tags/tricky@1", "refs/tags/tool@1"] {
      #expect(try git(dir, "rev-parse", ref) == (try git(other, "rev-parse", ref)))
    }
    // A new tag on an intermediate commit gives it config.json: a rerun rewrites what follows
    // it exactly as a fresh mirror does.
    try cli.ok("tag", "app:mid", "app:1~2")
    #expect(!(try cli.ok("mirror", "--git", dir)).contains("(0 new)"))
    let fresh = cli.tmp.sub("fresh.git")
    try cli.ok("mirror", "--git", fresh)
    for ref in ["refs/tags/app@1", "refs/tags/app@mid", "refs/tags/tool@1"] {
      #expect(try git(dir, "rev-parse", ref) == (try git(fresh, "rev-parse", ref)))
    }
    #expect(try git(dir, "ls-tree", "--name-only", "refs/tags/app@mid").contains("config.json"))
    // A rerun packs only what is new, not every unchanged object it wrote again.
    let inPack = {
      Int(
        try self.git(dir, "count-objects", "-v").split(separator: "\n")
          .first { $0.hasPrefix("in-pack: ") }?.dropFirst(9) ?? "") ?? 0
    }
    let before = try inPack()
    try cli.ok("commit", "app:1", "--env", "A=1", "-m", "ENV A=1")
    try cli.ok("mirror", "--git", dir)
    let after = try inPack()
    #expect(before > 50 && after - before <= 12, "\(before) → \(after)")
  }

  @Test func gitLogOfAPathListsTheCommitsThatChangedIt() throws {
    let cli = try loaded()
    let dir = cli.tmp.sub("m.git")
    try cli.ok("mirror", "--git", dir)
    for path in ["etc/passwd", "app/app.conf", "data/target.txt"] {
      for tag in ["app:1", "tricky:1"] {
        let ref = "refs/tags/\(tag.replacingOccurrences(of: ":", with: "@"))"
        let fromGit = try git(dir, "log", "--format=%s", ref, "--", "rootfs/\(path)").split(separator: "\n")
          .map(String.init)
        var fromImggit: [String] = []
        let commits =
          try JSONSerialization.jsonObject(with: Data(cli.ok("log", "--json", tag).utf8)) as? [[String: Any]]
          ?? []
        for c in commits {
          let id = c["id"] as? String ?? ""
          let show = try cli.ok("show", "--name-status", String(id.prefix(16)))
          if show.split(separator: "\n").contains(where: { $0.hasSuffix("\t\(path)") }) {
            fromImggit.append(c["created_by"] as? String ?? "")
          }
        }
        #expect(fromGit == fromImggit, "\(tag) \(path)")
      }
    }
  }

  @Test func gitDiffListsWhatImggitDiffLists() throws {
    let cli = try loaded()
    let dir = cli.tmp.sub("m.git")
    try cli.ok("mirror", "--git", dir)
    for (a, b) in [("tool:1", "app:1"), ("app:1", "tricky:1"), ("tricky:1~2", "tricky:1")] {
      let changes =
        try JSONSerialization.jsonObject(with: Data(cli.ok("diff", "--json", a, b).utf8)) as? [[String: Any]]
        ?? []
      // git has no folders of its own: compare everything else.
      let files = Set(
        changes.filter { c in
          let types = [c["old"], c["new"]].compactMap { ($0 as? [String: Any])?["type"] as? String }
          return !types.allSatisfy { $0 == "dir" }
        }.compactMap { $0["path"] as? String })
      let ref = { (r: String) in
        let name = r.split(separator: "~").first.map(String.init) ?? r
        return "refs/tags/\(name.replacingOccurrences(of: ":", with: "@"))"
          + (r.contains("~") ? "~" + r.split(separator: "~")[1] : "")
      }
      let gitFiles = Set(
        try git(dir, "diff", "-z", "--name-only", "--no-renames", ref(a), ref(b), "--", "rootfs").split(
          separator: "\0"
        )
        .map { String($0.dropFirst("rootfs/".count)) })
      #expect(gitFiles == files, "\(a) \(b)")
    }
  }

  @Test func contentAndMovingRefs() throws {
    let cli = try loaded()
    let dir = cli.tmp.sub("c.git")
    try cli.ok("mirror", "--git", dir, "--content")
    let out = cli.tmp.sub("x")
    try cli.ok("extract", "tricky:1", "-C", out, "etc/passwd", "data/target.txt")
    for path in ["etc/passwd", "data/target.txt"] {
      let want = try String(contentsOfFile: "\(out)/\(path)", encoding: .utf8)
      #expect(try git(dir, "show", "refs/tags/tricky@1:rootfs/\(path)") == want)
    }
    #expect(try git(dir, "show", "refs/tags/tricky@1~1:rootfs/data/target.txt") == "T1\n")
    // After reset and tag -d, a rerun moves and removes refs.
    try cli.ok("reset", "app:1", "app:1~2")
    try cli.ok("tag", "-d", "tool:1")
    let rerun = try cli.ok("mirror", "--git", dir, "--content")
    #expect(rerun.contains("removed refs/tags/tool@1"))
    #expect(try git(dir, "log", "-1", "--format=%s", "refs/tags/app@1") == "RUN useradd app\n")
    #expect(!(try git(dir, "for-each-ref", "--format=%(refname)")).contains("tool@1"))
    _ = try git(dir, "fsck", "--strict", "--no-dangling")
  }
}
