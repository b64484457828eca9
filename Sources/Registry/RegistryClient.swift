import AsyncHTTPClient
import Errors
import Foundation
import ImageModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import RegistryFormats

/// How imggit reaches registries: the options every command that talks to one takes.
public struct RegistryOptions: Sendable {
  /// Plain HTTP instead of HTTPS, for loopback and lab registries.
  public var insecure = false
  /// Registries always reached over plain HTTP (from the configuration file).
  public var insecureRegistries: Set<String> = []
  /// Credentials that win over the auth file (`--creds`), for the registry the command names
  /// and no other (see ``RegistrySession``).
  public var credentials: Credentials?
  /// Blobs moved at once (see ``jobRange``).
  public var jobs = 4
  /// A PEM file of CA certificates to trust besides the system's (`--cert`); else
  /// `/etc/containers/certs.d/HOST/ca.crt` or `/etc/docker/certs.d/HOST/ca.crt` when present.
  public var caFile: String?
  /// Tries per request before a transfer gives up.
  public var attempts = 5
  /// Seconds without a byte before a transfer counts as stalled (and is retried).
  public var readTimeout: Int64 = 60
  /// The first wait between tries, doubled each time (a `Retry-After` wins).
  public var backoff: Double = 0.5

  /// The parallel transfers a command may ask for: more would only open connections.
  public static let jobRange = 1...64

  public init() {}

  func usesPlainHTTP(_ registry: String) -> Bool { insecure || insecureRegistries.contains(registry) }
}

/// One registry host, reached over one HTTP client: requests with auth (anonymous, basic, or a
/// bearer token fetched through the `WWW-Authenticate` challenge and cached per repository and
/// action), redirects followed by hand, and the retry policy of transfers. Credentials and
/// tokens go only to the registry's own scheme, host and port: never to a redirect or an
/// upload `Location` elsewhere.
final class RegistryClient: Sendable {
  let registry: String
  let options: RegistryOptions
  private let base: String
  private let origin: Origin?
  private let http: HTTPClient
  private let credentials: Credentials?
  private let auth = AuthCache()

  /// A client of `registry` (`host[:port]`, as references name it) that answers challenges
  /// with `credentials`. Use ``RegistrySession/client(for:plainHTTP:)``, which makes one per
  /// registry and shuts them down.
  init(registry: String, plainHTTP: Bool, credentials: Credentials?, options: RegistryOptions) throws {
    self.registry = registry
    self.options = options
    self.credentials = credentials
    base = "\(plainHTTP ? "http" : "https")://\(ImageReference.apiHost(of: registry))"
    origin = Origin(base)
    var tls = TLSConfiguration.makeClientConfiguration()
    let candidates = [
      options.caFile, "/etc/containers/certs.d/\(registry)/ca.crt", "/etc/docker/certs.d/\(registry)/ca.crt",
    ]
    if let ca = candidates.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
      do {
        tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(ca))]
      } catch {
        throw RegistryError.transport(
          registry: registry, what: "reading CA certificates \(ca)", underlying: error)
      }
    }
    let configuration = HTTPClient.Configuration(
      tlsConfiguration: tls, redirectConfiguration: .disallow,
      timeout: .init(connect: .seconds(5), read: .seconds(options.readTimeout)), decompression: .disabled)
    http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  /// Closes the client's connections.
  func shutdown() { try? http.syncShutdown() }

  func url(_ repository: String, _ path: String) -> String { "\(base)/v2/\(repository)/\(path)" }

  /// The API root, `/v2/`, which answers whether the client may talk to the registry.
  var apiRoot: String { "\(base)/v2/" }

  /// Resolves a `Location` header against the registry (it may be relative).
  func resolve(_ location: String) -> String {
    if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
    if location.hasPrefix("/") { return base + location }
    return "\(base)/\(location)"
  }

  // MARK: - Requests

  /// Sends one request with the right credentials for `repository` and `actions`, answering
  /// one auth challenge and following up to five redirects. A request that carries a body
  /// should come after another to the same scope, so auth is settled first; a body that can
  /// be read only `once` (bytes streamed from another registry) is never sent twice: a
  /// challenge or redirect then fails the try, and the caller starts over.
  func send(
    _ method: HTTPMethod, _ url: String, repository: String?, actions: String = "pull",
    alsoPulling other: String? = nil, headers: HTTPHeaders = [:], body: HTTPClientRequest.Body? = nil,
    once: Bool = false, what: String
  ) async throws -> HTTPClientResponse {
    // A cross-repository mount needs a token that may read the repository it mounts from.
    let scope = repository.map {
      "repository:\($0):\(actions)" + (other.map { " repository:\($0):pull" } ?? "")
    }
    var target = url
    var challenged = false
    for _ in 0..<6 {
      // Another scheme, host or port (a redirect to blob storage, an upload Location
      // elsewhere) is not the registry: it gets no credentials and no challenge is answered.
      let sameHost = origin != nil && Origin(target) == origin
      var request = HTTPClientRequest(url: target)
      request.method = method
      request.headers = headers
      request.headers.remove(name: "Authorization")
      let sent = sameHost ? await auth.header(for: scope) : nil
      if let sent { request.headers.replaceOrAdd(name: "Authorization", value: sent) }
      request.body = body
      let response: HTTPClientResponse
      do {
        response = try await http.execute(request, timeout: .hours(6))
      } catch {
        throw RegistryError.transport(registry: registry, what: what, underlying: error)
      }
      let code = Int(response.status.code)
      if once, code == 401 || [301, 302, 303, 307, 308].contains(code) {
        await discard(response)
        throw TransferError(description: "the registry answered \(code) to a body that cannot be sent again")
      }
      if code == 401, sameHost, !challenged {
        let challenge = response.headers.first(name: "WWW-Authenticate") ?? ""
        await discard(response)
        // Another request of this client earned credentials meanwhile: try with those.
        if await auth.header(for: scope) != sent { continue }
        challenged = true
        try await authenticate(challenge, scope: scope, repository: repository)
        continue
      }
      if [301, 302, 303, 307, 308].contains(code), let location = response.headers.first(name: "Location") {
        await discard(response)
        target = resolve(location)
        continue
      }
      return response
    }
    throw RegistryError.badResponse(registry: registry, what: what, reason: "too many redirects")
  }

  /// Answers a `WWW-Authenticate` challenge: Basic takes the credentials as they are; Bearer
  /// asks the token service named in the challenge for a token of `scope`.
  private func authenticate(_ challenge: String, scope: String?, repository: String?) async throws {
    let chosen = Challenge.preferred(challenge)
    let (kind, params) = (chosen?.scheme ?? "", chosen?.parameters ?? [:])
    switch kind {
    case "basic":
      guard let credentials else {
        throw RegistryError.denied(
          registry: registry, repository: repository, status: 401, message: "no credentials for \(registry)")
      }
      await auth.setBasic("Basic \(credentials.encoded)")
    case "bearer":
      guard let realm = params["realm"], var components = URLComponents(string: realm) else {
        throw RegistryError.badResponse(
          registry: registry, what: "auth challenge", reason: "a Bearer challenge without a realm")
      }
      // The credentials go to the token service, often another host, as Docker sends them;
      // never in clear text when the registry itself is reached over TLS.
      let realmScheme = components.scheme?.lowercased()
      guard realmScheme == "https" || (realmScheme == "http" && origin?.scheme == "http") else {
        throw RegistryError.badResponse(
          registry: registry, what: "auth challenge",
          reason: "the token service \(realm) is not reached over HTTPS; no credentials were sent")
      }
      var query = components.queryItems ?? []
      if let service = params["service"] { query.append(URLQueryItem(name: "service", value: service)) }
      // Several scopes are several `scope` parameters, as Docker's token specification has it.
      for one in (scope ?? params["scope"] ?? "").split(separator: " ") {
        query.append(URLQueryItem(name: "scope", value: String(one)))
      }
      components.queryItems = query
      guard let tokenURL = components.url?.absoluteString else {
        throw RegistryError.badResponse(
          registry: registry, what: "auth challenge", reason: "bad realm \(realm)")
      }
      var tokenRequest = HTTPClientRequest(url: tokenURL)
      if let credentials {
        tokenRequest.headers.add(name: "Authorization", value: "Basic \(credentials.encoded)")
      }
      let request = tokenRequest
      // Requests that meet the challenge at once (parallel blobs) share one token request.
      try await auth.earn(scope) {
        try await self.token(request, realm: realm, scope: scope, repository: repository)
      }
    default:
      throw RegistryError.denied(
        registry: registry, repository: repository, status: 401, message: "unsupported auth \"\(kind)\"")
    }
  }

  /// Asks a token service for a token: the `Bearer …` header value.
  private func token(_ request: HTTPClientRequest, realm: String, scope: String?, repository: String?)
    async throws -> String
  {
    let what = "token from \(realm)"
    let body = try await withDeadline(what) {
      let response: HTTPClientResponse
      do {
        response = try await self.http.execute(request, timeout: .seconds(self.options.readTimeout))
      } catch {
        throw RegistryError.transport(registry: self.registry, what: what, underlying: error)
      }
      let body = try await self.collect(response, limit: 1 << 20, what: what)
      guard response.status.code == 200 else {
        throw RegistryError.denied(
          registry: self.registry, repository: repository, status: Int(response.status.code),
          message: "the token service \(realm) refused: \(String(buffer: body).prefix(200))")
      }
      return body
    }
    guard
      let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: body)),
      let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue
    else {
      throw RegistryError.badResponse(
        registry: registry, what: "token from \(realm)", reason: "no token in the answer")
    }
    return "Bearer \(token)"
  }

  /// A failed response as an error: 401/403 as denied, the rest with the registry's message.
  func failure(_ response: HTTPClientResponse, repository: String?, what: String) async -> RegistryError {
    let body =
      (try? await withDeadline(what) { try await self.collect(response, limit: 1 << 16, what: what) })
      .map { String(buffer: $0) } ?? ""
    let message = ErrorBody.message(body)
    let code = Int(response.status.code)
    if code == 401 || code == 403 {
      return .denied(registry: registry, repository: repository, status: code, message: message)
    }
    return .status(registry: registry, repository: repository, what: what, status: code, message: message)
  }

  /// Whether a failed try is worth another: the connection broke, the registry is busy or
  /// failing (5xx, 429, 408), or the body stopped short.
  static func isRetryable(_ error: any Error) -> Bool {
    switch error {
    case RegistryError.transport(_, _, let underlying): return !RegistryError.isConnectFailure(underlying)
    case RegistryError.status(_, _, _, let status, _): return status >= 500 || status == 429 || status == 408
    case is TransferError: return true
    default: return false
    }
  }

  /// How long to wait before try `attempt` (1-based): `Retry-After` seconds when the registry
  /// sent them (at most a minute), else the backoff doubled per try (at most 8 s).
  func delay(attempt: Int, retryAfter: String?) -> Double {
    if let seconds = retryAfter.flatMap({ RetryAfter.seconds($0) }) { return min(seconds, 60) }
    return min(options.backoff * pow(2, Double(min(attempt, 16) - 1)), 8)
  }

  /// Reads a whole response body of at most `limit` bytes (a manifest, a token, an error):
  /// a larger one is refused, and a body that breaks off is a retryable failure, each named.
  func collect(_ response: HTTPClientResponse, limit: Int, what: String) async throws -> ByteBuffer {
    if let length = response.headers.first(name: "Content-Length").flatMap(Int64.init), length > limit {
      throw RegistryError.badResponse(
        registry: registry, what: what, reason: "the body is \(length) bytes, more than the \(limit) accepted"
      )
    }
    do {
      return try await response.body.collect(upTo: limit)
    } catch is NIOTooManyBytesError {
      throw RegistryError.badResponse(
        registry: registry, what: what, reason: "the body is more than the \(limit) bytes accepted")
    } catch let error as RegistryError {
      throw error
    } catch {
      throw TransferError(description: "the body broke off: \(RegistryError.describe(error))")
    }
  }

  /// Reads and drops a body nobody needs (a 401's, a redirect's), so the connection can be
  /// used again; a body that does not come within the deadline is left.
  func discard(_ response: HTTPClientResponse) async {
    _ = try? await withDeadline("") { try await self.collect(response, limit: 1 << 16, what: "") }
  }

  /// Runs `body`, a request for a small document (a manifest, a token, an error), which must
  /// be done within ``RegistryOptions/readTimeout``: a registry that sends one byte at a time
  /// never trips the read timeout, and would hold the command for as long as it likes.
  func withDeadline<T: Sendable>(
    _ what: String, size: Int64 = 0, _ body: @escaping @Sendable () async throws -> T
  ) async throws -> T {
    // A larger document (a config, an SBOM) gets a second more for every 64 KiB.
    let seconds = min(max(options.readTimeout, 1), 86_400) + min(max(size, 0) >> 16, 86_400)
    return try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask { try await body() }
      group.addTask {
        try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
        return nil
      }
      defer { group.cancelAll() }
      guard let first = try await group.next(), let result = first else {
        throw RegistryError.badResponse(
          registry: registry, what: what, reason: "it did not arrive whole within \(seconds) seconds")
      }
      return result
    }
  }
}

/// The scheme, host and port of a URL: what decides whether a request goes to the registry.
struct Origin: Equatable {
  let scheme: String
  let host: String
  let port: Int

  init?(_ url: String) {
    guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host else {
      return nil
    }
    self.scheme = scheme
    self.host = host.lowercased()
    port = c.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
  }
}

/// A transfer that broke off in a way a retry can mend (a body cut short, too long, or that
/// did not verify); carries the `Retry-After` of a busy registry, and the error it came from.
struct TransferError: ImggitError {
  let description: String
  var retryAfter: String?
  var cause: (any Error)? { underlying }
  var underlying: (any Error & Sendable)?

  init(description: String, retryAfter: String? = nil, cause: (any Error & Sendable)? = nil) {
    self.description = description
    self.retryAfter = retryAfter
    underlying = cause
  }
}

/// The tokens and basic credentials one client has earned, by scope.
private actor AuthCache {
  private var basic: String?
  private var bearer: [String: String] = [:]
  private var anyBearer: String?

  func header(for scope: String?) -> String? {
    if let scope, let t = bearer[scope] { return t }
    return basic ?? (scope == nil ? anyBearer : nil)
  }
  func setBasic(_ value: String) { basic = value }
  func setBearer(_ value: String, for scope: String?) {
    if let scope { bearer[scope] = value } else { anyBearer = value }
  }

  private var earning: [String: Task<String, any Error>] = [:]

  /// Runs `fetch` for a token of `scope` and keeps what it returns; callers that come while
  /// it runs wait for the same answer instead of asking again.
  func earn(_ scope: String?, _ fetch: @escaping @Sendable () async throws -> String) async throws {
    let key = scope ?? ""
    // Every waiter keeps the answer itself: the one that started the request may resume last.
    if let running = earning[key] {
      setBearer(try await running.value, for: scope)
      return
    }
    let task = Task { try await fetch() }
    earning[key] = task
    defer { earning[key] = nil }
    setBearer(try await task.value, for: scope)
  }
}
