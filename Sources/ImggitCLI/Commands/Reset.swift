import ArgumentParser
import History
import ImageModel

extension Imggit {
  struct Reset: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reset",
      abstract: "Move a tag to another commit.",
      discussion: """
        Points an existing tag at REV, usually an ancestor (drop the last layers) or a \
        reflog entry (undo the last move). The move is recorded in the reflog, so it can \
        itself be undone. No layer bytes are read.

        Examples:
          imggit reset app:1 app:1~2
          imggit reset app:1 app:1@{1}     # undo the last move of app:1
        """)

    @Argument(help: "The tag to move.", completion: Completion.tags, transform: Parse.tag)
    var tag: TagName

    @Argument(help: "Where to move it.", completion: Completion.revisions, transform: Parse.revision)
    var revision: Revision

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let ref = try store.repository(revisions: [revision], platform: platform).reset(tag, to: revision)
      if output.json { return try Terminal.printJSON(TagResultJSON(tag: tag, commit: ref.commit)) }
      quiet.say(
        "\(Terminal.paint(tag.description, .green)) is now at \(Terminal.paint(ref.commit.id.short, .yellow)) \(Summary.title(ref.commit))"
      )
    }
  }
}
