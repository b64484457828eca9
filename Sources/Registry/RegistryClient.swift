import AsyncHTTPClient
import Foundation
import ImageModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// How imggit reaches registries: the options every command that talks to one takes.
public struct RegistryOptions: Sendable {
  /// Plain HTTP instead of HTTPS, for loopback and lab registries.
  public var insecure = false
  /// Registries always reached over plain HTTP (from the configuration file).
  public var insecureRegistries: Set<String> = []
  /// Credentials that win over any auth file (`--creds`).
  public var credentials: Credentials?
  /// Blobs moved at once.
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

  public init() {}

  func usesPlainHTTP(_ registry: String) -> Bool { insecure || insecureRegistries.contains(registry) }
}

/// One registry host, reached over one HTTP client: requests with auth (anonymous, basic, or a
/// bearer token fetched through the `WWW-Authenticate` challenge and cached per repository and
/// action), redirects followed by hand so credentials never go to another host, and the
/// retry policy of transfers.
final class RegistryClient: Sendable {
  let registry: String
  let options: RegistryOptions
  private let base: String
  private let http: HTTPClient
  private let credentials: Credentials?
  private let auth = AuthCache()

  init(registry: String, apiHost: String, options: RegistryOptions) throws {
    self.registry = registry
    self.options = options
    base = "\(options.usesPlainHTTP(registry) ? "http" : "https")://\(apiHost)"
    credentials = try options.credentials ?? AuthFile.lookup(registry)
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

  /// Runs `body` with a client for `reference`'s registry, shutting it down afterwards.
  static func with<T: Sendable>(
    _ registry: String, apiHost: String, options: RegistryOptions,
    _ body: (RegistryClient) async throws -> T
  ) async throws -> T {
    let client = try RegistryClient(registry: registry, apiHost: apiHost, options: options)
    do {
      let result = try await body(client)
      try? await client.http.shutdown()
      return result
    } catch {
      try? await client.http.shutdown()
      throw error
    }
  }

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
  /// one auth challenge and following up to five redirects. A body is sent once: a request
  /// that carries one should come after another to the same scope, so auth is settled first.
  func send(
    _ method: HTTPMethod, _ url: String, repository: String?, actions: String = "pull",
    alsoPulling other: String? = nil, headers: HTTPHeaders = [:], body: HTTPClientRequest.Body? = nil,
    what: String
  ) async throws -> HTTPClientResponse {
    // A cross-repository mount needs a token that may read the repository it mounts from.
    let scope = repository.map {
      "repository:\($0):\(actions)" + (other.map { " repository:\($0):pull" } ?? "")
    }
    var target = url
    var sameHost = true
    var challenged = false
    for _ in 0..<6 {
      var request = HTTPClientRequest(url: target)
      request.method = method
      request.headers = headers
      if sameHost, let value = await auth.header(for: scope) {
        request.headers.replaceOrAdd(name: "Authorization", value: value)
      }
      request.body = body
      let response: HTTPClientResponse
      do {
        response = try await http.execute(request, timeout: .hours(6))
      } catch {
        throw RegistryError.transport(registry: registry, what: what, underlying: error)
      }
      let code = Int(response.status.code)
      if code == 401, sameHost, !challenged {
        challenged = true
        let challenge = response.headers.first(name: "WWW-Authenticate") ?? ""
        _ = try? await response.body.collect(upTo: 1 << 16)
        try await authenticate(challenge, scope: scope, repository: repository)
        continue
      }
      if [301, 302, 303, 307, 308].contains(code), let location = response.headers.first(name: "Location") {
        _ = try? await response.body.collect(upTo: 1 << 16)
        let next = resolve(location)
        // Blob storage on another host gets no registry credentials.
        if URL(string: next)?.host != URL(string: target)?.host
          || URL(string: next)?.port != URL(string: target)?.port
        {
          sameHost = false
        }
        target = next
        continue
      }
      return response
    }
    throw RegistryError.badResponse(registry: registry, what: what, reason: "too many redirects")
  }

  /// Answers a `WWW-Authenticate` challenge: Basic takes the credentials as they are; Bearer
  /// asks the token service named in the challenge for a token of `scope`.
  private func authenticate(_ challenge: String, scope: String?, repository: String?) async throws {
    let (kind, params) = Challenge.parse(challenge)
    switch kind.lowercased() {
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
      var request = HTTPClientRequest(url: tokenURL)
      if let credentials { request.headers.add(name: "Authorization", value: "Basic \(credentials.encoded)") }
      let response: HTTPClientResponse
      do { response = try await http.execute(request, timeout: .seconds(60)) } catch {
        throw RegistryError.transport(registry: registry, what: "token from \(realm)", underlying: error)
      }
      let body = try await response.body.collect(upTo: 1 << 20)
      guard response.status.code == 200 else {
        throw RegistryError.denied(
          registry: registry, repository: repository, status: Int(response.status.code),
          message: "the token service \(realm) refused: \(String(buffer: body).prefix(200))")
      }
      guard
        let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: body)),
        let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue
      else {
        throw RegistryError.badResponse(
          registry: registry, what: "token from \(realm)", reason: "no token in the answer")
      }
      await auth.setBearer("Bearer \(token)", for: scope)
    default:
      throw RegistryError.denied(
        registry: registry, repository: repository, status: 401, message: "unsupported auth \"\(kind)\"")
    }
  }

  /// A failed response as an error: 401/403 as denied, the rest with the registry's message.
  func failure(_ response: HTTPClientResponse, repository: String?, what: String) async -> RegistryError {
    let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
    let message = Self.errorMessage(body)
    let code = Int(response.status.code)
    if code == 401 || code == 403 {
      return .denied(registry: registry, repository: repository, status: code, message: message)
    }
    return .status(registry: registry, repository: repository, what: what, status: code, message: message)
  }

  /// The distribution spec's `{"errors":[{"code":…,"message":…}]}`, in one line.
  static func errorMessage(_ body: String) -> String {
    guard let data = body.data(using: .utf8),
      let json = try? JSONDecoder().decode([String: JSONValue].self, from: data),
      let errors = json["errors"]?.arrayValue
    else { return String(body.prefix(200)).trimmingCharacters(in: .whitespacesAndNewlines) }
    return errors.compactMap { e -> String? in
      let code = e["code"]?.stringValue
      let message = e["message"]?.stringValue
      return [code, message].compactMap { $0 }.joined(separator: ": ")
    }.joined(separator: "; ")
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
    if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)) {
      return min(max(seconds, 0), 60)
    }
    return min(options.backoff * pow(2, Double(attempt - 1)), 8)
  }
}

/// A transfer that broke off in a way a retry can mend (a body cut short, too long, or that
/// did not verify); carries the `Retry-After` of a busy registry.
struct TransferError: Error, Sendable, CustomStringConvertible {
  let description: String
  var retryAfter: String?
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
}

/// `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`, as RFC 7235 writes it.
enum Challenge {
  static func parse(_ header: String) -> (String, [String: String]) {
    let trimmed = header.trimmingCharacters(in: .whitespaces)
    guard let space = trimmed.firstIndex(of: " ") else { return (trimmed, [:]) }
    let kind = String(trimmed[..<space])
    var params: [String: String] = [:]
    var rest = trimmed[trimmed.index(after: space)...]
    while !rest.isEmpty {
      rest = rest.drop { $0 == " " || $0 == "," }
      guard let eq = rest.firstIndex(of: "=") else { break }
      let key = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
      rest = rest[rest.index(after: eq)...]
      var value = ""
      if rest.first == "\"" {
        rest = rest.dropFirst()
        while let c = rest.first {
          rest = rest.dropFirst()
          if c == "\\", let n = rest.first {
            value.append(n)
            rest = rest.dropFirst()
          } else if c == "\"" {
            break
          } else {
            value.append(c)
          }
        }
      } else {
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        value = rest[..<end].trimmingCharacters(in: .whitespaces)
        rest = rest[end...]
      }
      params[key] = value
    }
    return (kind, params)
  }
}
