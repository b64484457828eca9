import Foundation
import ImageModel
import TarStream
import TestSupport
import Testing

@testable import ImageStore

/// Writes a tar whose members are given in order; a `nil` body makes a symlink to `link`.
func writeTar(_ path: String, _ members: [(String, Data?, String?)]) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  defer { close(fd) }
  let w = try ArchiveWriter(fileDescriptor: fd, context: path)
  for (name, data, link) in members {
    if let data {
      try w.writeFile(path: name, data: data)
    } else {
      try w.writeHeader(TarEntry(path: name, type: .symlink, mode: 0o777, linkTarget: link))
    }
  }
  try w.finish()
}

@Suite struct ImportTests {
  /// A classic `docker save` tarball as Docker before version 25 wrote it, with the layer of
  /// the second image stored as a symlink to the first's (Docker's way of sharing layers).
  func classicArchive(_ path: String) throws -> (Digest, Digest) {
    let tmp = try TempDirectory()
    let scratch = try Store(path: tmp.sub("scratch"), create: true)
    let layer = try ImageBuilder(store: scratch).layer(["etc/motd": "hi\n"])
    let layerData = try scratch.readBlob(layer.digest, limit: 1 << 20)
    let config: JSONValue = .object([
      "architecture": .string("amd64"), "os": .string("linux"),
      "rootfs": .object(["type": .string("layers"), "diff_ids": .array([.string(layer.digest.description)])]),
      "history": .array([
        .object(["created_by": .string("ADD motd /etc/")]),
        .object(["created_by": .string("CMD sh"), "empty_layer": .bool(true)]),
      ]),
    ])
    let configData = try CanonicalJSON.encode(config)
    let configName = "\(Digest(of: configData).hex).json"
    let manifest = """
      [{"Config":"\(configName)","RepoTags":["docker.io/library/motd:1","motd:latest"],"Layers":["aaa/layer.tar"]},
       {"Config":"\(configName)","RepoTags":["other:2"],"Layers":["bbb/layer.tar"]}]
      """
    try writeTar(
      path,
      [
        ("aaa/layer.tar", layerData, nil), ("aaa/VERSION", Data("1.0".utf8), nil),
        ("bbb/layer.tar", nil, "../aaa/layer.tar"),
        (configName, configData, nil), ("manifest.json", Data(manifest.utf8), nil),
      ])
    return (layer.digest, Digest(of: configData))
  }

  @Test func classicDockerArchive() throws {
    let tmp = try TempDirectory()
    let (layer, config) = try classicArchive(tmp.sub("save.tar"))
    let store = try Store(path: tmp.sub("s"), create: true)
    let imported = try Importer(store: store).run(.archive(path: tmp.sub("save.tar")))
    #expect(imported.count == 2)
    #expect(Set(try store.tags().map(\.name.description)) == ["motd:1", "motd:latest", "other:2"])
    let image = try store.image(try store.tag(try TagName(parsing: "motd:1")).descriptor)
    #expect(image.manifest.layers.map(\.digest) == [layer])
    #expect(image.manifest.layers[0].mediaType == MediaType.ociLayer)
    #expect(image.manifest.config.digest == config)
    #expect(image.commits.count == 2)
    // Importing again copies nothing.
    let again = try Importer(store: store).run(.archive(path: tmp.sub("save.tar")))
    #expect(again.allSatisfy { $0.newBlobs == 0 })
  }

  @Test func tagOverrideNeedsOneImage() throws {
    let tmp = try TempDirectory()
    _ = try classicArchive(tmp.sub("save.tar"))
    let store = try Store(path: tmp.sub("s"), create: true)
    #expect(throws: StoreError.ambiguousImport(source: tmp.sub("save.tar"), count: 2)) {
      try Importer(store: store).run(.archive(path: tmp.sub("save.tar")), tag: try TagName(parsing: "x:1"))
    }
  }

  @Test(arguments: ["truncated", "digest", "json", "missing", "diffid", "empty"])
  func badArchivesLeaveTheStoreAsItWas(kind: String) throws {
    let tmp = try TempDirectory()
    let good = tmp.sub("good.tar")
    _ = try classicArchive(good)
    let store = try Store(path: tmp.sub("s"), create: true)
    _ = try Importer(store: store).run(.archive(path: good))
    let bad = tmp.sub("bad.tar")
    let data = try Data(contentsOf: URL(fileURLWithPath: good))
    var expected = ""
    switch kind {
    case "truncated":
      // Cut inside the first member's data, as an interrupted download would.
      try data.prefix(1000).write(to: URL(fileURLWithPath: bad))
      expected = "runcated"
    case "digest":
      let hex = String(repeating: "1", count: 64)
      try writeTar(bad, [("blobs/sha256/\(hex)", Data("x".utf8), nil), ("index.json", Data("{}".utf8), nil)])
      expected = "is corrupt"
    case "json":
      try writeTar(bad, [("manifest.json", Data("[{".utf8), nil)])
      expected = "malformed JSON in \(bad): manifest.json"
    case "missing":
      try writeTar(bad, [("manifest.json", Data(#"[{"Config":"c.json","Layers":[]}]"#.utf8), nil)])
      expected = "names c.json, which is not in the archive"
    case "diffid":
      try writeTar(
        bad,
        [
          ("l.tar", Data(count: 1024), nil),
          (
            "c.json", Data(#"{"rootfs":{"diff_ids":["sha256:\#(String(repeating: "2", count: 64))"]}}"#.utf8),
            nil
          ),
          ("manifest.json", Data(#"[{"Config":"c.json","RepoTags":["a:1"],"Layers":["l.tar"]}]"#.utf8), nil),
        ])
      expected = "but the config's DiffID is"
    default:
      try writeTar(bad, [("README", Data("hi".utf8), nil)])
      expected = "neither a docker save tarball nor an OCI archive"
    }
    let before = try snapshot(store.path)
    #expect {
      try Importer(store: store).run(.archive(path: bad), tag: try TagName(parsing: "bad:1"))
    } throws: {
      "\($0)".contains(expected)
    }
    #expect(try snapshot(store.path) == before)
  }

  @Test func aTruncatedArchiveKeepsLibarchivesErrorAsTheCause() throws {
    let tmp = try TempDirectory()
    let good = tmp.sub("good.tar")
    _ = try classicArchive(good)
    try Data(contentsOf: URL(fileURLWithPath: good)).prefix(1000).write(
      to: URL(fileURLWithPath: tmp.sub("cut.tar")))
    let store = try Store(path: tmp.sub("s"), create: true)
    #expect {
      try Importer(store: store).run(.archive(path: tmp.sub("cut.tar")))
    } throws: { error in
      guard case StoreError.unreadableArchive(let source, let tar) = error else { return false }
      return source == tmp.sub("cut.tar") && (error as? StoreError)?.cause as? TarError == tar
        && tar.message.contains("runcated")
    }
  }

  @Test func layoutFolders() throws {
    let tmp = try TempDirectory()
    let source = try Store(path: tmp.sub("src"), create: true)
    let b = ImageBuilder(store: source)
    try b.image([.layer("ADD a", ["a": "1"])], tag: "one:1")
    try b.image([.layer("ADD b", ["b": "2"])], tag: "two:1")
    let store = try Store(path: tmp.sub("s"), create: true)
    _ = try Importer(store: store).run(try ImportSource(parsing: "oci:\(source.path):two:1"))
    #expect(try store.tags().map(\.name.description) == ["two:1"])
    _ = try Importer(store: store).run(try ImportSource(parsing: source.path))
    #expect(try store.tags().map(\.name.description) == ["one:1", "two:1"])
    #expect(throws: StoreError.badSource("oci:\(source.path):three:1", reason: "no image tagged three:1")) {
      try Importer(store: store).run(.layout(path: source.path, tag: "three:1"))
    }
    // A corrupt blob in the source is caught while copying.
    let fresh = try Store(path: tmp.sub("fresh"), create: true)
    let layer = try source.image(try source.tag(try TagName(parsing: "one:1")).descriptor).manifest.layers[0]
    var bytes = try Data(contentsOf: URL(fileURLWithPath: source.blobPath(layer.digest)))
    bytes[bytes.count / 2] ^= 0xff
    try bytes.write(to: URL(fileURLWithPath: source.blobPath(layer.digest)))
    let before = try snapshot(fresh.path)
    #expect { try Importer(store: fresh).run(.layout(path: source.path, tag: "one:1")) } throws: {
      "\($0)".contains("is corrupt")
    }
    #expect(try snapshot(fresh.path) == before)
  }

  @Test func sourcesAreParsed() throws {
    #expect(try ImportSource(parsing: "-") == .standardInput)
    #expect(try ImportSource(parsing: "oci:/x:app:1") == .layout(path: "/x", tag: "app:1"))
    #expect(try ImportSource(parsing: "oci:/x") == .layout(path: "/x", tag: nil))
    #expect(try ImportSource(parsing: "docker-archive:/a.tar") == .archive(path: "/a.tar"))
    #expect(throws: StoreError.self) { try ImportSource(parsing: "/does/not/exist.tar") }
  }
}
