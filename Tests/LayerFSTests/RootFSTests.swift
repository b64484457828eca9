import Foundation
import ImageModel
import TarStream
import Testing

@testable import LayerFS

func file(_ path: String, _ content: String = "x", mode: UInt32 = 0o644) -> FileEntry {
  var e = FileEntry(path: path, type: .regular, mode: mode, size: Int64(content.utf8.count))
  e.sha256 = Digest(of: Array(content.utf8)).hex
  return e
}
func dir(_ path: String, mode: UInt32 = 0o755) -> FileEntry {
  FileEntry(path: path, type: .directory, mode: mode)
}
func hardlink(_ path: String, to target: String) -> FileEntry {
  var e = FileEntry(path: path, type: .hardlink, mode: 0o644)
  e.link = target
  return e
}
func layer(_ entries: [FileEntry], whiteouts: [String] = [], opaque: [String] = []) -> LayerIndex {
  LayerIndex(
    diffID: Digest(of: Array("\(entries)\(whiteouts)\(opaque)".utf8)), entries: entries, whiteouts: whiteouts,
    opaque: opaque)
}

@Suite struct RootFSTests {
  /// Paths that cross no symlink are answered by a shortcut: for every path of a few
  /// components (dots, empty ones, links relative, absolute and chained, a folder named as a
  /// link elsewhere), with and without the last component, it gives what the walk through
  /// every folder gives.
  @Test func resolvingWithTheShortcutIsTheFullWalk() {
    let links = ["lib": "usr/lib", "a/b": "../x", "x": "/usr", "usr/lib/lib": ".", "b/a": "a"]
    let names = Set(links.keys.map { Substring($0.split(separator: "/").last!) })
    let parts = ["a", "b", "lib", "usr", "x", ".", "..", ""]
    var paths = [""]
    for _ in 0..<4 { paths = paths + paths.flatMap { p in parts.map { p.isEmpty ? $0 : p + "/" + $0 } } }
    for path in Set(paths) {
      for last in [false, true] {
        let shortcut = LayerPath.resolve(path, last: last, mayBeLink: { names.contains($0) }) { links[$0] }
        let walk = LayerPath.walk(path, last: last, mayBeLink: { _ in true }) { links[$0] }
        #expect(shortcut == walk, "\(path) last: \(last)")
      }
    }
  }

  /// The files of a folder that crosses no symlink are taken as they are; a symlink put
  /// anywhere, in the same layer or a later one, is seen by the next entry.
  @Test func aFolderTurnedSymlinkMidLayerIsSeenByTheNextEntry() throws {
    func symlink(_ path: String, _ target: String) -> FileEntry {
      var e = FileEntry(path: path, type: .symlink, mode: 0o777)
      e.link = target
      return e
    }
    let fs = try RootFS(layers: [
      layer([dir("e"), dir("d"), file("d/x"), file("d/y"), symlink("d", "e"), file("d/z"), file("f/w")]),
      layer([file("f/v"), symlink("f", "e"), file("f/u"), dir("g"), symlink("g/l", "/e"), file("g/l/t")]),
    ])
    #expect(fs.sortedPaths == ["d", "e", "e/t", "e/u", "e/z", "f", "g", "g/l"])
    #expect(fs.nodes["d"]?.entry.type == .symlink && fs.nodes["f"]?.entry.type == .symlink)
  }

  @Test func opaqueHidesLowerChildrenOnlyWhereverItSits() throws {
    let fs = try RootFS(layers: [
      layer([dir("d"), file("d/a"), file("d/b"), file("e")]),
      // The marker is applied before this layer's own entries, whatever their tar order.
      layer([file("d/c")], opaque: ["d"]),
    ])
    #expect(fs.sortedPaths == ["d", "d/c", "e"])
  }

  @Test func whiteoutsRemoveWholeSubtrees() throws {
    let fs = try RootFS(layers: [
      layer([dir("d"), dir("d/s"), file("d/s/x"), file("keep")]), layer([], whiteouts: ["d"]),
    ])
    #expect(fs.sortedPaths == ["keep"])
  }

  @Test func aFolderReplacedByAFileAndBack() throws {
    var fs = try RootFS(layers: [layer([dir("s"), file("s/child")]), layer([file("s", "now a file")])])
    #expect(fs.sortedPaths == ["s"])
    #expect(fs.nodes["s"]?.entry.type == .regular)
    try fs.apply(layer([dir("s", mode: 0o700), file("s/again")]), at: 2)
    #expect(fs.sortedPaths == ["s", "s/again"])
    #expect(fs.nodes["s"]?.entry.mode == 0o700)
  }

  @Test func hardLinksKeepTheirContentWhenTheTargetChangesOrGoes() throws {
    let fs = try RootFS(layers: [
      layer([file("t", "T1"), file("k", "K")]),
      layer([hardlink("l1", to: "t"), hardlink("l2", to: "k")]),
      layer([file("t", "T2")], whiteouts: ["k"]),
    ])
    #expect(fs.nodes["l1"]?.entry.sha256 == file("x", "T1").sha256)
    #expect(fs.nodes["t"]?.entry.sha256 == file("x", "T2").sha256)
    #expect(fs.nodes["l2"]?.entry.sha256 == file("x", "K").sha256)
    #expect(fs.nodes["k"] == nil)
    // l1 shares the bytes of the first layer's t, not of the current t.
    #expect(fs.nodes["l1"]?.source == RootFS.Source(layer: 0, path: "t"))
  }

  @Test func aHardLinkToNothingIsAnError() {
    let broken = layer([hardlink("l", to: "missing")])
    #expect(throws: LayerFSError.danglingHardLink("l", target: "missing", layer: broken.diffID)) {
      try RootFS(layers: [broken])
    }
  }

  @Test func parentsAreImplicitFolders() throws {
    let fs = try RootFS(layers: [layer([file("a/b/c")])])
    #expect(fs.sortedPaths == ["a", "a/b", "a/b/c"])
    #expect(fs.nodes["a"]?.implicit == true)
  }

  /// The changes a few layers make, from the paths they touch, equal the diff of the two
  /// whole trees (what rebase compares a patched base with), for every split of the layers.
  @Test func changesFromTheTouchedPathsEqualTheWholeTreeDiff() throws {
    var link = FileEntry(path: "lib", type: .symlink, mode: 0o777)
    link.link = "usr/lib"
    let layers = [
      layer([
        dir("usr"), dir("usr/lib"), file("usr/lib/a"), link, dir("d"), dir("d/s"), file("d/s/x"), file("k"),
      ]),
      layer([file("lib/b"), file("k", "K2"), hardlink("h", to: "k")]),
      layer([file("d/n")], whiteouts: ["d/s"], opaque: []),
      layer([dir("d", mode: 0o700), file("usr/lib/a", "A2")], opaque: ["usr/lib"]),
      layer([file("d", "now a file")], whiteouts: ["k"]),
      layer([dir("d"), file("d/again"), file("lib/c")]),
    ]
    for split in 0...layers.count {
      let before = try RootFS(layers: Array(layers[..<split]))
      let after = try RootFS(layers: layers)
      let fast = try before.changes(applying: layers.enumerated().dropFirst(split).map { ($1, $0) })
      #expect(fast == before.changes(to: after), "split at \(split)")
    }
  }

  @Test func changesIgnoreTimesButSeeEverythingElse() throws {
    let a = try RootFS(layers: [layer([file("same"), file("mode"), file("gone"), dir("d")])])
    var touched = file("same")
    touched.mtime = 99
    let b = try RootFS(layers: [layer([touched, file("mode", mode: 0o755), file("new"), dir("d")])])
    let changes = a.changes(to: b)
    #expect(changes.map { "\($0.kind.rawValue) \($0.path)" } == ["D gone", "M mode", "A new"])
  }
}

@Suite struct LayerPathTests {
  @Test func cleaning() throws {
    #expect(try LayerPath.clean("./usr//bin/") == "usr/bin")
    #expect(try LayerPath.cleanUserPath("/opt/app") == "opt/app")
    #expect(
      throws: LayerFSError.unsafePath(
        "/etc/passwd", layer: nil, reason: "absolute paths are not allowed in a layer")
    ) { try LayerPath.clean("/etc/passwd") }
    #expect(
      throws: LayerFSError.unsafePath(
        "a/../../x", layer: nil, reason: "'..' climbs out of the root filesystem")
    ) { try LayerPath.clean("a/../../x") }
  }

  @Test func whiteoutKinds() throws {
    #expect(try LayerPath.kind(of: "a/.wh.b") == .whiteout("a/b"))
    #expect(try LayerPath.kind(of: ".wh.top") == .whiteout("top"))
    #expect(try LayerPath.kind(of: "a/.wh..wh..opq") == .opaque("a"))
    #expect(try LayerPath.kind(of: "a/b") == .entry("a/b"))
    #expect(throws: LayerFSError.self) { try LayerPath.kind(of: "a/.wh.") }
  }
}

@Suite struct LayerIndexFormatTests {
  @Test func everyFieldSurvivesTheCacheFormat() throws {
    var odd = file("a\tb\\c\nd/é 日本", "x")
    odd.xattrs = ["security.capability": [1, 0, 0, 2], "user.a,b:c": Array("hi".utf8)]
    odd.uid = 1000
    odd.gid = 1001
    odd.mtime = 1_735_689_600
    var dev = FileEntry(path: "dev/null", type: .characterDevice, mode: 0o666)
    dev.devMajor = 1
    dev.devMinor = 3
    dev.mtime = Int64.min  // the extremes of every number survive
    dev.uid = Int64.max
    var link = FileEntry(path: "l", type: .symlink, mode: 0o777)
    link.link = "../with\ttab"
    let index = LayerIndex(
      diffID: Digest(of: Data("x".utf8)),
      entries: [odd, dev, link, hardlink("h", to: "a\tb\\c\nd/é 日本"), dir("d")],
      whiteouts: ["gone\tpath"], opaque: ["", "opaque/dir"], repeats: ["d": 2])
    let back = try #require(LayerIndex(lines: index.encodedLines()))
    #expect(back.entries == index.entries)
    #expect(back.whiteouts == index.whiteouts)
    #expect(back.opaque == index.opaque)
    #expect(back.repeats == index.repeats)
    #expect(back.diffID == index.diffID)
    #expect(LayerIndex(lines: Data("garbage\n".utf8)) == nil)
    // A damaged number, marker or field count is refused, never misread.
    let lines = String(decoding: index.encodedLines(), as: UTF8.self)
    for (good, bad) in [
      ("\t1000\t", "\t1x\t"), ("\t1000\t", "\t99999999999999999999\t"), ("\t644\t", "\t648\t"),
      ("\t644\t", "\t-644\t"), ("\t1000\t", "\t\t"), ("\nW\t", "\nWW\t"), ("\nW\t", "\nX\t"),
      ("\td\t2", "\td\t2\t3"),
    ] {
      #expect(lines.contains(good))
      let damaged = lines.replacingOccurrences(of: good, with: bad)
      #expect(LayerIndex(lines: Data(damaged.utf8)) == nil, "\(bad)")
    }
  }
}

@Suite struct ReportedChangesTests {
  /// A layer applied in place reports what comparing the trees before and after it finds:
  /// through whiteouts, opaque folders (the root's too), a folder turned file and back,
  /// files under a symlinked folder, hard links, and a path added and removed in one layer.
  @Test func appliedInPlaceTheChangesAreTheWholeTreeComparison() throws {
    var l1 = layer([
      dir("etc"), file("etc/a", "1"), file("etc/b"), dir("usr"), dir("usr/lib"), file("usr/lib/x"),
    ])
    l1.entries.append(symlink("lib", to: "usr/lib"))
    let layers = [
      l1,
      layer([file("etc/a", "2"), file("lib/y"), hardlink("etc/c", to: "etc/a")], whiteouts: ["etc/b"]),
      layer([file("usr", "now a file"), file("tmp/gone")], whiteouts: ["tmp/gone"]),
      layer([dir("usr"), file("usr/z"), file("etc/a", "2", mode: 0o600)], opaque: ["etc"]),
      layer([file("only")], opaque: [""]),
    ]
    var tree = RootFS()
    for (position, index) in layers.enumerated() {
      let before = tree
      let reported = try tree.applyReportingChanges(index, at: position)
      #expect(reported == before.changes(to: tree), "layer \(position)")
      #expect(!reported.isEmpty, "layer \(position) changes something")
    }
  }
}

func symlink(_ path: String, to target: String) -> FileEntry {
  var e = FileEntry(path: path, type: .symlink, mode: 0o777)
  e.link = target
  return e
}
