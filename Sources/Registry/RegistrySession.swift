import ImageModel
import Synchronization

/// The registries one command talks to: one client per registry, made on first use and shared
/// by the pull, the push and every lazy fetch of a promised layer, so a token earned for one
/// blob serves the next.
///
/// Each client holds its own registry's credentials and no other's. The command's explicit
/// credentials (``RegistryOptions/credentials``, `--creds`) belong to the registry the command
/// names (``name(_:)``); every other registry gets what the auth file holds for it, or none.
/// So a push to Y of a partial image whose layers Y must copy from X never answers X's
/// challenge with Y's password.
public final class RegistrySession: Sendable {
  public let options: RegistryOptions
  private let state: Mutex<State>

  private struct State {
    var named: String?
    /// By scheme and registry: a promise made over plain HTTP is fetched that way.
    var clients: [String: RegistryClient] = [:]
  }

  /// A session with `options`; `registry`, when given, is the one the command names.
  public init(options: RegistryOptions, naming registry: String? = nil) {
    self.options = options
    state = Mutex(State(named: registry))
  }

  /// Names the registry the command is about, which the explicit credentials are for. The
  /// first name wins: a command that names two registries sends them to the first.
  public func name(_ registry: String) {
    state.withLock { if $0.named == nil { $0.named = registry } }
  }

  /// The client of `registry`, reached over plain HTTP when the options or `plainHTTP` say so.
  ///
  /// - Throws: ``RegistryError/credentialsFile(path:reason:)`` when the auth file cannot be
  ///   read; ``RegistryError/transport(registry:what:underlying:)`` for a bad CA file.
  func client(for registry: String, plainHTTP: Bool = false) throws -> RegistryClient {
    let plain = plainHTTP || options.usesPlainHTTP(registry)
    let key = (plain ? "http://" : "https://") + registry
    return try state.withLock { s in
      if let c = s.clients[key] { return c }
      let explicit = s.named == registry ? options.credentials : nil
      let c = try RegistryClient(
        registry: registry, plainHTTP: plain, credentials: try explicit ?? AuthFile.lookup(registry),
        options: options)
      s.clients[key] = c
      return c
    }
  }

  /// Closes every connection. Call it once the command is done with registries; a later use
  /// starts new clients.
  public func shutdown() {
    let clients = state.withLock { s in
      defer { s.clients = [:] }
      return Array(s.clients.values)
    }
    for c in clients { c.shutdown() }
  }
}
