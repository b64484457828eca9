import Foundation
import ImageModel
import TestSupport
import Testing

/// A scripted registry (Tests/Fixtures/hostile-registry.py) on a loopback address: it answers
/// what the test tells it to, lies where told, and logs every request with its headers, so a
/// test can say where each `Authorization` went. Stopped when the value goes away.
final class HostileRegistry {
  let host: String
  let port: Int
  private let folder: String
  private var process: Process?
  private(set) var routes: [[String: Any]] = []

  /// `host:port`, as imggit is given it.
  var address: String { "\(host):\(port)" }

  init(tmp: TempDirectory, host: String = "127.0.0.1") throws {
    self.host = host
    folder = tmp.sub("hostile-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    port = TestRegistry.freePort()
    try write()
    _ = FileManager.default.createFile(atPath: logFile, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = [
      CLI.packageRoot + "/Tests/Fixtures/hostile-registry.py", host, "\(port)", scenarioFile, logFile,
    ]
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try p.run()
    process = p
    try TestRegistry.waitForPort(port, host: host)
  }

  deinit {
    if let p = process, p.isRunning { kill(p.processIdentifier, SIGKILL) }
    process?.waitUntilExit()
  }

  private var scenarioFile: String { "\(folder)/scenario.json" }
  private var logFile: String { "\(folder)/requests.jsonl" }

  private func write() throws {
    let data = try JSONSerialization.data(withJSONObject: ["routes": routes])
    try data.write(to: URL(fileURLWithPath: scenarioFile), options: .atomic)
  }

  /// Answers with `route` (see hostile-registry.py) before every route added earlier.
  func add(_ route: [String: Any]) throws {
    routes.insert(route, at: 0)
    try write()
  }

  /// Forgets every route.
  func reset() throws {
    routes = []
    try write()
  }

  /// Serves `tag` of the OCI layout `layout` as `repository:reference`: its manifest (or
  /// index, with every manifest it lists), config and blobs, as a plain registry would.
  /// `auth` is the Authorization every route needs (with `challenge` as the 401's
  /// WWW-Authenticate).
  func serve(
    layout: String, tag: String, as repository: String, reference: String, auth: String? = nil,
    challenge: String? = nil
  ) throws {
    var todo = [try HostileRegistry.entry(of: tag, in: layout)]
    var first = true
    while let d = todo.popLast() {
      let digest = try #require(d["digest"] as? String)
      let type = try #require(d["mediaType"] as? String)
      let bytes = try Data(contentsOf: URL(fileURLWithPath: HostileRegistry.blobPath(layout, digest)))
      var names = [digest]
      if first { names.append(reference) }
      first = false
      for name in names {
        var route: [String: Any] = [
          "path": "/v2/\(repository)/manifests/\(name)", "headers": ["Content-Type": type],
          "body_b64": bytes.base64EncodedString(),
        ]
        if let auth { route["auth"] = auth }
        if let challenge { route["challenge"] = challenge }
        try add(route)
      }
      let json = try HostileRegistry.json(bytes)
      todo += (json["manifests"] as? [[String: Any]]) ?? []
      var blobs = (json["layers"] as? [[String: Any]]) ?? []
      if let config = json["config"] as? [String: Any] { blobs.append(config) }
      for blob in blobs {
        let digest = try #require(blob["digest"] as? String)
        let path = HostileRegistry.blobPath(layout, digest)
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        try serveBlob(data, digest: digest, repository: repository, auth: auth, challenge: challenge)
      }
    }
  }

  /// Serves `data` as blob `digest` of `repository`.
  func serveBlob(
    _ data: Data, digest: String? = nil, repository: String, auth: String? = nil, challenge: String? = nil
  ) throws {
    var route: [String: Any] = [
      "path": "/v2/\(repository)/blobs/\(digest ?? Digest(of: data).description)",
      "body_b64": data.base64EncodedString(),
    ]
    if let auth { route["auth"] = auth }
    if let challenge { route["challenge"] = challenge }
    try add(route)
  }

  /// Serves `data` as the manifest `reference` of `repository` (and by its digest).
  func serveManifest(_ data: Data, type: String, repository: String, reference: String) throws {
    for name in [Digest(of: data).description, reference] {
      try add([
        "path": "/v2/\(repository)/manifests/\(name)", "headers": ["Content-Type": type],
        "body_b64": data.base64EncodedString(),
      ])
    }
  }

  /// One request the registry saw.
  struct Request {
    let server: String
    let method: String
    let path: String
    let headers: [String: String]
    var authorization: String? {
      headers.first { $0.key.lowercased() == "authorization" }?.value
    }
  }

  /// Every request seen so far, oldest first.
  func requests() throws -> [Request] {
    try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n").map {
      let o = try HostileRegistry.json(Data($0.utf8))
      return Request(
        server: o["server"] as? String ?? "", method: o["method"] as? String ?? "",
        path: o["path"] as? String ?? "", headers: o["headers"] as? [String: String] ?? [:])
    }
  }

  /// The `index.json` entry of `tag` in the OCI layout `layout`.
  static func entry(of tag: String, in layout: String) throws -> [String: Any] {
    let index = try json(try Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
    return try #require(
      (index["manifests"] as? [[String: Any]])?.first {
        ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == tag
      })
  }

  /// The bytes of the manifest `tag` names in the OCI layout `layout`.
  static func manifest(of tag: String, in layout: String) throws -> Data {
    let digest = try #require(try entry(of: tag, in: layout)["digest"] as? String)
    return try Data(contentsOf: URL(fileURLWithPath: blobPath(layout, digest)))
  }

  static func blobPath(_ layout: String, _ digest: String) -> String {
    layout + "/blobs/" + digest.replacingOccurrences(of: ":", with: "/")
  }

  static func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// `Basic base64(user:pass)`.
  static func basic(_ user: String, _ password: String) -> String {
    "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
  }
}
