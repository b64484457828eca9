import ArgumentParser
import History
import ImageModel
import LayerFS

extension Imggit {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show a commit and the paths its layer adds, modifies and deletes.",
      discussion: """
        Compares the root filesystem of REV's parent with REV's: A (added), M (modified: \
        type, mode, owner, size, content, link target or xattrs), D (deleted, whiteouts \
        included). Layer contents are read once and indexed; later calls read no layer bytes.

        Examples:
          imggit show app:1
          imggit show app:1~2 --stat
          imggit show 3f2a1b --name-status --json
        """)

    @Argument(help: "The commit to show.", completion: Completion.revisions, transform: Parse.revision)
    var revision: Revision

    @Flag(help: "Sizes per path and a summary.")
    var stat = false

    @Flag(help: "Only the A/M/D lines.")
    var nameStatus = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var git: GitIDOptions

    func run() throws {
      // Indexing a big image's layers the first time takes a while: say so on a terminal.
      let repo = try store.repository(
        revisions: [revision], progress: ProgressBar.reporter(), platform: platform)
      let ref = try repo.resolve(revision)
      let changes = try repo.changes(of: ref)
      let tags = try repo.tags().filter { try repo.image($0.descriptor).tip?.id == ref.commit.id }.map(\.name)
      if output.json {
        try Terminal.printJSON(
          CommitJSON(ref.commit, tags: tags, changes: changes, git: git.map(for: repo.store)[ref.commit.id]))
        return
      }
      if nameStatus {
        CommitText.nameStatus(changes).forEach { print($0) }
        return
      }
      let gitID = git.gitIds ? git.map(for: repo.store)[ref.commit.id] ?? "(not mirrored)" : nil
      CommitText.header(ref.commit, tags: tags, git: gitID).forEach { print($0) }
      guard !changes.isEmpty else { return }
      print("")
      (stat ? CommitText.stat(changes) : CommitText.nameStatus(changes)).forEach { print($0) }
    }
  }

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show the file-level difference between two root filesystems.",
      discussion: """
        Lists every path that differs between the filesystems of A and B: A (only in B), \
        D (only in A), M (type, mode, owner, size, content, link target or xattrs differ). \
        Modification times alone are not differences.

        Examples:
          imggit diff base:1 app:1 --stat
          imggit diff app:1@{1} app:1 --exit-code
        """)

    @Argument(help: "The old side.", completion: Completion.revisions, transform: Parse.revision)
    var a: Revision

    @Argument(help: "The new side.", completion: Completion.revisions, transform: Parse.revision)
    var b: Revision

    @Flag(help: "Sizes per path and a summary.")
    var stat = false

    @Flag(help: "Only the A/M/D lines (the default).")
    var nameStatus = false

    @Flag(help: "Exit with status 1 when there are differences.")
    var exitCode = false

    @Flag(name: .shortAndLong, help: "Print nothing; exit with status 1 when there are differences.")
    var quiet = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption

    func run() throws {
      let repo = try store.repository(
        revisions: [a, b], progress: quiet ? nil : ProgressBar.reporter(), platform: platform)
      let changes = try repo.diff(try repo.resolve(a), try repo.resolve(b))
      if output.json && !quiet {
        try Terminal.printJSON(changes.map(ChangeJSON.init))
      } else if !quiet {
        (stat ? CommitText.stat(changes) : CommitText.nameStatus(changes)).forEach { print($0) }
      }
      if (exitCode || quiet) && !changes.isEmpty { throw ExitCode.failure }
    }
  }
}
