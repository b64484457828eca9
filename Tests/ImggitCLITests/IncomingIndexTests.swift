import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

/// Import and pull read every layer they bring in before a tag moves: a layer whose tar is
/// not what its config says refuses the command, and the indexes the read makes are the
/// ones later commands would have built.
@Suite struct IncomingIndexTests {
  /// The cached layer indexes of `store`, file name to bytes.
  static func indexes(_ store: String) throws -> [String: Data] {
    let dir = "\(store)/.imggit/cache/layers"
    guard FileManager.default.fileExists(atPath: dir) else { return [:] }
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
      result[name] = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)"))
    }
    return result
  }

  /// The `.idx` names of `image`'s DiffIDs.
  static func names(_ store: String, _ image: String) throws -> Set<String> {
    let s = try Store(path: store, create: false)
    let i = try s.image(try s.tag(try TagName(parsing: image)).descriptor)
    return Set(i.config.diffIDs.map { "\($0.hex).idx" })
  }

  /// A layout at `path` holding `lying:1`: app:1 of `from` and one more layer, new gzip
  /// bytes whose DiffID the config gives as that of app:1's first layer (whose index a store
  /// with app:1 has cached).
  static func lyingLayout(_ path: String, from store: Store) throws {
    let app = try store.image(try store.tag(try TagName(parsing: "app:1")).descriptor)
    let other = try Store(path: path, create: true)
    for d in app.manifest.layers { try other.writeBlob(try store.readBlob(d.digest)) }
    let tar = try other.readBlob(
      try ImageBuilder(store: other).layer(["lie": "not what the config says\n"]).digest)
    try tar.write(to: URL(fileURLWithPath: path + ".tar"))
    let gzip = try run("/bin/sh", ["-c", "gzip -n -c '\(path).tar' > '\(path).tar.gz'"])
    try #require(gzip.status == 0, "\(gzip.stderr)")
    let blob = try other.writeBlob(try Data(contentsOf: URL(fileURLWithPath: path + ".tar.gz")))
    var manifest = app.manifest
    manifest.layers.append(
      Descriptor(mediaType: MediaType.ociLayerGzip, digest: blob.digest, size: blob.size))
    var config = app.config
    config.diffIDs = config.diffIDs + [config.diffIDs[0]]
    config.history = config.history + [HistoryEntry(createdBy: "COPY lie /", created: nil, comment: nil)]
    let d = try other.writeImage(manifest: manifest, config: config)
    try other.update(command: "test") { $0.set(try TagName(parsing: "lying:1"), to: d) }
  }

  @Test func anImportIndexesEveryLayerItBringsAsARebuildWould() throws {
    let (cli, _) = try CLI.withImages(["app:1", "tricky:1"])
    let imported = try Self.indexes(cli.store)
    let wanted = try Self.names(cli.store, "app:1").union(try Self.names(cli.store, "tricky:1"))
    #expect(Set(imported.keys) == wanted)

    // The same indexes, byte for byte, when a command that reads the layers builds them.
    try FileManager.default.removeItem(atPath: "\(cli.store)/.imggit/cache")
    try cli.ok("extract", "app:1", "-o", cli.tmp.sub("app.tar"))
    try cli.ok("extract", "tricky:1", "-o", cli.tmp.sub("tricky.tar"))
    #expect(try Self.indexes(cli.store) == imported)

    // A squash right after an import and one that builds the indexes first write one layer.
    let rebuilt = try cli.ok("merge", "--squash", "tricky:1", "-t", "flat:1")
    let other = try CLI()
    try other.ok("import", "oci:\(cli.tmp.sub("fixture")):tricky:1")
    #expect(try other.ok("merge", "--squash", "tricky:1", "-t", "flat:1") == rebuilt)
  }

  @Test func aLayerWhoseTarMissesItsDiffIDRefusesTheImport() throws {
    let (cli, _) = try CLI.withImages(["app:1"])
    let store = try Store(path: cli.store, create: false)
    let layout = cli.tmp.sub("lying")
    try Self.lyingLayout(layout, from: store)
    // A fresh store too: there, every blob of the image is new.
    for target in [cli.store, cli.tmp.sub("fresh")] {
      let before = FileManager.default.fileExists(atPath: target) ? try snapshot(target) : [:]
      let r = try run(
        cli.binary, ["import", "oci:\(layout):lying:1"], environment: ["IMGGIT_STORE": target])
      let lines = r.stderr.split(separator: "\n")
      #expect(r.status == 1 && lines.count == 1, "\(r.stderr)")
      #expect(r.stderr.hasPrefix("imggit: layer sha256:") && r.stderr.contains("the config's DiffID is"))
      if !before.isEmpty { #expect(try snapshot(target) == before) }
      let tags = try Store(path: target, create: true).tags().map(\.name.description)
      #expect(!tags.contains("lying:1"))
    }
    // The same bytes in a docker save archive.
    let archive = cli.tmp.sub("lying.tar")
    let export = try run(
      cli.binary, ["export", "lying:1", "--format", "docker", "-o", archive],
      environment: ["IMGGIT_STORE": layout])
    try #require(export.status == 0, "\(export.stderr)")
    let before = try snapshot(cli.store)
    let r = try cli("import", archive)
    #expect(r.status == 1 && r.stderr.contains("the config's DiffID is"), "\(r.stderr)")
    #expect(try snapshot(cli.store) == before)
    try cli.ok("fsck")
  }
}
