import Foundation
import TestSupport
import Testing

/// The built `imggit` binary and a store to run it on, plus the fixture images.
struct CLI {
  let tmp: TempDirectory
  let store: String
  let binary: String

  init() throws {
    tmp = try TempDirectory("imggit-cli")
    store = tmp.sub("store")
    binary = try CLI.findBinary()
  }

  /// Runs `imggit ARGS` with the test's store; never with a terminal, so never in colour.
  @discardableResult
  func callAsFunction(_ args: String..., stdin: String? = nil, env: [String: String] = [:]) throws
    -> RunResult
  {
    try callAsFunction(args, stdin: stdin, env: env)
  }

  @discardableResult
  func callAsFunction(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) throws
    -> RunResult
  {
    var environment = ["IMGGIT_STORE": store]
    for (k, v) in env { environment[k] = v }
    return try run(binary, args, environment: environment, stdinFile: stdin)
  }

  /// Runs `imggit ARGS` and requires success; returns standard output.
  @discardableResult
  func ok(_ args: String..., stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> String
  {
    try ok(args, stdin: stdin, sourceLocation: sourceLocation)
  }

  @discardableResult
  func ok(_ args: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> String
  {
    let r = try run(binary, args, environment: ["IMGGIT_STORE": store], stdinFile: stdin)
    #expect(
      r.status == 0, "imggit \(args.joined(separator: " ")) failed: \(r.stderr)",
      sourceLocation: sourceLocation)
    // Every image a command that writes left behind must be valid, checked without imggit.
    if r.status == 0, let command = args.first, CLI.writing.contains(command) {
      #expect(
        throws: Never.self, "after imggit \(args.joined(separator: " "))", sourceLocation: sourceLocation
      ) {
        try validateStore(store)
      }
    }
    return r.stdout
  }

  /// Commands that make or move images.
  static let writing: Set<String> = ["import", "commit", "merge", "rebase", "tag", "reset", "pull"]

  /// A new store holding these images of the fixture, and the fixture's path.
  static func withImages(_ tags: [String]) throws -> (CLI, String) {
    let cli = try CLI()
    let fx = try cli.fixture()
    for t in tags { try cli.ok("import", "oci:\(fx):\(t)") }
    return (cli, fx)
  }

  /// Commits about 4 MiB of text that compresses onto `image` as `tag`, so that a squash of it
  /// spans several of the gzip compressors' 1 MiB chunks and readers meet their joins.
  func commitBigText(onto image: String, as tag: String) throws {
    let dir = tmp.sub("big-text-\(tag.replacingOccurrences(of: ":", with: "-"))")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let text = (0..<200_000).map { "line \($0): \($0 &* 7919 % 104_729)\n" }.joined()
    try text.write(toFile: dir + "/big.log", atomically: false, encoding: .utf8)
    try ok("commit", image, "--add", "\(dir):/var/log/big", "-m", "big log", "-t", tag)
  }

  /// Builds the umoci fixture layout (base:1, app:1, tool:1, snap:app-N) and returns its path.
  func fixture() throws -> String {
    try #require(which("umoci") != nil, "umoci is needed (apt-get install umoci)")
    let layout = tmp.sub("fixture")
    let r = try run("/bin/bash", [CLI.packageRoot + "/Tests/Fixtures/make-images.sh", layout])
    try #require(r.status == 0, "make-images.sh failed: \(r.stderr)")
    return layout
  }

  /// Runs an external tool (umoci, skopeo) and requires success.
  @discardableResult
  func tool(_ name: String, _ args: String...) throws -> String { try tool(name, args) }

  @discardableResult
  func tool(_ name: String, _ args: [String]) throws -> String {
    let path = try #require(which(name), "\(name) is needed (apt-get install \(name))")
    let r = try run(path, args)
    try #require(r.status == 0, "\(name) \(args.joined(separator: " ")) failed: \(r.stderr)")
    return r.stdout
  }

  /// The top layer of `tag` was indexed as it was written (by a squash or a commit), and that
  /// index is byte for byte the one a later command builds by reading the layer.
  func expectTopLayerIndexedAsWritten(_ tag: String, sourceLocation: SourceLocation = #_sourceLocation) throws
  {
    let blob = { (digest: String) in
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(store)/blobs/sha256/\(digest.dropFirst(7))")))
        as? [String: Any]
    }
    let tags = try JSONSerialization.jsonObject(with: Data(ok("tag", "--json").utf8)) as? [[String: Any]]
    let manifest = try #require(tags?.first { $0["name"] as? String == tag }?["manifest"] as? String)
    let config = try #require((try blob(manifest)?["config"] as? [String: Any])?["digest"] as? String)
    let diffID = try #require(
      ((try blob(config)?["rootfs"] as? [String: Any])?["diff_ids"] as? [String])?.last)
    let cached = "\(store)/.imggit/cache/layers/\(diffID.dropFirst(7)).idx"
    let written = try #require(
      FileManager.default.contents(atPath: cached), "\(tag): its layer was not indexed as it was written",
      sourceLocation: sourceLocation)
    try FileManager.default.removeItem(atPath: cached)
    try ok("show", tag)
    let read = try #require(FileManager.default.contents(atPath: cached), sourceLocation: sourceLocation)
    #expect(
      written == read, "\(tag): the index made while writing differs from one made by reading",
      sourceLocation: sourceLocation)
  }

  static let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The `imggit` built beside this test bundle (SwiftPM puts products in one folder).
  static func findBinary() throws -> String {
    if let b = ProcessInfo.processInfo.environment["IMGGIT_BIN"] { return b }
    var candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "imggit"
      ).path
    ]
    for arg in CommandLine.arguments where arg.contains(".xctest") {
      var u = URL(fileURLWithPath: arg)
      while u.path != "/" && !u.path.hasSuffix(".xctest") { u.deleteLastPathComponent() }
      candidates.append(u.deletingLastPathComponent().appendingPathComponent("imggit").path)
    }
    candidates.append(packageRoot + "/.build/debug/imggit")
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw CLIError("imggit binary not found in \(candidates)")
    }
    return found
  }
}

struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}

/// Text with the 12-digit commit ids replaced, to compare shapes.
func withoutIDs(_ s: String) -> String {
  s.replacingOccurrences(of: "[0-9a-f]{12}", with: "ID", options: .regularExpression)
}
