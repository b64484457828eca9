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
    case "canonically equivalent names":
      return (Self.equivalentNames, .accepted)
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

  // Names Swift's String equality takes for one (canonically equivalent) and tar, the
  // kernel and umoci keep apart: NFC and NFD "café", NFC and NFD "dé", Ω and the ohm sign.
  static let nfc = "caf\u{E9}"
  static let nfd = "cafe\u{301}"
  static let folderNFC = "d\u{E9}"
  static let folderNFD = "de\u{301}"
  static let omega = "\u{3A9}"
  static let ohm = "\u{2126}"

  /// Two layers: the pairs side by side with hard links to one of each, then a whiteout of
  /// NFD "café" alone and an opaque marker in NFD "dé" alone.
  static let equivalentNames: [Layer] = [
    .entries([
      dir("n"), file("n/\(nfc)", "nfc\n"), file("n/\(nfd)", "nfd\n"), file("n/\(omega)", "omega\n"),
      file("n/\(ohm)", "ohm\n"), hard("n/link-nfd", "n/\(nfd)"), hard("n/link-ohm", "n/\(ohm)"),
      dir(folderNFC), file("\(folderNFC)/child", "nfc child\n"), dir(folderNFD),
      file("\(folderNFD)/old", "nfd old\n"),
    ]),
    .entries([
      file("n/.wh.\(nfd)", ""), file("\(folderNFD)/.wh..wh..opq", ""), file("\(folderNFD)/new", "nfd new\n"),
    ]),
  ]

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
    "canonically equivalent names",
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

  /// How fstree.py names a path: a Python bytes literal (simple names only).
  static func literal(_ path: String) -> String {
    "b'" + path.utf8.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
      + "'"
  }

  /// The contents of a file, opened by the bytes of its name (not Foundation's idea of it).
  static func contents(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    return String(
      decoding: FileHandle(fileDescriptor: fd, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
  }

  /// Names as their bytes, in byte order (a Set or a sort of Strings would merge twins).
  static func bytes(_ names: [String]) -> [[UInt8]] {
    names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// `commit --rm` and `--add` of an NFD path, and `extract` of one, touch that path alone.
  @Test func equivalentNamesTypedByAUser() throws {
    let cli = try CLI()
    let builder = ImageBuilder(store: try Store(path: cli.store, create: true))
    guard case .entries(let entries) = Self.equivalentNames[0] else { return }
    try builder.image(layers: [try builder.rawLayer(entries)], tag: "h:1")
    let src = cli.tmp.sub("ohm")
    try "new ohm\n".write(toFile: src, atomically: true, encoding: .utf8)
    try cli.ok(
      "commit", "h:1", "--rm", "/n/\(Self.nfd)", "--add", "\(src):/n/\(Self.ohm)", "-m", "x", "-t", "h:2")
    let diff = try cli.ok("diff", "h:1", "h:2", "--name-status").split(separator: "\n").map(String.init)
    #expect(Self.bytes(diff) == Self.bytes(["M\tn/\(Self.ohm)", "D\tn/\(Self.nfd)"]), "\(diff)")
    try cli.ok("extract", "h:2", "-C", cli.tmp.sub("x"))
    let want = [
      ("n/\(Self.nfc)", "nfc\n"), ("n/link-nfd", "nfd\n"), ("n/\(Self.omega)", "omega\n"),
      ("n/\(Self.ohm)", "new ohm\n"),
    ]
    for (path, content) in want {
      #expect(Self.contents(cli.tmp.sub("x/\(path)")) == content, "\(path)")
    }
    #expect(Self.contents(cli.tmp.sub("x/n/\(Self.nfd)")) == nil)
    // A host file named NFD "café", added under a folder, takes that name and no other.
    let host = cli.tmp.sub("host")
    try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
    let fd = open("\(host)/\(Self.nfd)", O_WRONLY | O_CREAT, 0o644)
    #expect(fd >= 0 && write(fd, "host nfd\n", 9) == 9 && close(fd) == 0)
    try cli.ok("commit", "h:2", "--add", "\(host)/\(Self.nfd):/n/", "-m", "y", "-t", "h:3")
    try cli.ok("extract", "h:3", "-C", cli.tmp.sub("x3"))
    #expect(Self.contents(cli.tmp.sub("x3/n/\(Self.nfd)")) == "host nfd\n")
    #expect(Self.contents(cli.tmp.sub("x3/n/\(Self.nfc)")) == "nfc\n")
    try cli.ok("extract", "h:1", "-C", cli.tmp.sub("one"), "n/\(Self.nfd)", "\(Self.folderNFD)")
    let one = try Self.tree(cli.tmp.sub("one"))
    let names = one.compactMap { $0.split(separator: " ").first.map(String.init) }
    #expect(
      names == [Self.folderNFD, "\(Self.folderNFD)/old", "n", "n/\(Self.nfd)"].map(Self.literal), "\(one)")
    try cli.ok("fsck")
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
      if name == "canonically equivalent names" { try expectEquivalentNamesApart(cli) }
      if name == "sparse file ending in a hole" { #expect(got.contains { $0.contains("size=3145728") }) }
    }
  }
}

extension HostileLayerTests {
  /// What `show`, `diff` and `mirror --content` say of the equivalent names: the NFD ones
  /// alone are deleted, and every survivor keeps its own bytes.
  func expectEquivalentNamesApart(_ cli: CLI) throws {
    let (nfc, nfd, folderNFC, folderNFD) = (Self.nfc, Self.nfd, Self.folderNFC, Self.folderNFD)
    let deletions = ["\(folderNFD)/old", "n/\(nfd)"]
    let status = try cli.ok("show", "h:1", "--name-status").split(separator: "\n").map(String.init)
    #expect(
      Self.bytes(status.filter { $0.hasPrefix("D\t") }) == Self.bytes(deletions.map { "D\t" + $0 }),
      "\(status)")
    #expect(
      Self.bytes(status.filter { $0.hasPrefix("A\t") }) == Self.bytes(["A\t\(folderNFD)/new"]), "\(status)")
    let diff =
      try JSONSerialization.jsonObject(with: Data(cli.ok("diff", "h:1~1", "h:1", "--json").utf8))
      as? [[String: Any]]
    let deleted = (diff ?? []).filter { $0["kind"] as? String == "D" }.compactMap { $0["path"] as? String }
    #expect(Self.bytes(deleted) == Self.bytes(deletions), "\(deleted)")
    // extract --layer writes the top layer's NFD folder, and -o keeps the names' bytes.
    let layer = try Self.tree(cli.tmp.sub("xl")).compactMap {
      $0.split(separator: " ").first.map(String.init)
    }
    #expect(
      layer.contains(Self.literal("\(folderNFD)/new")) && !layer.contains(Self.literal("\(folderNFC)/new")))
    let list =
      "import sys, tarfile; [print(repr(m.name.encode('utf-8', 'surrogateescape'))) for m in tarfile.open(sys.argv[1])]"
    let names = try run("/usr/bin/python3", ["-c", list, cli.tmp.sub("x.tar")]).stdout.split(separator: "\n")
      .map(String.init)
    for path in ["n/\(nfc)", "n/\(Self.omega)", "n/\(Self.ohm)", "\(folderNFC)/child", "\(folderNFD)/new"] {
      #expect(names.contains(Self.literal(path)), "extract -o lacks \(Self.literal(path)): \(names)")
    }
    #expect(
      !names.contains(Self.literal("n/\(nfd)")) && !names.contains(Self.literal("\(folderNFD)/old")),
      "\(names)")
    let git = cli.tmp.sub("content.git")
    try cli.ok("mirror", "--content", "--git", git)
    // Pairs, not a dictionary: its keys would take Ω for Ω.
    let files = [
      ("n/\(nfc)", "nfc\n"), ("n/link-nfd", "nfd\n"), ("n/\(Self.omega)", "omega\n"),
      ("n/\(Self.ohm)", "ohm\n"),
      ("n/link-ohm", "ohm\n"), ("\(folderNFC)/child", "nfc child\n"), ("\(folderNFD)/new", "nfd new\n"),
    ]
    for rev in ["h@1", "h@flat"] {
      for (path, content) in files {
        let r = try run(try #require(which("git")), ["-C", git, "show", "refs/tags/\(rev):rootfs/\(path)"])
        #expect(r.stdout == content, "\(rev): \(path): \(r.stderr)")
      }
      for gone in ["n/\(nfd)", "\(folderNFD)/old"] {
        let r = try run(
          try #require(which("git")), ["-C", git, "cat-file", "-e", "refs/tags/\(rev):rootfs/\(gone)"])
        #expect(r.status != 0, "\(rev): \(gone) is still there")
      }
    }
  }
}

extension HostileLayerTests.Outcome {
  var isEither: Bool {
    if case .either = self { return true }
    return false
  }
}
