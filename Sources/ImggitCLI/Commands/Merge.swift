import ArgumentParser
import Foundation
import History
import ImageModel

extension Imggit {
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "merge",
      abstract: "Squash a range of commits into one layer (COMPRESS), or merge two images.",
      discussion: """
        `merge --squash BASE..IMAGE` keeps BASE's commits and replaces the rest of IMAGE's \
        with one commit whose layer is the difference between the root filesystems of BASE \
        and IMAGE: every path whose final state differs, a whiteout for each path BASE had \
        and IMAGE lacks (one for a whole folder), an opaque marker for a replaced folder. \
        Files added and deleted inside the range leave nothing. The config is IMAGE's; its \
        history is BASE's entries plus one entry whose comment lists the commits it \
        replaced. `merge --squash IMAGE` flattens the whole image into one layer.

        BASE may be any ancestor: `app:1~5..app:1` squashes the last five commits. Without \
        -t, IMAGE's tag moves (undo with `imggit reset TAG TAG@{1}`).

        `merge A B -t TAG` makes A plus B's commits since their merge base, B's layer blobs \
        reused byte for byte (one squashed layer with --squash); a fast-forward when A is an \
        ancestor of B. Paths changed on both sides are conflicts: listed, and the merge is \
        refused unless --strategy theirs (B wins) or --squash --strategy ours (A wins).

        Examples:
          imggit merge --squash base:1..app:1
          imggit merge --squash app:1~5..app:1 -t app:slim -m "app layers"
          imggit merge --squash app:1 -t app:flat --compression zstd
          imggit merge app:1 feature:1 -t app:2
        """)

    @Flag(help: "Make one layer of the commits merged.")
    var squash = false

    @Argument(
      help: "BASE..IMAGE or IMAGE (with --squash), or A B.", completion: Completion.revisions,
      transform: Parse.spec)
    var revisions: [RevisionSpec] = []

    @Option(help: "Who wins a path both sides changed: theirs (B) or ours (A, needs --squash).")
    var strategy: MergeStrategy?

    @Option(
      name: .shortAndLong, help: "Tag the result NAME[:TAG] (default: move IMAGE's tag).",
      completion: Completion.tags, transform: Parse.tag)
    var tag: TagName?

    @Option(name: .shortAndLong, help: ArgumentHelp("created_by of the new commit.", valueName: "message"))
    var message: String?

    @OptionGroup var layer: LayerOutputOptions

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      switch revisions.count {
      case 1:
        guard squash else {
          throw ValidationError("one revision is squashed: give --squash, or A B to merge two images")
        }
        guard strategy == nil else { throw ValidationError("--strategy is for merging two images (A B)") }
      case 2:
        guard case .single = revisions[0], case .single = revisions[1] else {
          throw ValidationError("merge A B takes two revisions, not ranges")
        }
        guard tag != nil else { throw ValidationError("merge A B needs -t NAME:TAG for the result") }
        if strategy == .ours && !squash { throw ValidationError("--strategy ours needs --squash") }
      default:
        throw ValidationError("usage: merge --squash [BASE..]IMAGE | merge A B -t TAG")
      }
    }

    func run() throws {
      let options = try layer.options()
      let repo = try store.repository(
        revisions: revisions.flatMap(\.revisions), progress: quiet.progress(), platform: platform)
      if revisions.count == 2, case .single(let a) = revisions[0], case .single(let b) = revisions[1] {
        let r = try repo.merge(
          a, b, tag: tag!, squash: squash, strategy: strategy, options: options)
        if output.json {
          var json = TagResultJSON(tag: r.tag, commit: r.ref.commit, platforms: r.platforms)
          json.fastForward = r.fastForward
          json.replayed = r.replayed
          json.conflicts = r.conflicts.map(\.description)
          return try Terminal.printJSON(json)
        }
        let how =
          r.fastForward
          ? "fast-forward"
          : "\(Format.count(r.replayed, "commit")) of \(b) \(squash ? "squashed" : "replayed")"
        quiet.say(
          "\(Terminal.paint(r.tag.description, .green)) -> \(Terminal.paint(r.ref.commit.id.short, .yellow)) (\(how))\(Format.platforms(r.platforms))"
        )
        for c in r.conflicts {
          Terminal.printError("imggit: warning: \(c) (\(strategy?.rawValue ?? "") wins)")
        }
        return
      }
      let (base, image): (Revision?, Revision)
      switch revisions[0] {
      case .single(let r): (base, image) = (nil, r)
      case .range(let a, let b): (base, image) = (a, b)
      }
      let r = try repo.squash(
        base: base, image: image, tag: tag, message: message, options: options)
      let c = r.ref.commit
      if output.json {
        var json = TagResultJSON(tag: r.tag, commit: c, platforms: r.platforms)
        json.squashed = r.squashed
        json.changed = r.changed
        json.removed = r.removed
        return try Terminal.printJSON(json)
      }
      quiet.say(
        "\(Terminal.paint(r.tag.description, .green)) -> \(Terminal.paint(c.id.short, .yellow)) squashed \(Format.count(r.squashed, "commit")) into one: \(Format.count(r.changed, "path")) written, \(r.removed) removed [\(c.layer.map { Format.size($0.size) } ?? "empty")]\(Format.platforms(r.platforms))"
      )
    }
  }
}

extension MergeStrategy: ExpressibleByArgument {}
