import Foundation
import ImageModel
import ImageStore
import RegistryFormats

/// A user name and password (or token) for one registry.
public struct Credentials: Sendable, Hashable {
  public let username: String
  public let password: String

  public init(username: String, password: String) {
    self.username = username
    self.password = password
  }

  /// `USER:PASS`, as `--creds` takes it.
  ///
  /// - Throws: ``RegistryError/malformedCredentials(reason:)``, which never repeats the value:
  ///   it holds a secret.
  public init(parsing s: String) throws {
    guard let colon = s.firstIndex(of: ":") else {
      throw RegistryError.malformedCredentials(reason: "there is no colon")
    }
    guard colon != s.startIndex else {
      throw RegistryError.malformedCredentials(reason: "the user name before the colon is empty")
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

  /// The file's bytes; a missing file is empty.
  private func read(_ file: String) throws -> Data {
    guard FileManager.default.fileExists(atPath: file) else { return Data() }
    do { return try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
      throw RegistryError.credentialsFile(path: path, reason: "cannot be read")
    }
  }

  /// Docker Hub is stored under its historical key.
  static func keys(for registry: String) -> [String] {
    registry == "docker.io"
      ? ["https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io"]
      : [registry, "https://\(registry)", "http://\(registry)"]
  }

  public func credentials(for registry: String) throws -> Credentials? {
    let data = try read(path)
    do {
      let found = try AuthDocument.credentials(in: data, keys: AuthFile.keys(for: registry))
      return found.map { Credentials(username: $0.0, password: $0.1) }
    } catch {
      throw RegistryError.credentialsFile(path: path, reason: error.reason)
    }
  }

  /// Stores `credentials` for `registry` (nil removes them); returns whether anything changed.
  ///
  /// Only that registry's entry changes: every other key of the file keeps its bytes (a
  /// number its digits), the file stays readable by its owner only, a symlinked file is
  /// written through its link, and two logins at once take turns on a lock of the file, so
  /// neither loses the other's entry.
  ///
  /// - Throws: ``RegistryError/credentialsFile(path:reason:)`` when the file is not JSON,
  ///   its `auths` is not an object, or it cannot be written.
  @discardableResult
  public func store(_ credentials: Credentials?, for registry: String) throws -> Bool {
    let target = AuthFile.followingLinks(path)
    // Nothing to remove from a file that is not there; and no empty file is left behind,
    // which Docker and podman could not read.
    let existed = FileManager.default.fileExists(atPath: target)
    if !existed && credentials == nil { return false }
    let dir = (target as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(
        atPath: dir.isEmpty ? "." : dir, withIntermediateDirectories: true)
    } catch {
      throw RegistryError.credentialsFile(path: path, reason: "its folder cannot be made: \(error)")
    }
    let lock = try AuthFile.lock(target, path: path)
    var written = false
    defer {
      if !existed && !written { try? FileManager.default.removeItem(atPath: target) }
      withExtendedLifetime(lock) {}
    }
    let current = try read(target)
    let edited: Data?
    do {
      edited = try AuthDocument.editing(
        current, keys: AuthFile.keys(for: registry), auth: credentials?.encoded)
    } catch {
      throw RegistryError.credentialsFile(path: path, reason: error.reason)
    }
    guard let edited else { return false }
    // Credentials: readable by the owner only, replaced whole (fsynced, renamed).
    do { try AtomicFile.write(edited, to: target, mode: 0o600) } catch {
      throw RegistryError.credentialsFile(path: path, reason: "cannot be written: \(error)")
    }
    written = true
    return true
  }

  /// The file a path leads to through its symlinks (the path itself when it is none).
  static func followingLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
      current =
        target.hasPrefix("/")
        ? target
        : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
    }
    return current
  }

  /// The lock of the file itself, held while it is read, edited and replaced; a waiter that
  /// finds the file replaced meanwhile locks the new one.
  static func lock(_ target: String, path: String) throws -> FileLock {
    for _ in 0..<100 {
      let lock: FileLock
      do { lock = try FileLock(path: target, mode: 0o600) } catch {
        throw RegistryError.credentialsFile(path: path, reason: "cannot be locked: \(error)")
      }
      if lock.holds(target) { return lock }
    }
    throw RegistryError.credentialsFile(path: path, reason: "keeps being replaced while imggit waits for it")
  }
}
