import CLinux
import Foundation
import ImageModel
import ImageStore
import LayerFS
import RegistryFormats

/// Fuzz targets for what reads untrusted input: the revision parser, the JSON decoding of
/// manifests, configs and indexes, the layer reader with its whiteout logic, archive import,
/// and what registries and auth files say (challenges, Retry-After, error bodies, auth-file
/// reading and editing). Built with libFuzzer by `scripts/fuzz.sh` (`-sanitize=fuzzer -DFUZZING`); built
/// plainly, the same program replays inputs from files, which is how the tests keep every
/// crash the fuzzer found fixed: `imggit-fuzz TARGET FILE|FOLDER...`.
enum Target: String, CaseIterable {
  case revision, json, layer, archive, registry

  /// Feeds one input; errors are the expected outcome for most inputs, crashes are bugs.
  func run(_ data: Data) {
    switch self {
    case .revision:
      let s = String(decoding: data, as: UTF8.self)
      _ = try? Revision(parsing: s)
      _ = try? RevisionSpec(parsing: s)
      _ = try? TagName(parsing: s)
      _ = try? TagName(normalizing: s)
    case .json:
      let digest = Digest(of: data)
      _ = try? Manifest.parse(data, digest: digest)
      _ = try? ImageConfig.parse(data, digest: digest).diffIDs
      _ = try? CanonicalJSON.decode(ImageIndex.self, from: data, what: "index")
      _ = try? JSONValue.referencedDescriptors(in: data, what: "blob")
      if let config = try? ImageConfig.parse(data, digest: digest) {
        let layers = config.diffIDs.map { Descriptor(mediaType: MediaType.ociLayer, digest: $0, size: 0) }
        _ = try? Image(
          descriptor: Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: 0),
          manifest: Manifest(
            config: Descriptor(mediaType: MediaType.ociConfig, digest: digest, size: Int64(data.count)),
            layers: layers),
          config: config
        ).commits
      }
    case .layer:
      // The bytes as an uncompressed layer, read the way every command reads layers, then
      // applied twice over itself (whiteouts, opaque folders and links meet their targets).
      guard let store = Scratch.store, let (digest, size) = try? store.writeBlob(data) else { return }
      defer { try? FileManager.default.removeItem(atPath: store.blobPath(digest)) }
      let layer = Layer(
        descriptor: Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: size), diffID: digest,
        position: 0)
      guard let index = try? LayerIndexer(store: store).build(layer) else { return }
      if var tree = try? RootFS(layers: [index]) {
        _ = try? tree.apply(index, at: 1)
        _ = LayerDiff.plan(from: RootFS(), to: tree)
      }
      _ = index.encodedLines()
      _ = LayerIndex(lines: index.encodedLines())
    case .archive:
      guard let store = Scratch.fresh() else { return }
      let path = store.path + ".input"
      guard FileManager.default.createFile(atPath: path, contents: data) else { return }
      defer { try? FileManager.default.removeItem(atPath: path) }
      _ = try? Importer(store: store).run(.archive(path: path), tag: try? TagName(parsing: "fuzz:1"))
    case .registry:
      let s = String(decoding: data, as: UTF8.self)
      _ = Challenge.parse(s)
      _ = Challenge.preferred(s)
      _ = RetryAfter.seconds(s)
      _ = ErrorBody.message(s)
      let keys = ["r.example", "https://r.example"]
      _ = try? AuthDocument.credentials(in: data, keys: keys)
      // An edit that is accepted must give a document that holds the entry, and whose other
      // entries read as before.
      if let edited = try? AuthDocument.editing(data, keys: keys, auth: "dTpw") {
        guard let found = try? AuthDocument.credentials(in: edited, keys: keys), found.0 == "u",
          found.1 == "p"
        else { fatalError("an edited auth file does not hold its entry") }
        let other = ["o.example"]
        guard
          (try? AuthDocument.credentials(in: edited, keys: other)).map({ $0?.0 })
            == (try? AuthDocument.credentials(in: data, keys: other)).map({ $0?.0 })
        else { fatalError("an edit changed another entry") }
      }
    }
  }
}

/// A store in a temporary folder, for the targets that need one.
enum Scratch {
  nonisolated(unsafe) static var counter = 0
  static let base = NSTemporaryDirectory() + "imggit-fuzz-\(getpid())"
  nonisolated(unsafe) static var store: Store? = try? Store(path: base + "/layers", create: true)

  /// A new empty store (the last one removed), so imports never accumulate.
  static func fresh() -> Store? {
    try? FileManager.default.removeItem(atPath: "\(base)/import-\(counter)")
    try? FileManager.default.removeItem(atPath: "\(base)/import-\(counter).input")
    counter += 1
    return try? Store(path: "\(base)/import-\(counter)", create: true)
  }
}

#if FUZZING
  nonisolated(unsafe) let target: Target = {
    let name = ProcessInfo.processInfo.environment["IMGGIT_FUZZ_TARGET"] ?? ""
    guard let t = Target(rawValue: name) else {
      fatalError(
        "set IMGGIT_FUZZ_TARGET to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    setlocale(LC_CTYPE, "C.UTF-8")
    return t
  }()

  /// The function libFuzzer calls with each input.
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    target.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
  }

  /// SwiftPM gives every executable a main of its own, so libFuzzer is entered through
  /// its driver function rather than its main.
  @main
  enum Fuzz {
    static func main() {
      _ = target
      var argc = CommandLine.argc
      var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      exit(
        LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in fuzzOne(bytes, count) })
    }
  }
#else
  @main
  enum Replay {
    static func main() {
      setlocale(LC_CTYPE, "C.UTF-8")
      let args = CommandLine.arguments.dropFirst()
      guard let name = args.first, let target = Target(rawValue: name) else {
        FileHandle.standardError.write(
          Data(
            "usage: imggit-fuzz \(Target.allCases.map(\.rawValue).joined(separator: "|")) FILE|FOLDER...\n"
              .utf8))
        exit(64)
      }
      var inputs = 0
      for path in args.dropFirst() {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        let files =
          isDirectory.boolValue
          ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map {
            "\(path)/\($0)"
          }
          : [path]
        for file in files {
          guard let data = FileManager.default.contents(atPath: file) else { continue }
          target.run(data)
          inputs += 1
        }
      }
      try? FileManager.default.removeItem(atPath: Scratch.base)
      print("imggit-fuzz \(name): \(inputs) inputs replayed, no crash")
    }
  }
#endif
