import ArgumentParser
import Foundation
import History
import ImageModel

extension Imggit {
  struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "commit",
      abstract: "Append a layer (or a config-only step) to an image, without a daemon.",
      discussion: """
        Ships new files onto an unchanged runtime: --add copies host files in as COPY does \
        (a folder's contents go below DEST; a file becomes DEST, or DEST/NAME when DEST ends \
        with /), --rm removes paths (whiteouts), and the config options change the image \
        config. Files become one new layer; with only config options the step is config-only.

        Without -t the image's own tag moves (undo with `imggit reset TAG TAG@{1}`). With \
        SOURCE_DATE_EPOCH set, the step's time and every added file's time is that, so the \
        same command gives the same digests.

        Examples:
          imggit commit app:1 --add ./dist:/opt/app/dist -m "COPY dist /opt/app/dist"
          imggit commit app:1 --rm /opt/app/tmp --env MODE=prod -m "cleanup" -t app:2
          imggit commit app:1 --cmd '["/opt/app/bin/serve"]' -m 'CMD ["serve"]'
        """)

    @Argument(
      help: "The image (or commit) to build on.", completion: Completion.revisions, transform: Parse.revision)
    var image: Revision

    @Option(
      name: .shortAndLong, help: ArgumentHelp("The step's created_by, shown by log.", valueName: "message"))
    var message: String

    @Option(
      name: .shortAndLong, help: "Tag the result NAME[:TAG] (default: move IMAGE's tag).",
      completion: Completion.tags, transform: Parse.tag)
    var tag: TagName?

    @Option(
      help: ArgumentHelp("Copy a host file or folder into the image.", valueName: "src:dest"),
      completion: .file())
    var add: [String] = []

    @Option(help: ArgumentHelp("Remove a path of the image.", valueName: "path"))
    var rm: [String] = []

    @Option(help: ArgumentHelp("Set an environment variable.", valueName: "key=value"))
    var env: [String] = []

    @Option(help: ArgumentHelp("Set the command (JSON array, or a shell command).", valueName: "cmd"))
    var cmd: String?

    @Option(help: ArgumentHelp("Set the entrypoint (JSON array, or a shell command).", valueName: "cmd"))
    var entrypoint: String?

    @Option(help: ArgumentHelp("Set the working folder.", valueName: "dir"))
    var workdir: String?

    @Option(help: ArgumentHelp("Set the user.", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("Set a label.", valueName: "key=value"))
    var label: [String] = []

    @OptionGroup var layer: LayerOutputOptions

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      for a in add where !a.contains(":") { throw ValidationError("--add takes SRC:DEST, not \(a)") }
      for kv in env + label where !kv.contains("=") { throw ValidationError("expected KEY=VALUE, not \(kv)") }
      guard
        add.count + rm.count + env.count + label.count > 0 || cmd != nil || entrypoint != nil
          || workdir != nil || user != nil
      else {
        throw ValidationError("nothing to commit: give --add, --rm or a config option")
      }
    }

    func run() throws {
      var request = CommitRequest(message: message)
      request.adds = add.map { a in
        let colon = a.firstIndex(of: ":")!
        return (String(a[..<colon]), String(a[a.index(after: colon)...]))
      }
      request.removes = rm
      request.env = env
      request.cmd = try cmd.map(Commit.command)
      request.entrypoint = try entrypoint.map(Commit.command)
      request.workdir = workdir
      request.user = user
      for kv in label {
        let parts = kv.split(separator: "=", maxSplits: 1)
        request.labels[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
      }
      request.options = try layer.options()
      let result = try store.repository(create: true, platform: platform).commit(
        onto: image, tag: tag, request)
      let c = result.ref.commit
      if output.json {
        return try Terminal.printJSON(TagResultJSON(tag: result.tag, commit: c, platforms: result.platforms))
      }
      quiet.say(
        "\(Terminal.paint(result.tag.description, .green)) -> \(Terminal.paint(c.id.short, .yellow)) \(Summary.title(c)) [\(c.layer.map { Format.size($0.size) } ?? "empty")]\(Format.platforms(result.platforms))"
      )
    }

    /// `["a","b"]` is taken as it is; anything else runs through `/bin/sh -c`, as Docker's
    /// shell form does.
    static func command(_ s: String) throws -> [String] {
      if s.trimmingCharacters(in: .whitespaces).hasPrefix("[") {
        guard let array = try? JSONDecoder().decode([String].self, from: Data(s.utf8)) else {
          throw ValidationError("\(s) is not a JSON array of strings")
        }
        return array
      }
      return ["/bin/sh", "-c", s]
    }
  }
}
