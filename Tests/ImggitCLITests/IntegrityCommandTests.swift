import Foundation
import Synchronization
import ImageModel
import ImageStore
import TarStream
import TestSupport
import Testing

/// The faults the attack on imggit found, each as it was found, through the real binary.
@Suite struct IntegrityCommandTests {
  /// A store with one small image, app:1 (two layers), made in-process.
  func small() throws -> (CLI, Store) {
    let cli = try CLI()
    let store = try Store(path: cli.store, create: true)
    let b = ImageBuilder(store: store)
    try b.image(
      [
        .layer("ADD rootfs /", ["etc/os-release": "debian\n"], at: 1),
        .layer("COPY app", ["app/x": "1"], at: 2),
      ],
      tag: "app:1")
    return (cli, store)
  }

  func oneLine(_ r: RunResult) -> Bool {
    let lines = r.stderr.split(separator: "\n")
    return r.status != 0 && r.status < 128 && lines.count >= 1 && lines[0].hasPrefix("imggit: ")
  }

  @Test func anAncestorCountThatOverflowsIsAnErrorNotACrash() throws {
    let (cli, _) = try small()
    for rev in [
      "x~9223372036854775807~1", "app:1~9223372036854775807~9223372036854775807", "x~99999999999999999999",
    ] {
      let r = try cli("show", rev)
      #expect(oneLine(r) && r.stderr.contains("too large"), "\(rev): \(r.status) \(r.stderr)")
    }
  }

  @Test func aManifestWithAKeyTwiceIsRefused() throws {
    let (cli, store) = try small()
    let app = try store.tag(try TagName(parsing: "app:1")).descriptor
    // A layout whose manifest says "config" twice: Go tools read the last, Foundation the first.
    let layout = cli.tmp.sub("dup")
    let other = try Store(path: layout, create: true)
    let text = String(decoding: try store.readBlob(app.digest), as: UTF8.self)
    let twice = text.replacingOccurrences(
      of: "\"config\":",
      with:
        "\"config\":{\"mediaType\":\"\(MediaType.ociConfig)\",\"digest\":\"sha256:\(String(repeating: "0", count: 64))\",\"size\":2},\"config\":"
    )
    let m = try other.writeBlob(Data(twice.utf8))
    try other.update(command: "test") {
      $0.set(
        try TagName(parsing: "dup:1"),
        to: Descriptor(mediaType: MediaType.ociManifest, digest: m.digest, size: m.size))
    }
    let before = try snapshot(cli.store)
    let r = try cli("import", "oci:\(layout):dup:1")
    #expect(oneLine(r) && r.stderr.contains("appears twice"), "\(r.stderr)")
    #expect(try snapshot(cli.store) == before)
  }

  @Test func aBlobTheStoreHasIsCheckedAgainstTheSourcesSize() throws {
    let (cli, store) = try small()
    let app = try store.image(try store.tag(try TagName(parsing: "app:1")).descriptor)
    // Another layout names app:1's first layer with a wrong size.
    let layout = cli.tmp.sub("lying")
    let other = try Store(path: layout, create: true)
    var manifest = app.manifest
    manifest.layers[0].size += 1
    for d in [app.manifest.layers[0], app.manifest.layers[1]] {
      try other.writeBlob(try store.readBlob(d.digest))
    }
    let d = try other.writeImage(manifest: manifest, config: app.config)
    try other.update(command: "test") { $0.set(try TagName(parsing: "lying:1"), to: d) }
    let before = try snapshot(cli.store)
    let r = try cli("import", "oci:\(layout):lying:1")
    #expect(oneLine(r) && r.stderr.contains("descriptor says"), "\(r.stderr)")
    #expect(try snapshot(cli.store) == before)
    try cli.ok("fsck")
  }

  @Test func anArchiveOfManyBlobsImportsUnderTheUsualOpenFileLimit() throws {
    let (cli, store) = try small()
    let b = ImageBuilder(store: store)
    try b.image((0..<1320).map { .layer("RUN step \($0)", ["f\($0)": "\($0)"], at: $0) }, tag: "many:1")
    try cli.ok("export", "many:1", "--format", "oci", "-o", cli.tmp.sub("many.tar"))
    let r = try run(
      "/bin/sh",
      ["-c", "ulimit -n 1024 && '\(cli.binary)' import '\(cli.tmp.sub("many.tar"))' --tag many:2"],
      environment: ["IMGGIT_STORE": cli.tmp.sub("fresh")])
    #expect(r.status == 0, "\(r.stderr)")
  }

  @Test func exportNeverFollowsASymlinkPlantedBesideItsOutput() throws {
    let (cli, _) = try small()
    let victim = cli.tmp.sub("victim")
    try Data("precious\n".utf8).write(to: URL(fileURLWithPath: victim))
    let out = cli.tmp.sub("out.tar")
    for planted in [out + ".imggit-tmp", cli.tmp.sub(".out.tar.imggit")] {
      try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim)
    }
    try cli.ok("export", "app:1", "-o", out)
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    var st = stat()
    #expect(lstat(out, &st) == 0 && st.st_mode & S_IFMT == S_IFREG)
  }

  @Test func aWhiteoutCannotBeAddedAsAFile() throws {
    let (cli, _) = try small()
    let f = cli.tmp.sub("f")
    try Data("x".utf8).write(to: URL(fileURLWithPath: f))
    let dir = cli.tmp.sub("d")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/.wh.app"))
    let before = try snapshot(cli.store)
    for add in ["\(f):/.wh..wh..opq", "\(f):/app/.wh.x", "\(dir):/"] {
      let r = try cli("commit", "app:1", "--add", add, "-m", "x")
      #expect(oneLine(r) && r.stderr.contains("whiteout"), "\(add): \(r.stderr)")
    }
    #expect(try snapshot(cli.store) == before)
  }

  @Test func hostFilesWithNamesThatAreNotUTF8AreAddedAsTheyAre() throws {
    let (cli, _) = try small()
    let dir = cli.tmp.sub("host")
    let made = try run(
      "/usr/bin/python3",
      [
        "-c",
        "import os; d=os.fsencode('\(dir)'); os.makedirs(d); [open(d+b'/x'+bytes([b]),'w').write(str(b)) for b in (0xfe,0xff)]; os.symlink(b'x\\xff', d+b'/l\\xff')",
      ])
    try #require(made.status == 0, "\(made.stderr)")
    try cli.ok("commit", "app:1", "--add", "\(dir):/opt", "-m", "COPY host /opt")
    #expect(try cli.ok("show", "app:1").contains("opt/x\\xff"))
    try cli.ok("extract", "app:1", "-C", cli.tmp.sub("out"))
    let tree = try HostileLayerTests.tree(cli.tmp.sub("out/opt"))
    #expect(tree.filter { $0.hasPrefix("b'x\\x") }.count == 2, "\(tree)")
    #expect(tree.contains { $0.hasPrefix("b'l\\xff' symlink b'x\\xff'") }, "\(tree)")
  }

  /// Layers are read side by side into a folder: a layer damaged after it was indexed stops
  /// the extraction with one line naming it, whichever thread read it.
  @Test func aLayerDamagedAfterIndexingStopsAParallelExtract() throws {
    let (cli, store) = try small()
    try cli.ok("extract", "app:1", "-C", cli.tmp.sub("first"))
    #expect(FileManager.default.fileExists(atPath: cli.tmp.sub("first/app/x")))
    let image = try store.image(try #require(store.readIndex().manifests.first))
    for layer in image.manifest.layers {
      let path = store.blobPath(layer.digest)
      let good = try Data(contentsOf: URL(fileURLWithPath: path))
      var bad = good
      bad[bad.count / 2] ^= 0xff
      try FileManager.default.removeItem(atPath: path)
      try bad.write(to: URL(fileURLWithPath: path))
      let r = try cli("extract", "app:1", "-C", cli.tmp.sub("out-\(layer.digest.hex)"))
      #expect(oneLine(r) && r.stderr.contains(layer.digest.hex.prefix(12)), "\(r.stderr)")
      try FileManager.default.removeItem(atPath: path)
      try good.write(to: URL(fileURLWithPath: path))
    }
  }

  @Test func everyImageMirrorsWhateverItsNamesAndPaths() throws {
    let (cli, store) = try small()
    let b = ImageBuilder(store: store)
    let layer = try b.rawLayer([
      (TarEntry(path: ".git", type: .directory, mode: 0o755), nil),
      (TarEntry(path: ".git/config", type: .regular), "[core]\n"),
      (TarEntry(path: "~home", type: .regular), "tilde\n"),
      (TarEntry(path: "src/.GIT", type: .regular), "upper\n"),
    ])
    try b.image(layers: [layer], tag: "gitty:1")
    for tag in ["localhost:5000/app:1", ".hidden:1", "x.lock/y:1", "v:1.lock"] {
      try cli.ok("tag", tag, "gitty:1")
    }
    try cli.ok("mirror")
    let git = cli.store + "/.imggit/mirror.git"
    let refs = try cli.tool("git", "-C", git, "for-each-ref", "--format=%(refname)")
    for ref in [
      "refs/tags/localhost%3A5000/app@1", "refs/tags/%2Ehidden@1", "refs/tags/x%2Elock/y@1",
      "refs/tags/v@1%2Elock",
    ] {
      #expect(refs.contains(ref + "\n"), "\(ref) not in \(refs)")
    }
    let tree = try cli.tool("git", "-C", git, "ls-tree", "-r", "--name-only", "refs/tags/gitty@1", "rootfs")
    #expect(tree.contains("rootfs/~.git/config") && tree.contains("rootfs/~~home"), "\(tree)")
    _ = try cli.tool("git", "-C", git, "fsck")
  }

  @Test func aKilledMirrorLeavesNoLockThatStopsTheNextRun() throws {
    let (cli, _) = try small()
    try cli.ok("mirror")
    let git = cli.store + "/.imggit/mirror.git"
    // What a SIGKILL in libgit2 leaves: a config lock and a half-written object.
    try Data().write(to: URL(fileURLWithPath: git + "/config.lock"))
    try Data("x".utf8).write(to: URL(fileURLWithPath: git + "/objects/tmp_object_git2_abcdef"))
    // And a pack half written, and a pack index linked into place without its pack.
    let orphan = git + "/objects/pack/pack-" + String(repeating: "ab", count: 20) + ".idx"
    for leftover in [git + "/objects/pack/pack_git2_1234", orphan] {
      try Data("x".utf8).write(to: URL(fileURLWithPath: leftover))
    }
    try cli.ok("commit", "app:1", "--env", "A=1", "-m", "ENV A=1")
    try cli.ok("mirror")
    #expect(!FileManager.default.fileExists(atPath: git + "/config.lock"))
    #expect(!FileManager.default.fileExists(atPath: git + "/objects/tmp_object_git2_abcdef"))
    #expect(!FileManager.default.fileExists(atPath: git + "/objects/pack/pack_git2_1234"))
    #expect(!FileManager.default.fileExists(atPath: orphan))
    _ = try cli.tool("git", "-C", git, "fsck", "--strict")
    // A refused first mirror leaves no repository.
    let fresh = cli.tmp.sub("fresh.git")
    #expect(try cli("mirror", "--git", fresh, "nope:1").status == 1)
    #expect(!FileManager.default.fileExists(atPath: fresh))
  }
}

/// Concurrent writers: every operation either succeeds or fails loudly, and nothing that
/// succeeded is lost.
@Suite struct ConcurrencyTests {
  /// Runs `count` copies of a shell loop at once and waits for all.
  func parallel(_ count: Int, _ script: (Int) -> String, env: [String: String]) throws -> [RunResult] {
    let results = Mutex<[RunResult]>([])
    let scripts = (0..<count).map(script)
    // Threads of their own, not a pool as wide as the cores: all shells run at once.
    let group = DispatchGroup()
    for i in 0..<count {
      group.enter()
      Thread.detachNewThread {
        if let r = try? run("/bin/bash", ["-c", scripts[i]], environment: env) {
          results.withLock { $0.append(r) }
        }
        group.leave()
      }
    }
    group.wait()
    let all = results.withLock { $0 }
    try #require(all.count == count, "a shell could not be started")
    return all
  }

  @Test func commitsToOneTagFromEightShellsAreNeverLost() throws {
    let cli = try CLI()
    try ImageBuilder(store: try Store(path: cli.store, create: true)).image(
      [.layer("ADD rootfs /", ["etc/os-release": "debian\n"])], tag: "app:1")
    let perShell = 12
    let results = try parallel(
      8,
      { i in
        """
        ok=0; moved=0; other=0
        for n in $(seq \(perShell)); do
          if out=$('\(cli.binary)' commit app:1 --env W\(i)_$n=1 -m "ENV W\(i)_$n" -q 2>&1); then ok=$((ok+1))
          elif echo "$out" | grep -q "moved while this command ran"; then moved=$((moved+1))
          else other=$((other+1)); echo "$out" >&2; fi
        done
        echo "$ok $moved $other"
        """
      }, env: ["IMGGIT_STORE": cli.store])
    var succeeded = 0
    for r in results {
      let f = r.stdout.split(separator: " ").compactMap {
        Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      #expect(f.count == 3 && f[2] == 0, "unexpected failures: \(r.stderr)")
      succeeded += f.first ?? 0
      #expect(f.count == 3 && f[0] + f[1] == perShell)
    }
    #expect(succeeded > 0)
    // Every success is in the image's history and in the reflog: none vanished.
    let log = try cli.ok("log", "--oneline", "app:1").split(separator: "\n")
    #expect(log.count == 1 + succeeded)
    let reflog = try cli.ok("reflog", "app:1").split(separator: "\n")
    #expect(reflog.count == 1 + succeeded)
    try cli.ok("fsck")
  }

  /// 8 processes, 100 operations each: creating tags, moving a shared one (tag -f, reset)
  /// and committing onto another. Every create lands, every commit that reported success is
  /// in the history, and every failure is the compare-and-swap saying so.
  @Test func eightProcessesMovingCreatingAndCommittingLoseNothing() throws {
    let cli = try CLI()
    let b = ImageBuilder(store: try Store(path: cli.store, create: true))
    try b.image([.layer("one", ["a": "1"]), .layer("two", ["b": "2"])], tag: "app:1")
    try b.image([.layer("one", ["a": "1"]), .layer("two", ["b": "2"])], tag: "shared:1")
    try b.image([.layer("one", ["a": "1"])], tag: "work:1")
    let results = try parallel(
      8,
      { i in
        """
        created=0 commits=0 refused=0
        for n in $(seq 25); do
          '\(cli.binary)' tag w\(i):$n app:1~$((n % 2)) -q || exit 1
          created=$((created+1))
          '\(cli.binary)' tag --force shared:1 app:1~$((n % 2)) -q 2>/dev/null || refused=$((refused+1))
          '\(cli.binary)' reset shared:1 app:1 -q 2>/dev/null || refused=$((refused+1))
          if out=$('\(cli.binary)' commit work:1 --env P\(i)_$n=1 -m "ENV P\(i)_$n" -q 2>&1); then
            commits=$((commits+1))
          else echo "$out" | grep -q "moved while this command ran" || { echo "$out" >&2; exit 1; }; fi
        done
        echo "$created $commits $refused"
        """
      }, env: ["IMGGIT_STORE": cli.store])
    var created = 0
    var commits = 0
    for r in results {
      #expect(r.status == 0, "\(r.stderr)")
      let f = r.stdout.split(separator: " ").compactMap {
        Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      try #require(f.count == 3)
      created += f[0]
      commits += f[1]
    }
    #expect(created == 8 * 25)
    let tags = try cli.ok("tag").split(separator: "\n")
    #expect(tags.filter { $0.hasPrefix("w") && !$0.hasPrefix("work") }.count == 8 * 25)
    // Every commit that said it succeeded is in work:1's history, and in its reflog.
    #expect(try cli.ok("log", "--oneline", "work:1").split(separator: "\n").count == 1 + commits)
    #expect(try cli.ok("reflog", "work:1").split(separator: "\n").count == 1 + commits)
    let fsck = try cli("fsck")
    #expect(fsck.status == 0 && !fsck.stdout.contains("warning"), "\(fsck.stdout)")
  }

  @Test func gcBesideImportCommitAndTagFromTheReflogDeletesNothingTheyUse() throws {
    let cli = try CLI()
    let layout = cli.tmp.sub("layout")
    // old:1 becomes garbage older than any grace period, but a layout outside still has it.
    // (The stores made here are closed again before gc runs: an open store makes gc wait.)
    let big = String(repeating: "0123456789abcdef", count: 1 << 18)  // 4 MiB, so copies take time
    do {
      let b = ImageBuilder(store: try Store(path: cli.store, create: true))
      try b.image([.layer("base", ["etc/base": "b"]), .layer("big", ["big": big])], tag: "old:1")
      let extra = ImageBuilder(store: try Store(path: layout, create: true))
      try extra.image([.layer("base", ["etc/base": "b"]), .layer("big", ["big": big])], tag: "old:1")
      for n in 0..<6 {
        try extra.image(
          [.layer("base", ["etc/base": "b"]), .layer("big", ["big": big]), .layer("n", ["n\(n)": big])],
          tag: "new:\(n)")
      }
    }
    try cli.ok("tag", "-d", "old:1")
    try cli.ok("gc", "--expire-reflog", "0", "--grace", "0")  // old:1's blobs are gone...
    try cli.ok("import", "oci:\(layout):old:1")  // ...and back, then made old garbage again:
    try cli.ok("tag", "-d", "old:1")
    let old = Date(timeIntervalSinceNow: -86400 * 60)
    for name in try FileManager.default.contentsOfDirectory(atPath: cli.store + "/blobs/sha256") {
      try FileManager.default.setAttributes(
        [.modificationDate: old], ofItemAtPath: cli.store + "/blobs/sha256/" + name)
    }
    // its reflog entries two months old, so `gc --expire-reflog 30d` drops them.
    let reflog = cli.store + "/.imggit/logs/old%3A1"
    let aged = try String(contentsOfFile: reflog, encoding: .utf8).replacingOccurrences(
      of: #""time":"[^"]*""#, with: #""time":"2020-01-01T00:00:00Z""#, options: .regularExpression)
    try Data(aged.utf8).write(to: URL(fileURLWithPath: reflog))
    let results = try parallel(
      4,
      { i in
        switch i {
        case 0:
          return "for n in 0 1 2 3 4 5; do '\(cli.binary)' import oci:\(layout):new:$n -q || exit 1; done"
        case 1:
          // Each either lands whole or fails loudly once gc has expired the entry.
          return """
            for n in 1 2 3 4 5 6; do
              out=$('\(cli.binary)' tag back$n:1 old:1@{1} -q 2>&1) || echo "$out" | grep -q "does not exist" || exit 1
            done
            """
        default:
          return
            "for n in $(seq 10); do '\(cli.binary)' gc --expire-reflog 30d --grace 0 -q 2>/dev/null || exit 1; done"
        }
      }, env: ["IMGGIT_STORE": cli.store])
    for r in results { #expect(r.status == 0, "\(r.stderr)") }
    try cli.ok("fsck")
    let tags = try cli.ok("tag").split(separator: "\n").map { String($0.split(separator: " ")[0]) }.filter {
      $0.contains(":")
    }
    for n in 0..<6 { #expect(tags.contains("new:\(n)")) }
    for tag in tags { try cli.ok("extract", tag, "-o", "/dev/null") }
  }
}
