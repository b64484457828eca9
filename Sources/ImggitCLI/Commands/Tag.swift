import ArgumentParser
import Foundation
import History
import ImageModel

extension Imggit {
  struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "tag",
      abstract: "List tags, tag any commit, or delete tags.",
      discussion: """
        With no arguments, lists every tag with its tip commit, date, layer count and size. \
        `imggit tag NAME REV` tags any commit, intermediate ones too: the new image keeps \
        the history and layers up to that commit, a complete image that skopeo and umoci \
        read. Every tag move is recorded in the reflog.

        Examples:
          imggit tag
          imggit tag app:base app:1~3
          imggit tag -d app:base
        """)

    @Argument(
      help: "The tag to create, NAME[:TAG] (latest by default).", completion: Completion.tags,
      transform: Parse.tag)
    var name: TagName?

    @Argument(help: "The commit to tag.", completion: Completion.revisions, transform: Parse.revision)
    var revision: Revision?

    @Option(
      name: .shortAndLong, parsing: .upToNextOption,
      help: ArgumentHelp("Delete these tags (their images stay in the reflog).", valueName: "tag"),
      completion: Completion.tags, transform: Parse.tag)
    var delete: [TagName] = []

    @Flag(name: .shortAndLong, help: "Move the tag if it exists already.")
    var force = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      if !delete.isEmpty {
        guard name == nil else { throw ValidationError("tag -d takes only tags to delete") }
      } else if name != nil, revision == nil {
        throw ValidationError("tag NAME needs the commit to tag: imggit tag NAME REV")
      }
    }

    func run() throws {
      if !delete.isEmpty {
        try store.repository(platform: platform).deleteTags(delete)
        for n in delete { quiet.say("Deleted tag \(n)") }
        return
      }
      guard let name, let revision else { return try list() }
      let repo = try store.repository(create: true, platform: platform)
      let ref = try repo.createTag(name, at: revision, force: force)
      if output.json { return try Terminal.printJSON(TagResultJSON(tag: name, commit: ref.commit)) }
      quiet.say(
        "\(Terminal.paint(name.description, .green)) -> \(Terminal.paint(ref.commit.id.short, .yellow)) \(Summary.title(ref.commit))"
      )
    }

    private func list() throws {
      let tags = try store.repository(platform: platform).tagList()
      if output.json {
        try Terminal.printJSON(
          tags.map {
            TagJSON(
              name: $0.name.description, manifest: $0.manifest.description, commit: $0.tip?.id.hex,
              created: $0.created, layers: $0.layers, size: $0.size)
          })
        return
      }
      guard !tags.isEmpty else { return }
      let width = max(4, tags.map(\.name.description.count).max() ?? 0)
      print(
        "NAME".padding(toLength: width, withPad: " ", startingAt: 0)
          + "  COMMIT        CREATED     LAYERS  SIZE")
      for t in tags {
        let name = t.name.description.padding(toLength: width, withPad: " ", startingAt: 0)
        let layers = String(t.layers).leftPad(6)
        print(
          "\(Terminal.paint(name, .green))  \(Terminal.paint(t.tip?.id.short ?? "-".padding(toLength: 12, withPad: " ", startingAt: 0), .yellow))  \(Format.shortDate(t.created).padding(toLength: 10, withPad: " ", startingAt: 0))  \(layers)  \(Format.size(t.size))"
        )
      }
    }

    struct TagJSON: Encodable {
      let name: String
      let manifest: String
      let commit: String?
      let created: String?
      let layers: Int
      let size: Int64
    }
  }
}

extension String {
  func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
