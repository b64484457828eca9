import ArgumentParser
import Foundation
import History
import ImageModel
import ImageStore
import Registry

/// The options of every command that talks to a registry.
struct RegistryFlags: ParsableArguments {
  @Flag(help: "Use plain HTTP, for loopback and lab registries.")
  var insecure = false

  @Option(
    help: ArgumentHelp(
      "Credentials for the registry the command names, winning over the auth file; other registries get the auth file's.",
      valueName: "user:pass"))
  var creds: String?

  @Option(help: "How many blobs to move at once.")
  var jobs = 4

  @Option(
    help: ArgumentHelp("A PEM file of CA certificates to trust for the registry.", valueName: "file"),
    completion: .file())
  var cert: String?

  @Option(
    help: ArgumentHelp(
      "Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.",
      valueName: "seconds"))
  var timeout: Int64 = 60

  func validate() throws {
    let jobRange = RegistryOptions.jobRange
    guard jobRange.contains(jobs) else {
      throw ValidationError("--jobs must be between \(jobRange.lowerBound) and \(jobRange.upperBound)")
    }
    guard (1...86_400).contains(timeout) else {
      throw ValidationError("--timeout must be from 1 second to a day (86400)")
    }
  }

  /// The options, with the registries the configuration file marks insecure.
  func options() throws -> RegistryOptions {
    var o = RegistryOptions()
    o.insecure = insecure
    o.credentials = try creds.map(Credentials.init(parsing:))
    o.jobs = jobs
    o.caFile = cert
    o.readTimeout = timeout
    o.insecureRegistries = try RegistryConfig.load().insecure
    return o
  }

  /// The command's registry session, made from these flags on first use; `registry`, when
  /// given, is the one the command names, which `--creds` are for.
  func session(naming registry: String? = nil) throws -> RegistrySession {
    if let s = Sessions.current {
      if let registry { s.name(registry) }
      return s
    }
    let s = RegistrySession(options: try options(), naming: registry)
    Sessions.current = s
    return s
  }
}

/// The one registry session of the process: the process runs one command, on one thread.
enum Sessions {
  nonisolated(unsafe) static var current: RegistrySession?

  /// Closes the session's connections, once the command is done.
  static func shutdown() {
    current?.shutdown()
    current = nil
  }
}

/// `$XDG_CONFIG_HOME/imggit/registries.json` (`~/.config/imggit/registries.json`):
/// `{"insecure": ["127.0.0.1:5000"]}` names registries reached over plain HTTP without
/// `--insecure`.
struct RegistryConfig: Decodable {
  var insecure: Set<String> = []

  static var path: String {
    let env = ProcessInfo.processInfo.environment
    let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(env["HOME"] ?? "")/.config"
    return "\(base)/imggit/registries.json"
  }

  static func load() throws -> RegistryConfig {
    guard let data = FileManager.default.contents(atPath: path) else { return RegistryConfig() }
    do { return try JSONDecoder().decode(RegistryConfig.self, from: data) } catch {
      throw ValidationError("\(path) is not {\"insecure\": [\"HOST:PORT\", …]}")
    }
  }
}

extension Parse {
  /// A registry reference; where only one makes sense, a bare name is Docker Hub's.
  static func reference(_ s: String) throws -> ImageReference { try ImageReference(parsing: s) }
  static func platform(_ s: String) throws -> PlatformChoice { try PlatformChoice(parsing: s) }
}

/// A remote reference given where a revision goes: the image is pulled as a partial image
/// (manifest and config; layers promised), so `imggit log REF` downloads no layer. It is a
/// read: a local tag of that name with history of its own stays where it is.
struct PartialPull: RemoteImages {
  let session: RegistrySession

  func fetch(_ reference: ImageReference, tag: TagName, into store: Store) throws -> Descriptor {
    var request = PullRequest(reference: reference)
    request.tag = tag
    request.layers = .none
    request.keepLocalHistory = true
    return try Registry(store: store, session: session, progress: ProgressBar.reporter()).pull(request)
      .manifest
  }
}

/// The JSON summary of a transfer.
struct TransferJSON: Encodable {
  let reference: String
  let tag: String?
  let manifest: String
  let transferred: Int
  let skipped: Int
  let mounted: Int
  let resumed: Int
  let retries: Int
  let promised: Int
  let bytes: Int64

  init(reference: ImageReference, tag: TagName?, manifest: Digest, _ s: TransferSummary) {
    self.reference = reference.description
    self.tag = tag?.description
    self.manifest = manifest.description
    transferred = s.transferred
    skipped = s.skipped
    mounted = s.mounted
    resumed = s.resumed
    retries = s.retries
    promised = s.promised
    bytes = s.bytes
  }
}

extension TransferSummary {
  /// `3 blobs fetched (12.1 MB), 2 skipped, 1 resumed`.
  func line(_ verb: String) -> String {
    var parts = [
      "\(Format.count(transferred, "blob")) \(verb) (\(Format.size(bytes)))", "\(skipped) skipped",
    ]
    if mounted > 0 { parts.append("\(mounted) mounted") }
    if resumed > 0 { parts.append("\(resumed) resumed") }
    if promised > 0 { parts.append("\(Format.count(promised, "layer")) promised") }
    if retries > 0 { parts.append(Format.count(retries, "retry", plural: "retries")) }
    return parts.joined(separator: ", ")
  }
}
