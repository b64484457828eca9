import ArgumentParser
import Foundation
import History
import ImageModel

extension Imggit {
  struct Rebase: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rebase",
      abstract: "Move an image's own layers onto a new or patched base.",
      discussion: """
        `rebase --onto NEW OLD IMAGE` replays the commits OLD..IMAGE on NEW: their layer \
        blobs are reused byte for byte (nothing is recompressed), the config is IMAGE's with \
        NEW's history, DiffIDs, OS and architecture in front, and the manifest records NEW in \
        the org.opencontainers.image.base.* annotations.

        `rebase NEW IMAGE` finds OLD itself: the newest earlier value of NEW's tag (from its \
        reflog) that IMAGE was built on, else the base IMAGE's annotations name.

        `rebase --onto NEW OLD --all` moves every tagged image that descends from OLD: patch \
        base:1 into base:2, then move every app onto it in one command.

        Conflicts: paths that changed between OLD and NEW and that a replayed layer also \
        writes, removes or hides are listed as warnings; --strict refuses the rebase.

        Examples:
          imggit rebase --onto base:2 base:1 app:1
          imggit rebase base:1 app:1            # after base:1 was re-imported or patched
          imggit rebase --onto base:2 base:1 --all
        """)

    @Option(
      help: ArgumentHelp("The new base.", valueName: "new"), completion: Completion.revisions,
      transform: Parse.revision)
    var onto: Revision?

    @Argument(
      help: "With --onto: OLD [IMAGE]. Without: NEW IMAGE.", completion: Completion.revisions,
      transform: Parse.revision)
    var revisions: [Revision] = []

    @Flag(help: "Rebase every tagged image that descends from OLD.")
    var all = false

    @Option(
      name: .shortAndLong, help: "Tag the result NAME[:TAG] (default: move IMAGE's tag).",
      completion: Completion.tags, transform: Parse.tag)
    var tag: TagName?

    @Flag(help: "Refuse when the conflict check finds anything.")
    var strict = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      switch (onto != nil, all, revisions.count) {
      case (true, true, 1), (true, false, 2), (false, false, 2): break
      case (false, true, _): throw ValidationError("--all needs --onto NEW and OLD")
      default:
        throw ValidationError(
          "usage: rebase --onto NEW OLD IMAGE | rebase --onto NEW OLD --all | rebase NEW IMAGE")
      }
      if all && tag != nil { throw ValidationError("-t names one image; it does not go with --all") }
    }

    func run() throws {
      let repo = try store.repository(
        revisions: [onto].compactMap { $0 } + revisions, progress: quiet.progress(), platform: platform)
      let results: [RebaseResult]
      if all {
        results = try repo.rebaseAll(onto: onto!, old: revisions[0], strict: strict)
      } else if let onto {
        results = [
          try repo.rebase(onto: onto, old: revisions[0], image: revisions[1], tag: tag, strict: strict)
        ]
      } else {
        results = [
          try repo.rebase(onto: revisions[0], old: nil, image: revisions[1], tag: tag, strict: strict)
        ]
      }
      if output.json {
        try Terminal.printJSON(
          results.map {
            RebaseJSON(
              tag: $0.tag.description, old: $0.oldTip.hex, new: $0.ref.commit.id.hex, replayed: $0.replayed,
              conflicts: $0.conflicts.map(\.description))
          })
        return
      }
      if results.isEmpty { quiet.say("no tagged image descends from \(revisions[0])") }
      for r in results {
        quiet.say(
          "\(Terminal.paint(r.tag.description, .green)): \(Terminal.paint(r.oldTip.short, .yellow)) -> \(Terminal.paint(r.ref.commit.id.short, .yellow)) (\(Format.count(r.replayed, "commit")) replayed)\(Format.platforms(r.platforms))"
        )
        for c in r.conflicts { Terminal.printError("imggit: warning: \(r.tag): \(c)") }
      }
    }

    struct RebaseJSON: Encodable {
      let tag: String
      let old: String
      let new: String
      let replayed: Int
      let conflicts: [String]
    }
  }
}
