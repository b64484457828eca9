import ArgumentParser
import Foundation
import History
import ImageModel

extension Imggit {
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Squash a range of commits into one layer (COMPRESS).",
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

        Examples:
          imggit merge --squash base:1..app:1
          imggit merge --squash app:1~5..app:1 -t app:slim -m "app layers"
          imggit merge --squash app:1 -t app:flat --compression zstd
        """)

    @Flag(help: "Squash (the only kind of merge so far).")
    var squash = false

    @Argument(
      help: "BASE..IMAGE, or IMAGE to flatten it all.", completion: Completion.revisions,
      transform: Parse.spec)
    var range: RevisionSpec

    @Option(
      name: .shortAndLong, help: "Tag the result NAME[:TAG] (default: move IMAGE's tag).",
      completion: Completion.tags, transform: Parse.tag)
    var tag: TagName?

    @Option(name: .shortAndLong, help: ArgumentHelp("created_by of the new commit.", valueName: "message"))
    var message: String?

    @Option(help: "Layer compression: gzip, zstd or none.")
    var compression: CompressionOption = .gzip

    @Option(help: "Compression level (gzip 1-9, default 6; zstd 1-19, default 3).")
    var level: Int?

    @OptionGroup var store: StoreOptions

    func validate() throws {
      guard squash else {
        throw ValidationError("give --squash: merging two images' histories is not available yet")
      }
    }

    func run() throws {
      var options = LayerOptions()
      options.compression = compression.value
      options.level = level
      if let sde = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
        guard let v = Int64(sde) else {
          throw ValidationError("SOURCE_DATE_EPOCH must be a number of seconds, not \(sde)")
        }
        options.sourceDateEpoch = v
      }
      let (base, image): (Revision?, Revision)
      switch range {
      case .single(let r): (base, image) = (nil, r)
      case .range(let a, let b): (base, image) = (a, b)
      }
      let r = try store.repository().squash(
        base: base, image: image, tag: tag, message: message, options: options)
      let c = r.ref.commit
      print(
        "\(Terminal.paint(r.tag.description, .green)) -> \(Terminal.paint(c.id.short, .yellow)) squashed \(r.squashed) commit\(r.squashed == 1 ? "" : "s") into one: \(r.changed) path\(r.changed == 1 ? "" : "s") written, \(r.removed) removed [\(c.layer.map { Format.size($0.size) } ?? "empty")]"
      )
    }
  }
}
