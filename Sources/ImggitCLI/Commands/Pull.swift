import ArgumentParser
import Errors
import Foundation
import ImageModel
import LayerFS
import Registry

extension LayerSelection: ExpressibleByArgument {}

extension Imggit {
  struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pull",
      abstract: "Fetch an image from a registry into the store.",
      discussion: """
        REFERENCE is HOST[:PORT]/REPOSITORY[:TAG|@sha256:DIGEST], also written with docker:// \
        in front. Here a name without a host is Docker Hub's (debian:12 is \
        docker.io/library/debian:12); commands that take revisions never read a name that way.

        Blobs are fetched in parallel (--jobs), verified by size and digest as they stream, \
        and skipped when the store has them. A blob that fails is retried on its own with \
        backoff (a Retry-After is honoured), and continues with an HTTP Range request from \
        the bytes it already has. An interrupted pull (Ctrl-C, kill, a lost network) keeps \
        its partial blobs, and the next pull continues where it stopped. The manifest is \
        stored byte for byte, so its digest is the registry's. The image is tagged only once \
        every blob is in. With --index, every layer fetched is also read once before the tag \
        moves: its tar must match the config's DiffID, and the read indexes its files, so the \
        first squash, extract or rebase of the image reads each layer once. Without it, the \
        first command that reads a layer checks and indexes it.

        A multi-platform image (an OCI index or a Docker manifest list) is kept whole: every \
        platform's manifest and config is stored and the index is tagged. Layers are \
        fetched for the platform --platform chooses (the host's by default); the other \
        platforms' layers are promised, and fetched if a command ever needs them.

        --layers none makes a partial image, as git's partial clone does: only the manifest \
        and the config are stored, and each layer is recorded as promised by the registry \
        and repository it came from. log, tag, reset, rebase and push work on it as it is; \
        a command that needs a layer's bytes (show, diff, extract, merge --squash, the \
        rebase conflict check, export, mirror) fetches it then, with no flags, or fails \
        with --offline naming the blob and the registry. --layers top fetches only the \
        newest layer: a build's output without its base. fsck lists promised layers apart \
        and passes; gc keeps the promises of what it keeps.

        Credentials come from --creds, else $REGISTRY_AUTH_FILE, \
        $XDG_RUNTIME_DIR/containers/auth.json or ~/.docker/config.json (see imggit login).

        Examples:
          imggit pull registry.example/team/app:1
          imggit pull --insecure localhost:5000/app:1 --tag app:1
          imggit pull --index registry.example/team/app:1 && imggit merge --squash registry.example/team/app:1
          imggit pull docker://quay.io/org/tool@sha256:… --tag tool:pinned
          imggit pull --layers none registry.example/team/app:1 && imggit log registry.example/team/app:1
        """)

    @Argument(help: "The image to fetch.", transform: Parse.reference)
    var reference: ImageReference

    @Option(
      name: [.short, .long], help: "Tag the image NAME[:TAG] (default: the reference's name).",
      transform: Parse.tag)
    var tag: TagName?

    @Option(
      help: ArgumentHelp(
        "Whose layers to fetch from a multi-platform image.", valueName: "os/arch[/variant]"),
      transform: Parse.platform)
    var platform: PlatformChoice?

    @Option(help: "Layers to fetch now: all, none (a partial image) or top (the newest only).")
    var layers: LayerSelection = .all

    @Flag(help: "Read each layer fetched before tagging: check its DiffID and index its files.")
    var index = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func run() throws {
      var request = PullRequest(reference: reference)
      request.tag = tag
      if let platform { request.platform = platform }
      request.layers = layers
      let s = try store.open(create: true)
      let progress = quiet.progress()
      let client = Registry(
        store: s, session: try store.registry.session(naming: reference.registry), progress: progress,
        check: index ? IncomingIndexes(store: s, progress: progress) : nil)
      let result = try client.pull(request)
      if output.json {
        try Terminal.printJSON(
          TransferJSON(
            reference: reference, tag: result.tag, manifest: result.manifest.digest, result.summary))
        return
      }
      let platform =
        result.platforms.isEmpty
        ? ""
        : " (\(Format.count(result.platforms.count, "platform")); layers of \((result.platform?.label ?? "none").escapingControlCharacters))"
      quiet.say(
        "pulled \(Terminal.paint(result.tag.description, .green)) \(result.manifest.digest.short)\(platform): \(result.summary.line("fetched"))"
      )
    }
  }
}
