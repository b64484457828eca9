import ArgumentParser
import Foundation
import History
import ImageModel
import ImageStore
import LayerFS

extension Imggit {
  struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "extract",
      abstract: "Write a commit's root filesystem, or only its layer's changes, to a folder or a tar.",
      discussion: """
        Without --layer, writes the whole root filesystem at REV, with whiteouts, opaque \
        folders and hard links applied as a container runtime would. With --layer, writes \
        only the entries REV's own layer adds: a build step's output. PATH arguments limit \
        what is written.

        Nothing is ever written outside DIR: layers holding absolute paths or '..' are \
        refused, and no symlink is followed on the way to a file. Run as a non-root user, \
        files keep your ownership (one warning says so). Modes, times, symlinks, hard links \
        and xattrs (where permitted) are restored.

        Examples:
          imggit extract app:1 -C rootfs
          imggit extract app:1 --layer -C out app/dist
          imggit extract app:1~2 -o rootfs.tar
        """)

    @Argument(help: "The commit.", completion: Completion.revisions, transform: Parse.revision)
    var revision: Revision

    @Argument(help: "Paths inside the image to limit the output to.")
    var paths: [String] = []

    @Flag(help: "Only this commit's own layer.")
    var layer = false

    @Option(
      name: .customShort("C"), help: ArgumentHelp("Write into this folder.", valueName: "dir"),
      completion: .directory)
    var directory: String?

    @Option(
      name: .shortAndLong,
      help: ArgumentHelp("Write a tar to this file (- for standard output).", valueName: "file"),
      completion: .file())
    var output: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      guard (directory == nil) != (output == nil) else {
        throw ValidationError("give exactly one of -C DIR and -o FILE")
      }
    }

    func run() throws {
      let repo = try store.repository(revisions: [revision], progress: quiet.progress(), platform: platform)
      let ref = try repo.resolve(revision)
      var warnings = Repository.ExtractReport()
      if let directory {
        let sink = try DirectorySink(path: directory)
        warnings = try repo.extract(ref, layerOnly: layer, paths: paths, into: sink, keepWhiteouts: false)
      } else if output == "-" {
        guard isatty(STDOUT_FILENO) == 0 else {
          throw ValidationError("refusing to write a tar to a terminal; redirect it or use -o FILE")
        }
        warnings = try repo.extract(
          ref, layerOnly: layer, paths: paths,
          into: try TarSink(fileDescriptor: STDOUT_FILENO, context: "standard output"), keepWhiteouts: true)
      } else if let output {
        try OutputFile.write(to: output) { fd in
          warnings = try repo.extract(
            ref, layerOnly: layer, paths: paths, into: try TarSink(fileDescriptor: fd, context: output),
            keepWhiteouts: true)
        }
      }
      for w in warnings.restore + warnings.layer.map(\.withHint) {
        Terminal.printError("imggit: warning: \(w)")
      }
    }
  }
}
