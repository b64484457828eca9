import ArgumentParser
import Foundation
import GitMirror
import History
import ImageModel

extension Imggit {
  struct MirrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "mirror",
      abstract: "Write the image history into a real git repository (through libgit2).",
      discussion: """
        One git commit per image commit (config-only ones too), with the image's parents, \
        so images on a shared base share git history. Each tree holds rootfs/ (the root \
        filesystem at that commit: files as a small metadata text, or their bytes with \
        --content), layer.json, and at tagged tips config.json and manifest.json. Author, \
        date and message come from the history entry: the same store gives the same commit \
        ids on any machine. Tags become refs/tags/NAME@TAG. A second run adds only what is \
        new and moves refs; refs of deleted tags are removed.

        Examples:
          imggit mirror
          git -C ~/.local/share/imggit/.imggit/mirror.git log --graph --all --oneline
          git -C … log --format=%s -- rootfs/etc/passwd
          imggit mirror --git /tmp/history.git --content
        """)

    @Option(
      name: .customLong("git"),
      help: ArgumentHelp("The bare repository (default: .imggit/mirror.git in the store).", valueName: "dir"),
      completion: .directory)
    var gitPath: String?

    @Flag(help: "Mirror files' bytes instead of their metadata.")
    var content = false

    @Flag(help: "Every tagged image (the default when no REV is given).")
    var all = false

    @Argument(
      help: "Commits to mirror with their history (no refs are written for these).",
      completion: Completion.revisions, transform: Parse.revision)
    var revisions: [Revision] = []

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      if all && !revisions.isEmpty {
        throw ValidationError("--all mirrors every tagged image; give it or REVs, not both")
      }
    }

    func run() throws {
      let repo = try store.repository(revisions: revisions, progress: quiet.progress(), platform: platform)
      let report = try Mirror(repository: repo).run(
        revisions: revisions, content: content, gitPath: gitPath)
      if output.json {
        try Terminal.printJSON(
          MirrorJSON(
            path: report.path, commits: report.commits, newCommits: report.newCommits, refs: report.refs,
            removedRefs: report.removedRefs))
        return
      }
      quiet.say(
        "mirrored \(Format.count(report.commits, "commit")) (\(report.newCommits) new) and \(Format.count(report.refs.count, "ref")) into \(report.path)"
      )
      for r in report.removedRefs { quiet.say("removed \(r)") }
    }

    struct MirrorJSON: Encodable {
      let path: String
      let commits: Int
      let newCommits: Int
      let refs: [String]
      let removedRefs: [String]

      enum CodingKeys: String, CodingKey {
        case path, commits, refs
        case newCommits = "new_commits"
        case removedRefs = "removed_refs"
      }
    }
  }
}
