import ArgumentParser
import Foundation
import History
import ImageModel
import ImageStore

extension Imggit {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
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
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let repo = try store.repository()
      let ref = try repo.resolve(revision)
      let data = try repo.imageData(ref)
      var recorded = name
      if recorded == nil, case .name(let s) = revision { recorded = try? TagName(parsing: s) }
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

/// Writes an output file through a temporary name, so a failed run leaves no partial file.
/// A device or pipe (`-o /dev/null`, a named pipe) is written in place: renaming over it
/// would replace the device with a file.
enum OutputFile {
  static func write(to path: String, _ body: (Int32) throws -> Void) throws {
    var st = stat()
    if stat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG, st.st_mode & S_IFMT != S_IFDIR {
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw StoreError.io(operation: "open", path: path, errno: errno) }
      defer { close(fd) }
      return try body(fd)
    }
    let temp = path + ".imggit-tmp"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw StoreError.io(operation: "create", path: temp, errno: errno) }
    do {
      try body(fd)
      guard fsync(fd) == 0 else { throw StoreError.io(operation: "fsync", path: temp, errno: errno) }
      close(fd)
      guard rename(temp, path) == 0 else {
        throw StoreError.io(operation: "rename", path: path, errno: errno)
      }
    } catch {
      close(fd)
      unlink(temp)
      throw error
    }
  }
}

extension Exporter.Format: ExpressibleByArgument {}
