import ArgumentParser
import Foundation
import ImageStore

extension Imggit {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Create an empty image store (an OCI image layout).",
      discussion: """
        Creates DIR (or the store named by --store, $IMGGIT_STORE or the default) as an OCI \
        image layout that skopeo (oci:DIR:TAG) and umoci (DIR:TAG) read and write too. \
        An existing layout is left as it is.

        Example:
          imggit init ./images
        """)

    @Argument(help: "The folder to create.", completion: .directory)
    var directory: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
      var options = store
      if let directory { options.store = directory }
      let s = try options.open(create: true)
      quiet.say("Image store ready in \(s.path)")
    }
  }
}
