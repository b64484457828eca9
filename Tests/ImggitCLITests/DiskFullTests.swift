import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

/// A store on a small tmpfs filled to the last byte: every command that writes fails with a
/// one-line error and leaves the store as it was, and once space returns all is well.
@Suite struct DiskFullTests {
  /// Mounts a tmpfs of `megabytes` at a new folder; nil (with the reason) where mounting is
  /// not allowed (not root, no CAP_SYS_ADMIN).
  func mount(_ tmp: TempDirectory, megabytes: Int) throws -> String? {
    let point = tmp.sub("small-disk")
    try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
    let r = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", point])
    guard r.status == 0 else {
      print(
        "DiskFullTests skipped: cannot mount a tmpfs here (\(r.stderr.trimmingCharacters(in: .newlines)))")
      return nil
    }
    return point
  }

  /// Fills the file system at `dir` to its last byte.
  func fill(_ dir: String) throws {
    _ = try run(
      "/bin/sh",
      [
        "-c",
        "dd if=/dev/zero of='\(dir)/filler' bs=64k 2>/dev/null; dd if=/dev/zero of='\(dir)/filler2' bs=1 2>/dev/null; true",
      ])
  }

  @Test func everyWriteFailsCleanlyOnAFullDiskAndTheStoreIsUnchanged() throws {
    let cli = try CLI()
    guard let disk = try mount(cli.tmp, megabytes: 24) else { return }
    defer { _ = try? run("/bin/umount", ["-l", disk]) }
    let store = disk + "/store"
    let env = ["IMGGIT_STORE": store]
    func imggit(_ args: String...) throws -> RunResult { try run(cli.binary, args, environment: env) }
    do {
      let b = ImageBuilder(store: try Store(path: store, create: true))
      let base = try b.image([.layer("ADD rootfs /", ["etc/os-release": "debian\n"], at: 1)], tag: "base:1")
      try b.image(
        base: try Store(path: store, create: false).image(base),
        [
          .layer("COPY app", ["app/x": String(repeating: "x", count: 100_000)], at: 2),
          .config("ENV A=1", at: 3),
        ],
        tag: "app:1")
      try b.image([.layer("ADD other /", ["etc/other": "o\n"], at: 4)], tag: "other:1")
    }
    #expect(try imggit("commit", "base:1", "--env", "P=1", "-m", "ENV P=1", "-t", "base:2").status == 0)
    #expect(try imggit("mirror").status == 0)
    let source = cli.tmp.sub("source")  // on the big disk: what import reads
    #expect(
      try run(cli.binary, ["export", "other:1", "--format", "oci", "-o", source + ".tar"], environment: env)
        .status == 0)
    let addition = cli.tmp.sub("addition")
    try Data(String(repeating: "payload ", count: 20_000).utf8).write(to: URL(fileURLWithPath: addition))

    try fill(disk)
    let before = try snapshot(store)
    let writes: [[String]] = [
      ["import", source + ".tar", "--tag", "imported:1"],
      ["commit", "app:1", "--add", "\(addition):/app/more", "-m", "COPY more"],
      ["commit", "app:1", "--env", "B=2", "-m", "ENV B=2"],
      ["merge", "--squash", "base:1..app:1", "-t", "flat:1"],
      ["tag", "mid:1", "app:1~1"],
      ["tag", "--force", "other:1", "base:1"],
      ["reset", "app:1", "app:1~1"],
      ["rebase", "--onto", "base:2", "base:1", "app:1"],
      ["tag", "-d", "other:1"],
      ["export", "app:1", "-o", disk + "/out.tar"],
    ]
    for args in writes {
      let r = try run(cli.binary, args, environment: env)
      let lines = r.stderr.split(separator: "\n")
      #expect(
        r.status == 1 && lines.count == 1 && lines[0].hasPrefix("imggit: "),
        "imggit \(args.joined(separator: " ")) on a full disk: status \(r.status), \(r.stderr)")
      let now = try snapshot(store)
      let changed = Set(before.keys).union(now.keys).filter { before[$0] != now[$0] }.sorted()
      #expect(changed.isEmpty, "imggit \(args.joined(separator: " ")) changed \(changed)")
    }
    #expect(!FileManager.default.fileExists(atPath: disk + "/out.tar"))

    // Space returns: nothing was lost, nothing is left over, and the same commands work.
    try FileManager.default.removeItem(atPath: disk + "/filler")
    try? FileManager.default.removeItem(atPath: disk + "/filler2")
    let fsck = try imggit("fsck", "--json")
    #expect(fsck.status == 0, "\(fsck.stdout)")
    #expect(try snapshot(store) == before)
    for args in writes.dropLast() {
      let r = try run(cli.binary, args, environment: env)
      #expect(r.status == 0, "imggit \(args.joined(separator: " ")) after space returned: \(r.stderr)")
    }
    #expect(try imggit("fsck").status == 0)
  }
}
