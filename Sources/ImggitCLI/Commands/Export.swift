import ArgumentParser
import Foundation
import History
import ImageModel
import ImageStore

extension Imggit {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write an image as a tarball for docker load, podman load or skopeo.",
      discussion: """
        REV may be any commit: an intermediate one is exported as the image cut at that \
        commit. --format docker (the default) loads with `docker load` and `podman load` and \
        reads with `skopeo copy docker-archive:FILE`; --format oci reads with \
        `skopeo copy oci-archive:FILE`. The file appears only once it is complete.

        Examples:
          imggit export app:1 -o app.tar
          imggit export app:1~2 --format oci -o base.tar
          imggit export app:1 -o - | docker load
        """)

    @Argument(
      help: "The image or commit to export.", completion: Completion.revisions, transform: Parse.revision)
    var revision: Revision

    @Option(
      name: .shortAndLong, help: ArgumentHelp("Output file, or - for standard output.", valueName: "file"),
      completion: .file())
    var output: String

    @Option(help: "Archive format: docker or oci.")
    var format: Exporter.Format = .docker

    @Option(
      name: .shortAndLong, help: "The name to record in the archive (default: the tag used, if any).",
      transform: Parse.tag)
    var name: TagName?

    @OptionGroup var store: StoreOptions
    @OptionGroup var platform: PlatformOption
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let repo = try store.repository(revisions: [revision], platform: platform)
      let ref = try repo.resolve(revision)
      let data = try repo.imageData(ref)
      var recorded = name
      if recorded == nil { recorded = revision.tagName }
      let exporter = Exporter(store: repo.store, progress: quiet.progress())
      let fmt = format
      if output == "-" {
        guard isatty(STDOUT_FILENO) == 0 else {
          throw ValidationError("refusing to write a tarball to a terminal; redirect it or use -o FILE")
        }
        try exporter.export(
          manifestData: data.manifestData, configData: data.configData, manifest: data.manifest,
          name: recorded, format: fmt, to: STDOUT_FILENO, context: "standard output")
        return
      }
      try OutputFile.write(to: output) { fd in
        try exporter.export(
          manifestData: data.manifestData, configData: data.configData, manifest: data.manifest,
          name: recorded, format: fmt, to: fd, context: output)
      }
      if !quiet.quiet {
        Terminal.printError("exported \(ref.commit.id.short) to \(output) (\(fmt.rawValue) format)")
      }
    }
  }
}

extension Exporter.Format: ExpressibleByArgument {}
