import ArgumentParser
import Foundation
import History
import ImageModel

extension Imggit {
  struct Reflog: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reflog",
      abstract: "Show every move of a tag, newest first.",
      discussion: """
        Every command that moves a tag (import, tag, reset, tag -d, and the rewriting \
        commands) records the old and new image here. NAME@{N} names the value N moves ago \
        in any revision, so `imggit reset app:1 app:1@{1}` undoes the last move. Deleted \
        tags keep their reflog.

        Examples:
          imggit reflog app:1
          imggit reflog --json
        """)

    @Argument(
      help: "The tag (default: every tag with a reflog).", completion: Completion.tags, transform: Parse.tag)
    var tag: TagName?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    func run() throws {
      let lines = try store.repository().reflog(tag)
      if output.json {
        try Terminal.printJSON(
          lines.map {
            ReflogJSON(
              ref: "\($0.tag)@{\($0.index)}", tag: $0.tag.description, old: $0.entry.old?.digest.description,
              new: $0.entry.new?.digest.description, oldCommit: $0.oldTip?.hex, newCommit: $0.newTip?.hex,
              command: $0.entry.command, time: $0.entry.time)
          })
        return
      }
      for l in lines {
        let new = l.entry.new == nil ? "(deleted)   " : (l.newTip?.short ?? l.entry.new!.digest.short)
        let old = l.entry.old == nil ? "" : " (was \(l.oldTip?.short ?? l.entry.old!.digest.short))"
        print(
          "\(Terminal.paint(new, .yellow)) \(Terminal.paint("\(l.tag)@{\(l.index)}", .green)): \(l.entry.command)\(old) \(Terminal.paint(l.entry.time, .dim))"
        )
      }
    }

    struct ReflogJSON: Encodable {
      let ref: String
      let tag: String
      let old: String?
      let new: String?
      let oldCommit: String?
      let newCommit: String?
      let command: String
      let time: String

      enum CodingKeys: String, CodingKey {
        case ref, tag, old, new, command, time
        case oldCommit = "old_commit"
        case newCommit = "new_commit"
      }
    }
  }
}
