import Foundation
import ImageModel
import ImageStore

/// A user name and password (or token) for one registry.
public struct Credentials: Sendable, Hashable {
  public let username: String
  public let password: String

  public init(username: String, password: String) {
    self.username = username
    self.password = password
  }

  /// `USER:PASS`, as `--creds` takes it.
  public init(parsing s: String) throws {
    guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else {
      throw ModelError.invalidReference(s, reason: "credentials are written USER:PASSWORD")
    }
    self.init(username: String(s[..<colon]), password: String(s[s.index(after: colon)...]))
  }

  /// The `auth` field of an auth file: base64 of `user:password`.
  var encoded: String { Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// The auth files Docker, podman and skopeo read and write: `{"auths": {"HOST": {"auth":
/// base64(user:password)}}}`. imggit reads, in order, `$REGISTRY_AUTH_FILE`,
/// `$XDG_RUNTIME_DIR/containers/auth.json` and `~/.docker/config.json`, and `login` writes the
/// first of them that applies (as podman does), keeping every other key of the file.
public struct AuthFile: Sendable {
  public let path: String

  public init(path: String) { self.path = path }

  /// The files read for credentials, first match wins.
  public static func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> [AuthFile]
  {
    var paths: [String] = []
    if let p = environment["REGISTRY_AUTH_FILE"], !p.isEmpty { paths.append(p) }
    if let r = environment["XDG_RUNTIME_DIR"], !r.isEmpty { paths.append("\(r)/containers/auth.json") }
    if let h = environment["HOME"], !h.isEmpty { paths.append("\(h)/.docker/config.json") }
    return paths.map(AuthFile.init)
  }

  /// The file `login` writes: `$REGISTRY_AUTH_FILE`, else podman's, else Docker's.
  public static func forWriting(environment: [String: String] = ProcessInfo.processInfo.environment)
    throws -> AuthFile
  {
    guard let first = searchPath(environment: environment).first else {
      throw RegistryError.credentialsFile(path: "~/.docker/config.json", reason: "HOME is not set")
    }
    return first
  }

  /// The credentials stored for `registry` in the first file that has them.
  public static func lookup(
    _ registry: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> Credentials? {
    for file in searchPath(environment: environment) {
      if let c = try file.credentials(for: registry) { return c }
    }
    return nil
  }

  private func read() throws -> [String: JSONValue] {
    guard FileManager.default.fileExists(atPath: path) else { return [:] }
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw RegistryError.credentialsFile(path: path, reason: "cannot be read")
    }
    if data.isEmpty { return [:] }
    guard let o = try? JSONDecoder().decode([String: JSONValue].self, from: data) else {
      throw RegistryError.credentialsFile(path: path, reason: "is not a JSON object")
    }
    return o
  }

  /// Docker Hub is stored under its historical key.
  static func keys(for registry: String) -> [String] {
    registry == "docker.io"
      ? ["https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io"]
      : [registry, "https://\(registry)", "http://\(registry)"]
  }

  public func credentials(for registry: String) throws -> Credentials? {
    guard case .object(let auths)? = try read()["auths"] else { return nil }
    for key in AuthFile.keys(for: registry) {
      guard case .object(let entry)? = auths[key] else { continue }
      if case .string(let auth)? = entry["auth"], let data = Data(base64Encoded: auth),
        let text = String(data: data, encoding: .utf8), let c = try? Credentials(parsing: text)
      {
        return c
      }
      if case .string(let user)? = entry["username"], case .string(let pass)? = entry["password"] {
        return Credentials(username: user, password: pass)
      }
    }
    return nil
  }

  /// Stores `credentials` for `registry` (nil removes them); returns whether anything changed.
  @discardableResult
  public func store(_ credentials: Credentials?, for registry: String) throws -> Bool {
    var root = try read()
    var auths: [String: JSONValue] = [:]
    if case .object(let a)? = root["auths"] { auths = a }
    let before = auths
    for key in AuthFile.keys(for: registry).dropFirst() { auths[key] = nil }
    if let credentials {
      auths[AuthFile.keys(for: registry)[0]] = .object(["auth": .string(credentials.encoded)])
    } else {
      auths[AuthFile.keys(for: registry)[0]] = nil
    }
    guard auths != before else { return false }
    root["auths"] = .object(auths)
    let dir = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(root)
    data.append(0x0a)
    // Credentials: readable by the owner only, replaced whole (fsynced, renamed).
    do { try AtomicFile.write(data, to: path, mode: 0o600) } catch {
      throw RegistryError.credentialsFile(path: path, reason: "cannot be written: \(error)")
    }
    return true
  }
}
