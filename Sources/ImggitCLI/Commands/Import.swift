import ArgumentParser
import Foundation
import ImageModel
import ImageStore
import LayerFS

extension Imggit {
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Copy images into the store from an archive or an OCI layout.",
      discussion: """
        SOURCE is a `docker save` tarball (classic or the OCI layout newer Docker writes), an \
        OCI archive, an OCI layout folder (oci:DIR[:TAG] or a plain folder), or - for \
        standard input. Compressed tarballs are read as they are. Every blob is verified \
        while it is copied; blobs the store has are not copied again. Every layer new to the \
        store is then read once: its tar must match the config's DiffID, and the read \
        indexes its files for the commands that read layers. The archive's tags are kept \
        unless --tag is given. A bad source leaves the store as it was.

        Examples:
          docker save app:1 | imggit import -
          imggit import oci:/var/lib/images:base:1
          imggit import build.tar --tag app:2
        """)

    @Argument(help: "Archive file, oci:DIR[:TAG], folder, or - for standard input.", completion: .file())
    var source: String

    @Option(
      name: [.short, .long], help: "Tag the imported image NAME[:TAG] (one image only).", transform: Parse.tag
    )
    var tag: TagName?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let src = try ImportSource(parsing: source)
      let s = try store.open(create: true)
      let progress = quiet.progress()
      let imported = try Importer(
        store: s, progress: progress, check: IncomingIndexes(store: s, progress: progress)
      ).run(src, tag: tag)
      if output.json {
        try Terminal.printJSON(
          imported.map {
            ImportJSON(
              manifest: $0.descriptor.digest.description, tags: $0.tags.map(\.description),
              newBlobs: $0.newBlobs, leftOut: $0.leftOut)
          })
        return
      }
      for i in imported {
        let names = i.tags.map { Terminal.paint($0.description, .green) }.joined(separator: ", ")
        quiet.say(
          "imported \(names) \(i.descriptor.digest.short) (\(Format.count(i.newBlobs, "new blob")))"
        )
        for p in i.leftOut {
          Terminal.printError(
            "imggit: warning: \(p) left out of \(i.descriptor.digest.short): not all its blobs are in \(source)"
          )
        }
      }
    }

    struct ImportJSON: Encodable {
      let manifest: String
      let tags: [String]
      let newBlobs: Int
      /// Platforms of an index the source did not hold whole.
      let leftOut: [String]

      enum CodingKeys: String, CodingKey {
        case manifest, tags
        case newBlobs = "new_blobs"
        case leftOut = "left_out"
      }
    }
  }
}
