import ArgumentParser
import Foundation
import History
import ImageModel
import LayerFS

extension Imggit {
  struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "log",
      abstract: "Show commits (history entries and their layers), newest first.",
      discussion: """
        Each commit is one entry of an image config's history: a layer, or a config-only \
        step such as ENV or CMD (shown as "empty"). Images built on the same base share the \
        base's commits, so --graph --all draws where they branch off.

        REV is a tag (name[:tag]), a commit-id prefix, REV~N, REV^, name:tag@{N} or \
        @sha256:<manifest>; A..B lists the commits of B that are not in A. Without REV, every \
        tagged image is shown.

        Examples:
          imggit log app:1
          imggit log --graph --all --oneline
          imggit log base:1..app:1 --json
        """)

    @Argument(
      help: "Revisions or ranges (A..B) to show.", completion: Completion.revisions, transform: Parse.spec)
    var revisions: [RevisionSpec] = []

    @Flag(help: "Show the commits of every tagged image.")
    var all = false

    @Flag(help: "Draw the commit graph.")
    var graph = false

    @Flag(help: "One line per commit.")
    var oneline = false

    @Flag(help: "List the paths each layer adds, modifies and deletes, with sizes.")
    var stat = false

    @Option(name: [.customShort("n", allowingJoined: true), .long], help: "Show at most N commits.")
    var maxCount: Int?

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var git: GitIDOptions

    func validate() throws {
      if let maxCount, maxCount < 0 { throw ValidationError("-n must not be negative") }
    }

    func run() throws {
      let repo = try store.repository(
        revisions: revisions.flatMap(\.revisions), progress: ProgressBar.reporter(), platform: platform)
      let gitIDs = git.map(for: repo.store)
      let entries = try repo.log(revisions, all: all, graph: graph && !output.json, limit: maxCount)
      let stats = stat ? try repo.changes(of: entries.map(\.commit)) : [:]
      if output.json {
        try Terminal.printJSON(
          entries.map {
            CommitJSON(
              $0.commit, tags: $0.tags, changes: stat ? stats[$0.commit.id] ?? [] : nil,
              git: gitIDs[$0.commit.id])
          })
        return
      }
      for (n, e) in entries.enumerated() {
        let c = e.commit
        let gitID = git.gitIds ? " " + Terminal.paint(String((gitIDs[c.id] ?? "-").prefix(12)), .cyan) : ""
        let id = Terminal.paint(c.id.short, .yellow) + gitID
        let tags =
          e.tags.isEmpty
          ? "" : " (" + e.tags.map { Terminal.paint($0.description, .green) }.joined(separator: ", ") + ")"
        let size = c.layer.map { Format.size($0.size) } ?? "empty"
        let continuation = e.graph.replacingOccurrences(of: "*", with: "|")
        if oneline {
          print("\(e.graph)\(id)\(tags) \(Summary.title(c)) \(Terminal.paint("[\(size)]", .dim))")
        } else {
          if n > 0 && !graph { print("") }
          var lines = CommitText.header(
            c, tags: e.tags, git: git.gitIds ? gitIDs[c.id] ?? "(not mirrored)" : nil)
          lines[0] = e.graph + lines[0]
          if stat, !c.isEmpty, let changes = stats[c.id] { lines += [""] + CommitText.stat(changes) }
          if graph { lines.append("") }
          print(lines[0])
          for line in lines.dropFirst() { print(graph ? "\(continuation)\(line)" : line) }
        }
        for line in e.graphAfter { print(line) }
      }
    }
  }
}
