import Foundation
import ImageModel
import ImageStore
import TarStream
import TestSupport
import Testing

/// Layers a hostile tool writes, or merely an unusual one, built in-process and run through
/// import, show, diff, extract (folder, --layer, -o), squash, mirror and fsck. A layer imggit
/// accepts must unpack as umoci unpacks it (when umoci accepts it), squashed or not; a layer
/// it refuses gets a one-line error from every command and leaves the store as it was.
@Suite struct HostileLayerTests {
  enum Outcome: Sendable {
    case accepted
    case refused(String)
    /// Either a one-line error or the right tree (paths deeper than PATH_MAX).
    case either
    /// Accepted, with no oracle that could read it in reasonable time: a 1 TiB hole, which
    /// umoci would write out as zeros. The test checks sizes and disk use instead.
    case huge
  }

  static let t: Int64 = 1_735_689_600
  typealias Entry = (TarEntry, String?)

  static func file(_ p: String, _ data: String = "x\n") -> Entry {
    (TarEntry(path: p, type: .regular, mtime: t), data)
  }
  static func dir(_ p: String) -> Entry { (TarEntry(path: p, type: .directory, mode: 0o755, mtime: t), nil) }
  static func link(_ p: String, _ target: String) -> Entry {
    (TarEntry(path: p, type: .symlink, mode: 0o777, mtime: t, linkTarget: target), nil)
  }
  static func hard(_ p: String, _ target: String) -> Entry {
    (TarEntry(path: p, type: .hardlink, mtime: t, linkTarget: target), nil)
  }
  static func device(_ p: String, _ type: EntryType, _ major: UInt32, _ minor: UInt32) -> Entry {
    var e = TarEntry(path: p, type: type, mode: 0o666, mtime: t)
    e.deviceMajor = major
    e.deviceMinor = minor
    return (e, nil)
  }
  /// A name with a raw byte that is not UTF-8 (see FileName).
  static func raw(_ prefix: String, _ byte: UInt8) -> String {
    prefix + String(Character(Unicode.Scalar(0x10_FF00 + UInt32(byte))!))
  }

  enum Layer {
    case entries([Entry])
    case tar(Data)
  }

  /// The layers on top of a small base, and what imggit must do with them.
  static func layers(_ name: String, tmp: TempDirectory) throws -> ([Layer], Outcome) {
    switch name {
    case "traversal": return ([.entries([file("../evil")])], .refused("climbs out"))
    case "absolute path": return ([.entries([file("/etc/abs")])], .refused("absolute"))
    case "symlink escape, absolute":
      return ([.entries([link("link", "/etc"), file("link/passwd", "evil\n")])], .accepted)
    case "symlink escape, relative":
      return ([.entries([link("up", "../../../../../tmp"), file("up/escaped")])], .accepted)
    case "hard link escape": return ([.entries([hard("h", "../../etc/shadow")])], .refused("climbs out"))
    case "hard link, absolute": return ([.entries([hard("h", "/etc/passwd")])], .refused("absolute"))
    case "opaque root":
      return ([.entries([file("new")]), .entries([file(".wh..wh..opq", ""), file("top")])], .accepted)
    case "bare whiteout": return ([.entries([file("etc/.wh.", "")])], .refused("invalid whiteout"))
    case "whiteout of nothing": return ([.entries([file("etc/.wh.nothere", "")])], .accepted)
    case "whiteout then the same folder":
      return ([.entries([file(".wh.etc", ""), file("etc/new")])], .accepted)
    case "devices":
      return (
        [
          .entries([
            dir("dev"), device("dev/null", .characterDevice, 1, 3), device("dev/loop0", .blockDevice, 7, 0),
            (TarEntry(path: "dev/fifo", type: .fifo, mode: 0o600, mtime: t), nil),
          ])
        ], .accepted
      )
    case "device number over 32 bits":
      let python = """
        import io, sys, tarfile
        b = io.BytesIO()
        with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
            i = tarfile.TarInfo("dev/wide"); i.type = tarfile.CHRTYPE; i.mtime = 1735689600
            i.pax_headers = {"SCHILY.devmajor": "99999999999", "SCHILY.devminor": "1"}
            t.addfile(i)
        sys.stdout.buffer.write(b.getvalue())
        """
      return ([.tar(try output("/usr/bin/python3", ["-c", python]))], .refused("wider than 32 bits"))
    case "non-UTF-8 names":
      return (
        [
          .entries([
            file(raw("caf", 0xE9), "latin-1\n"), file(raw("x", 0xFF), "ff\n"), file(raw("x", 0xFE), "fe\n"),
            dir(raw("d", 0xFF)), file(raw("d", 0xFF) + "/f", "inside\n"),
            link(raw("l", 0xFF), raw("x", 0xFF)),
          ])
        ], .accepted
      )
    case "sparse file ending in a hole":
      return (
        [.tar(try sparseTar(tmp, "s", "head -c 1048576 /dev/urandom > s && truncate -s 3M s"))], .accepted
      )
    case "a 1 TiB hole":
      return ([.tar(try sparseTar(tmp, "h", "echo head > h && truncate -s 1T h && echo tail >> h"))], .huge)
    case "a path twice, the longer first":
      return ([.entries([file("dup", "a much longer first version\n"), file("dup", "short\n")])], .accepted)
    case "4096 folders deep":
      return ([.entries([file(Array(repeating: "a", count: 4096).joined(separator: "/") + "/f")])], .either)
    case "symlinked folder, same layer":
      return ([.entries([dir("b"), link("a", "b"), file("a/x/y", "y\n")])], .accepted)
    case "merged /usr":
      return (
        [
          .entries([dir("usr/lib"), link("lib", "usr/lib")]),
          .entries([dir("lib/modules"), dir("lib/modules/k"), file("lib/modules/k/x.ko", "ko\n")]),
        ], .accepted
      )
    case "folder, then a symlink in its place":
      return ([.entries([dir("x"), file("x/f"), link("x", "elsewhere")])], .accepted)
    default: throw CLIError("no case \(name)")
    }
  }

  /// A pax tar of one sparse file that `make` (a shell command) writes, by GNU tar.
  static func sparseTar(_ tmp: TempDirectory, _ name: String, _ make: String) throws -> Data {
    let src = tmp.sub("sparse-\(name)")
    try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
    let made = try run(
      "/bin/sh",
      [
        "-c",
        "cd '\(src)' && \(make) && touch -d @1735689600 \(name) && tar --sparse --format=pax --mtime=@1735689600 -cf '\(src).tar' \(name)",
      ])
    #expect(made.status == 0, "\(made.stderr)")
    return try Data(contentsOf: URL(fileURLWithPath: src + ".tar"))
  }

  static let cases = [
    "traversal", "absolute path", "symlink escape, absolute", "symlink escape, relative", "hard link escape",
    "hard link, absolute", "opaque root", "bare whiteout", "whiteout of nothing",
    "whiteout then the same folder", "devices", "device number over 32 bits", "non-UTF-8 names",
    "sparse file ending in a hole", "a 1 TiB hole", "a path twice, the longer first", "4096 folders deep",
    "symlinked folder, same layer", "merged /usr", "folder, then a symlink in its place",
  ]

  static func output(_ program: String, _ args: [String]) throws -> Data {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return data
  }

  /// The bytes-exact listing of a tree (Tests/Fixtures/fstree.py).
  static func tree(_ root: String) throws -> [String] {
    let r = try run("/usr/bin/python3", [CLI.packageRoot + "/Tests/Fixtures/fstree.py", root])
    #expect(r.status == 0, "fstree.py \(root): \(r.stderr)")
    return r.stdout.split(separator: "\n").map(String.init)
  }

  @Test(arguments: cases)
  func hostileLayer(_ name: String) throws {
    let cli = try CLI()
    let store = try Store(path: cli.store, create: true)
    let builder = ImageBuilder(store: store)
    let (specs, outcome) = try Self.layers(name, tmp: cli.tmp)
    var layers = [
      try builder.rawLayer([
        Self.dir("etc"), Self.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), Self.dir("tmp"),
        Self.dir("usr"),
      ])
    ]
    for spec in specs {
      switch spec {
      case .entries(let entries): layers.append(try builder.rawLayer(entries))
      case .tar(let data): layers.append(try builder.tarLayer(data))
      }
    }
    try builder.image(layers: layers, tag: "h:1")

    // Import: an exported archive of the image is read back into another store, unchanged.
    try cli.ok("export", "h:1", "-o", cli.tmp.sub("h.tar"))
    let other = try run(
      cli.binary, ["import", cli.tmp.sub("h.tar"), "--tag", "h:1"],
      environment: ["IMGGIT_STORE": cli.tmp.sub("other")])
    #expect(other.status == 0, "\(name): import: \(other.stderr)")

    let commands = [
      ["show", "h:1"], ["diff", "h:1~1", "h:1"], ["extract", "h:1", "-C", cli.tmp.sub("x")],
      ["extract", "h:1", "--layer", "-C", cli.tmp.sub("xl")], ["extract", "h:1", "-o", cli.tmp.sub("x.tar")],
      ["merge", "--squash", "h:1", "-t", "h:flat"], ["mirror"],
    ]
    switch outcome {
    case .refused(let fragment):
      let before = try snapshot(cli.store)
      for args in commands {
        let r = try cli(args)
        #expect(r.status == 1, "\(name): imggit \(args.joined(separator: " ")) was not refused")
        let lines = r.stderr.split(separator: "\n")
        #expect(
          lines.count == 1 && lines[0].hasPrefix("imggit: ") && r.stderr.contains(fragment),
          "\(name): imggit \(args.joined(separator: " ")): \(r.stderr)")
      }
      let after = try snapshot(cli.store)
      let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
      #expect(changed.isEmpty, "\(name): refused commands changed the store: \(changed)")
      try cli.ok("fsck")
    case .huge:
      for args in commands { try cli.ok(args) }
      try cli.expectTopLayerIndexedAsWritten("h:flat")
      try cli.ok("extract", "h:flat", "-C", cli.tmp.sub("xf"))
      for dir in ["x", "xl", "xf"] {
        var st = stat()
        #expect(lstat(cli.tmp.sub("\(dir)/h"), &st) == 0)
        #expect(st.st_size == (1 << 40) + 5, "\(dir)/h has \(st.st_size) bytes")
        #expect(
          Int64(st.st_blocks) * 512 < 1 << 20, "\(dir)/h takes \(Int64(st.st_blocks) * 512) bytes of disk")
      }
      for dir in ["x", "xl", "xf"] {
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: cli.tmp.sub("\(dir)/h")))
        #expect(String(decoding: try file.read(upToCount: 5) ?? Data(), as: UTF8.self) == "head\n", "\(dir)")
        try file.seek(toOffset: 1 << 40)
        #expect(String(decoding: try file.read(upToCount: 5) ?? Data(), as: UTF8.self) == "tail\n", "\(dir)")
      }
      try cli.ok("fsck")
    case .accepted, .either:
      var failed = false
      for args in commands {
        let r = try cli(args)
        if r.status != 0 {
          failed = true
          let lines = r.stderr.split(separator: "\n")
          #expect(
            outcome.isEither && r.status == 1 && lines.count == 1 && lines[0].hasPrefix("imggit: "),
            "\(name): imggit \(args.joined(separator: " ")) failed: \(r.stderr)")
        }
      }
      try cli.ok("fsck")
      guard !failed else { return }
      try cli.expectTopLayerIndexedAsWritten("h:flat")
      let got = try Self.tree(cli.tmp.sub("x"))
      let umoci = try run(
        try #require(which("umoci")), ["unpack", "--image", "\(cli.store):h:1", cli.tmp.sub("u")])
      guard umoci.status == 0 else { return }  // umoci refuses it: imggit's tree has no oracle
      let want = try Self.tree(cli.tmp.sub("u") + "/rootfs")
      #expect(got == want, "\(name): extract differs from umoci unpack")
      try cli.tool("umoci", "unpack", "--image", "\(cli.store):h:flat", cli.tmp.sub("uf"))
      #expect(try Self.tree(cli.tmp.sub("uf") + "/rootfs") == want, "\(name): the squash unpacks differently")
      if name == "non-UTF-8 names" { #expect(got.filter { $0.hasPrefix("b'x\\x") }.count == 2) }
      if name == "sparse file ending in a hole" { #expect(got.contains { $0.contains("size=3145728") }) }
    }
  }
}

extension HostileLayerTests.Outcome {
  var isEither: Bool {
    if case .either = self { return true }
    return false
  }
}
