import ArgumentParser
import Foundation
import History
import ImageModel
import Registry

extension Imggit {
  struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "push",
      abstract: "Send an image of the store to a registry.",
      discussion: """
        REVISION is any revision of the store (a tag, a commit, app:1~2): the image whose \
        newest commit it names. REFERENCE is HOST[:PORT]/REPOSITORY[:TAG] (or docker://…). \
        Each blob is first asked for (HEAD); blobs the repository has are not sent, and a \
        blob this run sent to another repository of the registry is mounted there instead \
        of uploaded. Uploads run in parallel (--jobs); the manifest goes last, with its own \
        media type, so the registry's digest is the store's. A multi-platform tag goes \
        whole: every platform's manifest, then the index. A layer a partial image only \
        promises is mounted from its repository on the same registry, or copied from its \
        own registry straight into the upload, never stored.

        With --all, every tag NAME:TAG of the store goes to REGISTRY/NAMESPACE/NAME:TAG: \
        after a base is patched and `imggit rebase --all` has run, only the patch layer and \
        the new manifests and configs are uploaded.

        Examples:
          imggit push app:1 registry.example/team/app:1
          imggit push --insecure app:1~1 localhost:5000/app:previous
          imggit push --all registry.example/team
        """)

    @Argument(
      help: "The revision to push (with --all: REGISTRY/NAMESPACE).", completion: Completion.revisions)
    var source: String

    @Argument(help: "Where it goes: HOST[:PORT]/REPOSITORY[:TAG].")
    var destination: String?

    @Flag(help: "Push every tag NAME:TAG to REGISTRY/NAMESPACE/NAME:TAG.")
    var all = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      if all && destination != nil {
        throw ValidationError("--all takes one REGISTRY/NAMESPACE and no revision")
      }
      if !all && destination == nil {
        throw ValidationError("name the revision and where it goes: push REV REF")
      }
    }

    func run() throws {
      // The destination is the registry this command names: --creds are for it, and for no
      // registry a remote source revision comes from, which is resolved below.
      let target = all ? nil : try ImageReference(parsing: destination!)
      let session = try store.registry.session(
        naming: try target?.registry ?? Registry.destinationRegistry(under: source))
      let revision = all ? nil : try Revision(parsing: source)
      let repo = try store.repository(revisions: revision.map { [$0] } ?? [], platform: platform)
      var images: [(ImageContent, ImageReference, String)] = []
      if let target, let revision {
        images.append((try repo.content(of: revision), target, source))
      } else {
        for (tag, ref) in try Registry.destinations(for: try repo.tags().map(\.name), under: source) {
          images.append((try repo.content(of: .name(tag.description)), ref, tag.description))
        }
      }
      guard !images.isEmpty else { return }
      let client = Registry(store: repo.store, session: session, progress: quiet.progress())
      let results = try client.push(images.map { ($0.0, $0.1) })
      if output.json {
        let json = results.map {
          TransferJSON(reference: $0.reference, tag: nil, manifest: $0.digest, $0.summary)
        }
        // One image, one object; --all, a list.
        if all { try Terminal.printJSON(json) } else { try Terminal.printJSON(json[0]) }
        return
      }
      for (result, image) in zip(results, images) {
        quiet.say(
          "pushed \(Terminal.paint(image.2, .green)) -> \(result.reference) \(result.digest.short): \(result.summary.line("uploaded"))"
        )
      }
    }
  }

  struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "login",
      abstract: "Check and store credentials for a registry.",
      discussion: """
        The credentials (--username and a password read from standard input with \
        --password-stdin, or --creds USER:PASS) are checked against the registry first, \
        then written to $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, \
        else ~/.docker/config.json, in the format Docker, podman and skopeo read.

        Example:
          echo "$TOKEN" | imggit login registry.example --username ci --password-stdin
        """)

    @Argument(help: "The registry, HOST[:PORT].")
    var server: String

    @Option(name: [.short, .long], help: "The user name.")
    var username: String?

    @Flag(help: "Read the password from standard input.")
    var passwordStdin = false

    @OptionGroup var registry: RegistryFlags
    @OptionGroup var quiet: QuietOption

    func run() throws {
      var credentials = try registry.creds.map(Credentials.init(parsing:))
      if credentials == nil {
        guard let username, passwordStdin else {
          throw ValidationError("give --username NAME --password-stdin, or --creds USER:PASS")
        }
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        credentials = Credentials(username: username, password: input.trimmingCharacters(in: .newlines))
      }
      let file = try AuthFile.forWriting()
      let host = try Login.host(server)
      try Registry.login(
        registry: host, credentials: credentials!, options: try registry.options(), file: file)
      quiet.say("logged in to \(host) (credentials in \(file.path))")
    }

    /// `HOST[:PORT]`, with a `docker://` or `https://` in front dropped.
    static func host(_ s: String) throws -> String {
      var h = s
      for prefix in ["docker://", "https://", "http://"] where h.hasPrefix(prefix) {
        h.removeFirst(prefix.count)
      }
      while h.hasSuffix("/") { h.removeLast() }
      guard !h.isEmpty, !h.contains("/") else { throw ValidationError("\(s) is not a registry HOST[:PORT]") }
      return ImageReference.canonicalRegistry(h)
    }
  }

  struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "logout",
      abstract: "Remove the stored credentials of a registry.",
      discussion: """
        Removes the registry's entry from the auth file imggit login writes \
        ($REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, else \
        ~/.docker/config.json); every other entry stays.

        Example:
          imggit logout registry.example
        """)

    @Argument(help: "The registry, HOST[:PORT].")
    var server: String

    @OptionGroup var quiet: QuietOption

    func run() throws {
      let file = try AuthFile.forWriting()
      let host = try Login.host(server)
      if try file.store(nil, for: host) {
        quiet.say("removed the credentials of \(host) from \(file.path)")
      } else {
        throw ValidationError("\(file.path) holds no credentials for \(host)")
      }
    }
  }
}
