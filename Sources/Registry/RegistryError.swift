import AsyncHTTPClient
import Errors
import Foundation
import ImageModel
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What can go wrong talking to a registry. Every case names the registry and, where there is
/// one, the repository, so a failure in a pull of many blobs reads on its own.
public enum RegistryError: ImggitError {
  /// 401 or 403: no credentials, wrong ones, or no access to the repository.
  case denied(registry: String, repository: String?, status: Int, message: String)
  case manifestUnknown(ImageReference)
  case blobUnknown(registry: String, repository: String, Digest)
  /// Any other status a request did not expect.
  case status(registry: String, repository: String?, what: String, status: Int, message: String)
  /// The connection failed: refused, reset, timed out, TLS.
  case transport(registry: String, what: String, underlying: any Error & Sendable)
  /// The bytes a registry sent are not what their digest says; nothing was stored.
  case digestMismatch(registry: String, repository: String, expected: Digest, actual: Digest)
  case unsupportedMediaType(ImageReference, String)
  case noPlatform(ImageReference, wanted: String, available: [String])
  case badResponse(registry: String, what: String, reason: String)
  case gaveUp(registry: String, what: String, attempts: Int, last: any Error & Sendable)
  case credentialsFile(path: String, reason: String)
  /// `--creds` that are not `USER:PASSWORD`; the value itself is never repeated.
  case malformedCredentials(reason: String)
  /// Two tags would be pushed to one reference, the second replacing the first.
  case pushCollision(destination: String, tags: [String])

  public var cause: (any Error)? {
    switch self {
    case .transport(_, _, let e), .gaveUp(_, _, _, let e): return e
    default: return nil
    }
  }

  /// Registries name themselves, their repositories and their errors: whatever they send is
  /// printed with its control characters escaped.
  public var description: String { rawDescription.escapingControlCharacters }

  private var rawDescription: String {
    func repo(_ r: String?) -> String { r.map { " (repository \($0))" } ?? "" }
    switch self {
    case .denied(let registry, let repository, let status, let message):
      let what = status == 401 ? "authentication required or refused" : "access denied"
      return "\(registry): \(what)\(repo(repository)): HTTP \(status)\(message.isEmpty ? "" : ": \(message)")"
    case .manifestUnknown(let ref):
      return "\(ref.registry): no manifest \(ref.manifestReference) in repository \(ref.repository)"
    case .blobUnknown(let registry, let repository, let d):
      return "\(registry): repository \(repository) has no blob \(d)"
    case .status(let registry, let repository, let what, let status, let message):
      return "\(registry): \(what)\(repo(repository)): HTTP \(status)\(message.isEmpty ? "" : ": \(message)")"
    case .transport(let registry, let what, let e):
      return "\(registry): \(what): \(RegistryError.describe(e))"
    case .digestMismatch(let registry, let repository, let expected, let actual):
      return
        "\(registry): blob \(expected) of repository \(repository) arrived as \(actual); nothing was stored"
    case .unsupportedMediaType(let ref, let type):
      return "\(ref): unsupported media type \"\(type)\""
    case .noPlatform(let ref, let wanted, let available):
      return "\(ref) has no \(wanted) image (it has \(available.joined(separator: ", ")))"
    case .badResponse(let registry, let what, let reason):
      return "\(registry): \(what): \(reason)"
    case .gaveUp(let registry, let what, let attempts, let last):
      return "\(registry): \(what) failed \(attempts) times; last: \(RegistryError.describe(last))"
    case .credentialsFile(let path, let reason):
      return "\(path): \(reason)"
    case .malformedCredentials(let reason):
      return "the credentials given are not USER:PASSWORD: \(reason)"
    case .pushCollision(let destination, let tags):
      return "\(tags.joined(separator: " and ")) would both be pushed to \(destination); nothing was pushed"
    }
  }

  /// A cause in one line: imggit's own errors as they print, the network's in words.
  static func describe(_ e: any Error) -> String {
    if let e = e as? any ImggitError { return e.description }
    if e is NIOTooManyBytesError { return "the registry sent more than was asked for" }
    if e is CancellationError { return "cancelled" }
    if let e = e as? IOError { return String(cString: strerror(e.errnoCode)) }
    if let e = e as? NIOConnectionError {
      return e.connectionErrors.first.map { describe($0.error) } ?? "cannot connect"
    }
    if let e = e as? HTTPClientError {
      switch e {
      case .readTimeout: return "no data arrived within the timeout"
      case .connectTimeout: return "could not connect within the timeout"
      case .remoteConnectionClosed: return "the registry closed the connection"
      case .tlsHandshakeTimeout: return "the TLS handshake timed out"
      case .cancelled: return "cancelled"
      case .deadlineExceeded: return "the request took too long"
      case .bodyLengthMismatch: return "the body's length is not what the registry said"
      case .invalidURL: return "an invalid URL"
      default: return "the HTTP exchange failed (\(e))"
      }
    }
    if let e = e as? HTTPParserError { return "the registry's answer is not valid HTTP (\(e))" }
    if let e = e as? NIOSSLError {
      if case .handshakeFailed = e { return "the TLS handshake failed (does it speak plain HTTP?)" }
      return "TLS: \(e)"
    }
    if e is BoringSSLError { return "the TLS handshake failed" }
    return String(describing: e)
  }

  /// True when nothing could even be connected to (the HTTP client has already retried for
  /// its whole connect timeout), or TLS could not be agreed: another try would only make the
  /// user wait.
  static func isConnectFailure(_ e: any Error) -> Bool {
    if e is NIOConnectionError || e is NIOSSLError || e is BoringSSLError { return true }
    if let e = e as? HTTPClientError, e == .connectTimeout { return true }
    if let e = e as? IOError { return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(e.errnoCode) }
    return false
  }
}

extension RegistryError: Equatable {
  /// Two errors are equal when they are the same case: what tests assert on, whatever the
  /// registry's own words.
  public static func == (a: RegistryError, b: RegistryError) -> Bool { a.kind == b.kind }

  /// The case's name.
  public var kind: String {
    switch self {
    case .denied: "denied"
    case .manifestUnknown: "manifestUnknown"
    case .blobUnknown: "blobUnknown"
    case .status: "status"
    case .transport: "transport"
    case .digestMismatch: "digestMismatch"
    case .unsupportedMediaType: "unsupportedMediaType"
    case .noPlatform: "noPlatform"
    case .badResponse: "badResponse"
    case .gaveUp: "gaveUp"
    case .credentialsFile: "credentialsFile"
    case .malformedCredentials: "malformedCredentials"
    case .pushCollision: "pushCollision"
    }
  }
}
