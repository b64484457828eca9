import ArgumentParser
import Foundation
import History
import ImageModel
import GitMirror
import ImageStore
import LayerFS
import Registry

/// Options every command that reads or writes a store takes.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .long, help: ArgumentHelp("The image store (an OCI layout folder).", valueName: "dir"),
    completion: .directory)
  var store: String?

  @Flag(help: "Never reach a registry: a layer a partial image only promises is an error.")
  var offline = false

  /// Any command may be given a remote reference, or meet a promised layer.
  @OptionGroup(title: "Registry options") var registry: RegistryFlags

  /// Opens the store. The default per-user store is created on first use; a store named with
  /// --store or $IMGGIT_STORE only when `create` (commands that write).
  func open(create: Bool = false) throws -> Store {
    let env = ProcessInfo.processInfo.environment
    let path = store ?? Store.defaultPath(environment: env)
    let isDefault = store == nil && (env["IMGGIT_STORE"] ?? "").isEmpty
    let opened = try Store(path: path, create: create || isDefault)
    if !offline {
      // Layers of partial images come from the registry that promised them, as readers ask.
      opened.fetcher = RegistryFetcher(session: try registry.session(), progress: ProgressBar.reporter())
    }
    return opened
  }

  /// The store as commits; `progress` is told how its long operations go. The layer indexes
  /// it builds are cached when the command succeeds (``saveCaches()``), not before.
  ///
  /// `revisions` are those the command will resolve: a remote reference among them pulls a
  /// partial image into the store, so the store is created for it as `pull` creates it.
  func repository(
    create: Bool = false, revisions: [Revision] = [], progress: ProgressReporter? = nil,
    platform: PlatformOption? = nil
  ) throws -> Repository {
    let fetches = !offline && revisions.contains(where: \.isRemote)
    let repo = Repository(store: try open(create: create || fetches), progress: progress)
    repo.platform = platform?.platform
    repo.deferCaches = true
    if !offline { repo.remote = PartialPull(session: try registry.session()) }
    StoreOptions.opened.append(repo)
    return repo
  }

  /// The repositories this process opened; the process runs one command, on one thread.
  nonisolated(unsafe) private static var opened: [Repository] = []

  /// Caches what the command's repositories built; called once the command has succeeded.
  static func saveCaches() {
    for repo in opened { repo.saveCaches() }
    opened = []
  }
}

/// `--platform`, for the commands that read or rewrite images.
struct PlatformOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The image of a multi-platform index to show or report (default: the host's). Rewrites change every platform.",
      valueName: "os/arch[/variant]"),
    transform: Parse.platform)
  var platform: PlatformChoice?
}

/// `--json` for listing commands.
struct JSONOption: ParsableArguments {
  @Flag(name: .long, help: "Print JSON for scripts instead of text.")
  var json = false
}

/// Argument transforms that use the model's own parsers, so a bad value's error says what
/// is wrong with it (ArgumentParser's generic "invalid value" would not).
enum Parse {
  static func revision(_ s: String) throws -> Revision { try Revision(parsing: s) }
  static func spec(_ s: String) throws -> RevisionSpec { try RevisionSpec(parsing: s) }
  static func tag(_ s: String) throws -> TagName { try TagName(parsing: s) }
}

/// Live completions read from the store when TAB is pressed.
enum Completion {
  static let tags = CompletionKind.custom { words, _, prefix in
    forShell(tagNames(words).filter { $0.hasPrefix(unquoted(prefix)) })
  }
  static let revisions = CompletionKind.custom { words, _, prefix in
    forShell(revisionCandidates(words, prefix: unquoted(prefix)))
  }

  /// The word as typed, without the backslashes a shell put in (zsh quotes `~` as `\~`);
  /// no revision holds a backslash.
  static func unquoted(_ prefix: String) -> String { prefix.replacingOccurrences(of: "\\", with: "") }

  /// zsh's script hands candidates to `_describe`, which reads `value:description`: the
  /// colon of `app:1` must be escaped there, or zsh offers `app` described as `1`.
  static func forShell(_ candidates: [String]) -> [String] {
    guard CompletionShell.requesting == .zsh else { return candidates }
    return candidates.map { $0.replacingOccurrences(of: ":", with: "\\:") }
  }

  /// The store, honouring a --store given earlier on the line; never created here.
  static func store(_ words: [String]) -> Store? {
    // StoreOptions cannot be made outside parsing, so the same rule is followed here.
    var path = Store.defaultPath(environment: ProcessInfo.processInfo.environment)
    if let i = words.firstIndex(of: "--store"), i + 1 < words.count { path = words[i + 1] }
    return try? Store(path: path, create: false)
  }

  static func tagNames(_ words: [String]) -> [String] {
    (try? store(words)?.tags().map(\.name.description)) ?? []
  }

  /// Tags; after `REV~`, the ancestors of REV (`app:1~1`, `app:1~2`, …); for hex digits,
  /// the commit ids that start with them.
  static func revisionCandidates(_ words: [String], prefix: String) -> [String] {
    guard let store = store(words) else { return [] }
    let repo = Repository(store: store)
    var out = tagNames(words)
    if let tilde = prefix.firstIndex(of: "~") {
      let base = String(prefix[..<tilde])
      if let ref = try? repo.resolve(.name(base)), ref.position > 0 {
        out += (1...ref.position).map { "\(base)~\($0)" }
      }
    } else if !prefix.isEmpty, prefix.allSatisfy(\.isHexDigit),
      let images = try? repo.taggedImages()
    {
      out += Set(images.flatMap { $0.image.commits.map(\.id.short) }).sorted()
    }
    return out.filter { $0.hasPrefix(prefix) }
  }
}

/// How commands that write a layer compress it, and the time they stamp it with.
struct LayerOutputOptions: ParsableArguments {
  @Option(help: "Layer compression: gzip, zstd or none.")
  var compression: LayerCompression = .gzip

  @Option(
    help:
      "Compression level. gzip: without it, ISA-L on every core (within 5% of gzip -6's size); 1-9 is gzip -N's ratio or better, made by libdeflate (7-9 all at its level 7, which already beats gzip -9), 10-12 libdeflate's slowest and smallest, also on every core. zstd: 1-22, default 3 (20-22 search deeper within level 19's 8 MiB window)."
  )
  var level: Int?

  func validate() throws {
    guard let level else { return }
    guard let levels = LayerSink.levels(for: compression) else {
      throw ValidationError("--level has no meaning with --compression \(compression.rawValue)")
    }
    guard levels.contains(level) else {
      throw ValidationError(
        "--level \(level) is out of range for \(compression.rawValue): \(levels.lowerBound)-\(levels.upperBound)"
      )
    }
  }

  /// The options, with `SOURCE_DATE_EPOCH` from the environment.
  func options() throws -> LayerOptions {
    var o = LayerOptions()
    o.compression = compression
    o.level = level
    if let sde = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
      guard let v = Int64(sde) else {
        throw ValidationError("SOURCE_DATE_EPOCH must be a number of seconds, not \(sde)")
      }
      o.sourceDateEpoch = v
    }
    return o
  }
}

/// `--compression` takes the library's own values.
extension LayerCompression: ExpressibleByArgument {}

/// `--git-ids`: show the git commit the mirror wrote for each image commit.
struct GitIDOptions: ParsableArguments {
  @Flag(help: "Show the git commit id of each commit in the mirror (run `imggit mirror` first).")
  var gitIds = false

  @Option(
    name: .customLong("git"),
    help: ArgumentHelp("The mirror to read (default: .imggit/mirror.git in the store).", valueName: "dir"),
    completion: .directory)
  var gitPath: String?

  /// The image commit → git commit map, empty without `--git-ids`.
  func map(for store: Store) -> [CommitID: String] {
    guard gitIds else { return [:] }
    return Mirror.commitMap(at: gitPath ?? Mirror.defaultPath(for: store))
  }
}
