import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

/// The store faults of issue 28, each through the real binary: stores that must be made,
/// stores that cannot be written, forced tags under contention, a killed mirror's temp
/// files, a reflog that cannot record a move, sizes no file can have, and `--jobs` bounds.
@Suite(.serialized) struct StoreFaultTests {
  /// A store with app:1 (two layers) made in-process, and the store.
  func small() throws -> (CLI, Store) { try IntegrityCommandTests().small() }

  /// A failure with one `imggit: ` line.
  func oneLine(_ r: RunResult) -> Bool {
    let lines = r.stderr.split(separator: "\n")
    return r.status == 1 && lines.count == 1 && lines[0].hasPrefix("imggit: ")
  }

  /// Runs `imggit ARGS` on the store at `store`.
  func imggit(_ cli: CLI, store: String, _ args: [String]) throws -> RunResult {
    try run(cli.binary, args, environment: ["IMGGIT_STORE": store])
  }

  // MARK: - A remote reference creates the store

  @Test func aRemoteReferenceGivenToAReaderCreatesANamedStoreAsPullDoes() throws {
    guard TestRegistry.available else {
      return print("StoreFaultTests skipped: apt-get install docker-registry")
    }
    let (cli, _, registry) = try RegistryTests.registryWithApp()
    let ref = "\(registry.address)/team/app:1"
    let commands: [(String, [String])] = [
      ("log", ["log", "--insecure", "--oneline", ref]),
      ("show", ["show", "--insecure", "\(ref)~1"]),
      ("extract", ["extract", "--insecure", "\(ref)~1", "--layer", "-C", cli.tmp.sub("out-extract")]),
    ]
    for (name, args) in commands {
      // A new folder, and an empty one, as `pull --store` takes them.
      for existing in [false, true] {
        let store = cli.tmp.sub("store-\(name)-\(existing)")
        if existing {
          try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        }
        let r = try run(cli.binary, args + ["--store", store])
        #expect(r.status == 0, "\(name) into a \(existing ? "empty" : "new") folder: \(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: store + "/oci-layout"), "\(name): no layout made")
        let fsck = try run(cli.binary, ["fsck", "--store", store])
        #expect(fsck.status == 0, "\(name): \(fsck.stdout) \(fsck.stderr)")
      }
    }
    // A local revision still never makes a store of a folder that is not one.
    let empty = cli.tmp.sub("store-local")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let local = try run(cli.binary, ["log", "app:1", "--store", empty])
    #expect(oneLine(local) && local.stderr.contains("not an OCI image layout"), "\(local.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
  }

  // MARK: - A read-only store

  /// Mounts `source` read-only at a new folder (a bind mount remounted read-only); nil,
  /// with the reason printed, where mounting is not allowed.
  func readOnlyMount(_ source: String, _ tmp: TempDirectory) throws -> String? {
    let point = tmp.sub("ro-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
    let bind = try run("/bin/mount", ["--bind", source, point])
    guard bind.status == 0 else {
      print("StoreFaultTests: read-only store skipped: cannot bind-mount here (\(bind.stderr))")
      return nil
    }
    let ro = try run("/bin/mount", ["-o", "remount,ro,bind", point])
    guard ro.status == 0 else {
      _ = try? run("/bin/umount", ["-l", point])
      print("StoreFaultTests: read-only store skipped: cannot remount read-only (\(ro.stderr))")
      return nil
    }
    return point
  }

  @Test func everyReadingCommandWorksOnAReadOnlyStore() throws {
    let (cli, _) = try small()
    try cli.ok("tag", "mid:1", "app:1~1")
    try cli.ok("reset", "app:1", "app:1~1")
    try cli.ok("reset", "app:1", "app:1@{1}")
    // As a CI cache or a skopeo-written layout would be: no layer indexes yet, and once
    // without imggit's folder at all.
    try? FileManager.default.removeItem(atPath: cli.store + "/.imggit/cache")
    let bare = cli.tmp.sub("bare")
    try FileManager.default.copyItem(atPath: cli.store, toPath: bare)
    try FileManager.default.removeItem(atPath: bare + "/.imggit")
    for source in [cli.store, bare] {
      guard let store = try readOnlyMount(source, cli.tmp) else { return }
      defer { _ = try? run("/bin/umount", ["-l", store]) }
      let out = cli.tmp.sub("out-\(UUID().uuidString.prefix(8))")
      let reads: [[String]] = [
        ["log", "--all", "--stat"], ["log", "app:1~1..app:1"], ["show", "app:1"], ["diff", "mid:1", "app:1"],
        ["extract", "app:1", "-C", out + "-dir"], ["extract", "app:1", "--layer", "-o", out + ".tar"],
        ["fsck"], ["reflog"], ["reflog", "app:1"], ["tag"], ["export", "app:1", "-o", out + "-export.tar"],
      ]
      for args in reads {
        let r = try imggit(cli, store: store, args)
        #expect(r.status == 0, "\(args.joined(separator: " ")) on a read-only store: \(r.stderr)")
      }
    }
  }

  // MARK: - tag -f under contention

  @Test func forcedTagsOnOneTagFromEightProcessesAllWinAndTheReflogHasEveryMove() throws {
    let (cli, _) = try small()
    try cli.ok("tag", "shared:1", "app:1")
    let perShell = 25
    let results = try ConcurrencyTests().parallel(
      8,
      { i in
        """
        failed=0
        for n in $(seq \(perShell)); do
          if [ $(( (n + \(i)) % 2 )) = 0 ]; then rev=app:1; else rev=app:1~1; fi
          '\(cli.binary)' tag -f shared:1 $rev -q || failed=$((failed+1))
        done
        echo $failed
        """
      }, env: ["IMGGIT_STORE": cli.store])
    for r in results {
      #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "tag -f failed: \(r.stderr)")
    }
    // Each move replaced the value the one before it left: the chain is unbroken, and it
    // ends where the tag is.
    let entries = try Data(contentsOf: URL(fileURLWithPath: cli.store + "/.imggit/logs/shared%3A1"))
      .split(separator: 0x0a).map {
        try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
      }
    let digest = { (e: [String: Any], key: String) in (e[key] as? [String: Any])?["digest"] as? String }
    #expect(entries.count > 1)
    for (a, b) in zip(entries, entries.dropFirst()) {
      #expect(digest(b, "old") == digest(a, "new"), "a move recorded a value it did not replace")
    }
    let tags = try #require(
      try JSONSerialization.jsonObject(with: Data(cli.ok("tag", "--json").utf8)) as? [[String: Any]])
    let shared = tags.first { $0["name"] as? String == "shared:1" }?["manifest"] as? String
    #expect(entries.last.flatMap { digest($0, "new") } == shared)
    try cli.ok("fsck")
  }

  // MARK: - gc and a killed mirror

  @Test func gcSweepsTheTempFilesOfAKilledMirrorOnceOld() throws {
    let (cli, _) = try small()
    try cli.ok("mirror")
    let git = cli.store + "/.imggit/mirror.git"
    // What a mirror killed while it replaced imggit-commits leaves, an hour and a half ago
    // and just now.
    let old = git + "/write.Ab3xYz"
    let young = git + "/write.Qr7sTu"
    for path in [old, young] { try Data("partial".utf8).write(to: URL(fileURLWithPath: path)) }
    try FileManager.default.setAttributes(
      [.modificationDate: Date().addingTimeInterval(-5400)], ofItemAtPath: old)
    try cli.ok("gc")
    #expect(!FileManager.default.fileExists(atPath: old), "gc left a killed mirror's temp file")
    #expect(FileManager.default.fileExists(atPath: young), "gc swept a temp file younger than its grace")
    // The next mirror run clears it under its own lock, as it clears libgit2's leftovers.
    try cli.ok("mirror")
    #expect(!FileManager.default.fileExists(atPath: young))
    #expect(FileManager.default.fileExists(atPath: git + "/imggit-commits"))
  }

  // MARK: - A reflog that cannot record a move

  @Test func aMoveItsReflogCannotRecordIsRefusedAndChangesNothing() throws {
    let (cli, _) = try small()
    let logs = cli.store + "/.imggit/logs"
    let reflog = logs + "/app%3A1"
    guard (try? run("/usr/bin/chattr", ["+i", reflog]))?.status == 0 else {
      return print("StoreFaultTests: immutable reflog skipped: chattr +i is not allowed here")
    }
    defer { _ = try? run("/usr/bin/chattr", ["-i", reflog]) }
    // The intermediate image tag/reset make is written before the move: make it now.
    try cli.ok("tag", "older:1", "app:1~1")
    let before = try snapshot(cli.store)
    for args in [["reset", "app:1", "app:1~1"], ["tag", "-f", "app:1", "older:1"], ["tag", "-d", "app:1"]] {
      let r = try cli(args)
      #expect(
        oneLine(r) && r.stderr.contains("reflog of app:1 cannot record"), "\(args): \(r.status) \(r.stderr)")
      #expect(try snapshot(cli.store) == before, "\(args) changed the store")
    }
    _ = try run("/usr/bin/chattr", ["-i", reflog])
    // A new tag's reflog cannot be made in an immutable folder either.
    guard (try? run("/usr/bin/chattr", ["+i", logs]))?.status == 0 else { return }
    defer { _ = try? run("/usr/bin/chattr", ["-i", logs]) }
    let r = try cli("tag", "new:1", "app:1")
    #expect(oneLine(r) && r.stderr.contains("reflog of new:1 cannot record"), "\(r.stderr)")
    #expect(try snapshot(cli.store) == before)
    _ = try run("/usr/bin/chattr", ["-i", logs])
    try cli.ok("reset", "app:1", "app:1~1")
    #expect(try cli.ok("reflog", "app:1").split(separator: "\n").count == 2)
    try cli.ok("fsck")
  }

  // MARK: - Sizes no file can have

  /// Writes the manifest `json` to `store` and tags it, whatever it says; returns its digest.
  @discardableResult
  func tagManifest(_ json: String, as tag: String, in store: Store) throws -> Digest {
    let blob = try store.writeBlob(Data(json.utf8))
    try store.update(command: "test") {
      $0.set(
        try TagName(parsing: tag),
        to: Descriptor(mediaType: MediaType.ociManifest, digest: blob.digest, size: blob.size))
    }
    return blob.digest
  }

  @Test func aLayoutWhoseManifestStatesImpossibleSizesIsRefusedByImport() throws {
    let (cli, store) = try small()
    let app = try store.image(try store.tag(try TagName(parsing: "app:1")).descriptor)
    let layout = cli.tmp.sub("huge")
    let other = try Store(path: layout, create: true)
    for d in app.manifest.layers { try other.writeBlob(try store.readBlob(d.digest)) }
    // One size at Int64.max; two whose sum passes it; a config size past 2^53.
    var cases: [(String, String)] = []
    var m = app.manifest
    m.layers[0].size = Int64.max
    cases.append(("max:1", String(decoding: try CanonicalJSON.encode(m), as: UTF8.self)))
    m = app.manifest
    m.layers[0].size = 1 << 62
    m.layers[1].size = 1 << 62
    cases.append(("sum:1", String(decoding: try CanonicalJSON.encode(m), as: UTF8.self)))
    m = app.manifest
    m.config.size = (1 << 53) + 1
    cases.append(("config:1", String(decoding: try CanonicalJSON.encode(m), as: UTF8.self)))
    for (tag, json) in cases {
      let blob = try tagManifest(json, as: tag, in: other)
      let before = try snapshot(cli.store)
      let r = try cli("import", "oci:\(layout):\(tag)")
      #expect(
        oneLine(r) && r.stderr.contains("manifest \(blob)") && r.stderr.contains("outside 0...2^53"),
        "\(tag): \(r.status) \(r.stderr)")
      #expect(try snapshot(cli.store) == before)
    }
    // Such a manifest tagged in the store, as a partial pull kept it: every command that
    // reads it says which manifest is wrong, where they used to trap on overflow.
    for (tag, json) in cases {
      try tagManifest(json, as: tag, in: store)
      for args in [
        ["fsck"], ["tag"], ["log", "--stat", tag], ["extract", tag, "-o", cli.tmp.sub("\(tag).tar")],
        ["merge", "--squash", tag, "-t", "flat:1"],
      ] {
        let r = try cli(args)
        #expect(
          r.status == 1 && (r.stdout + r.stderr).contains("outside 0...2^53"),
          "\(args): \(r.status) \(r.stdout) \(r.stderr)")
      }
      try store.update(command: "test") { try $0.delete(try TagName(parsing: tag)) }
    }
  }

  // MARK: - --jobs

  @Test func jobsIsBoundedAndAHugeCountIsAUsageError() throws {
    let (cli, _) = try small()
    // A registry makes the unbounded count spin, as it did, rather than fail to connect;
    // the spinning process ignored SIGTERM, so it is killed.
    let registry = TestRegistry.available ? try TestRegistry(tmp: cli.tmp) : nil
    let target = "\(registry?.address ?? "127.0.0.1:1")/team/app:1"
    for jobs in ["9223372036854775807", "65", "0"] {
      let r = try run(
        "/usr/bin/timeout",
        ["-s", "KILL", "30", cli.binary, "push", "--insecure", "--jobs", jobs, "app:1", target],
        environment: ["IMGGIT_STORE": cli.store])
      #expect(
        r.status == 64 && r.stderr.contains("--jobs must be between 1 and 64"),
        "\(jobs): \(r.status) \(r.stderr)")
    }
    if registry != nil { try cli.ok("push", "--insecure", "--jobs", "64", "app:1", target) }
  }
}
