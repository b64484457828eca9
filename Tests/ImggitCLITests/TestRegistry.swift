import Foundation
import TestSupport
import Testing

/// A real distribution registry (Debian's `docker-registry`) on 127.0.0.1, its storage in the
/// test's temp folder, stopped when the value goes away. With a fault proxy in front, tests
/// can break and count requests (Tests/Fixtures/registry-helpers.py).
final class TestRegistry {
  enum Auth {
    case none
    /// htpasswd basic auth for one user.
    case basic(user: String, password: String)
    /// `auth: token:` with a token service the test runs, which takes this user.
    case token(user: String, password: String)
  }

  let port: Int
  let folder: String
  private var processes: [Process] = []
  /// The proxy's port, when there is one: what imggit is pointed at.
  private(set) var proxyPort: Int?

  /// `host:port` to give imggit: the proxy when there is one, else the registry.
  var address: String { "127.0.0.1:\(proxyPort ?? port)" }
  /// `host:port` of the registry itself, for skopeo.
  var direct: String { "127.0.0.1:\(port)" }

  static var available: Bool { which("docker-registry") != nil }

  init(tmp: TempDirectory, auth: Auth = .none, proxy: Bool = false) throws {
    folder = tmp.sub("registry-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    port = TestRegistry.freePort()
    var authYAML = ""
    switch auth {
    case .none: break
    case .basic(let user, let password):
      let r = try run("/usr/bin/htpasswd", ["-Bbn", user, password])
      try #require(r.status == 0, "htpasswd: \(r.stderr)")
      try r.stdout.write(toFile: "\(folder)/htpasswd", atomically: true, encoding: .utf8)
      authYAML = "auth:\n  htpasswd:\n    realm: imggit-test\n    path: \(folder)/htpasswd\n"
    case .token(let user, let password):
      let tokenPort = TestRegistry.freePort()
      let key = "\(folder)/token.key"
      let cert = "\(folder)/token.crt"
      let r = try run(
        "/usr/bin/openssl",
        [
          "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
          "-subj", "/CN=imggit-test-issuer",
        ])
      try #require(r.status == 0, "openssl: \(r.stderr)")
      try start(
        "/usr/bin/python3", [TestRegistry.helpers, "token-issuer", "\(tokenPort)", key, cert, user, password])
      try TestRegistry.waitForPort(tokenPort)
      authYAML = """
        auth:
          token:
            realm: http://127.0.0.1:\(tokenPort)/token
            service: imggit-test-registry
            issuer: imggit-test-issuer
            rootcertbundle: \(cert)

        """
    }
    let config = """
      version: 0.1
      log:
        level: info
        accesslog:
          disabled: false
      storage:
        filesystem:
          rootdirectory: \(folder)/data
        delete:
          enabled: true
      http:
        addr: 127.0.0.1:\(port)
      \(authYAML)
      """
    try config.write(toFile: "\(folder)/config.yml", atomically: true, encoding: .utf8)
    try start(
      try #require(which("docker-registry")), ["serve", "\(folder)/config.yml"], log: "\(folder)/registry.log"
    )
    try TestRegistry.waitForPort(port)
    if proxy {
      let p = TestRegistry.freePort()
      try "{}".write(toFile: controlFile, atomically: true, encoding: .utf8)
      _ = FileManager.default.createFile(atPath: requestLog, contents: nil)
      try start(
        "/usr/bin/python3", [TestRegistry.helpers, "fault-proxy", "\(p)", "\(port)", controlFile, requestLog])
      try TestRegistry.waitForPort(p)
      proxyPort = p
    }
  }

  deinit {
    // SIGKILL: the registry drains connections on SIGTERM, and nothing here needs a clean end.
    for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
    for p in processes { p.waitUntilExit() }
  }

  var controlFile: String { "\(folder)/faults.json" }
  var requestLog: String { "\(folder)/requests.log" }

  /// Sets the faults the proxy injects from now on (see registry-helpers.py).
  func inject(_ faults: [[String: Any]]) throws {
    let data = try JSONSerialization.data(withJSONObject: ["faults": faults])
    try data.write(to: URL(fileURLWithPath: controlFile))
  }

  /// The requests the proxy has seen: `METHOD PATH STATUS BYTES`.
  func requests() throws -> [(method: String, path: String, status: Int, bytes: Int64)] {
    try String(contentsOfFile: requestLog, encoding: .utf8).split(separator: "\n").map {
      let f = $0.split(separator: " ")
      return (String(f[0]), String(f[1]), Int(f[2]) ?? 0, Int64(f[3]) ?? 0)
    }
  }

  /// Forgets the requests seen so far.
  func clearRequests() throws { try "".write(toFile: requestLog, atomically: true, encoding: .utf8) }

  private func start(_ executable: String, _ args: [String], log: String? = nil) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    let out = log ?? "\(folder)/\(URL(fileURLWithPath: executable).lastPathComponent)-\(processes.count).log"
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    p.standardOutput = handle
    p.standardError = handle
    p.standardInput = FileHandle.nullDevice
    try p.run()
    processes.append(p)
  }

  static let helpers = CLI.packageRoot + "/Tests/Fixtures/registry-helpers.py"

  /// A port nothing listens on now (the kernel picks it).
  static func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
    }
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
  }

  /// Waits until something accepts connections on `host:port` (at most 10 s).
  static func waitForPort(_ port: Int, host: String = "127.0.0.1") throws {
    for _ in 0..<200 {
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var addr = sockaddr_in()
      addr.sin_family = sa_family_t(AF_INET)
      addr.sin_addr.s_addr = inet_addr(host)
      addr.sin_port = in_port_t(UInt16(port).bigEndian)
      let r = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      close(fd)
      if r == 0 { return }
      usleep(50_000)
    }
    throw CLIError("nothing listens on \(host):\(port)")
  }
}
