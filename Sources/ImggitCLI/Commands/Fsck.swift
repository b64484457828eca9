import ArgumentParser
import Foundation
import History

extension Imggit {
  struct Fsck: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fsck",
      abstract: "Verify every blob and every image of the store.",
      discussion: """
        Hashes every blob and compares it with its name; checks that every image the index \
        and the reflogs name has its manifest, config and layers, with the sizes their \
        descriptors give and as many layers as the config's non-empty history entries. \
        Each problem is printed with the digest and path involved; the exit status is 1 if \
        there is any. Warnings (a reflog that disagrees with index.json, a tag update \
        that was interrupted and that the next command completes) lose nothing and do \
        not change the exit status. Layers of partial images (imggit pull --layers none or         top) that a registry promises are listed apart and are not problems.

        Example:
          imggit fsck
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let repo = try store.repository(progress: quiet.progress())
      let report = repo.fsck()
      if output.json {
        try Terminal.printJSON(
          FsckJSON(
            blobs: report.blobsChecked, bytes: report.bytesChecked, images: report.imagesChecked,
            problems: report.problems.map {
              .init(digest: $0.digest?.description, path: $0.path, message: $0.message)
            },
            warnings: report.warnings.map {
              .init(digest: $0.digest?.description, path: $0.path, message: $0.message)
            },
            promised: report.promised.map {
              .init(digest: $0.digest.description, size: $0.size, source: $0.source)
            }))
      } else {
        for p in report.problems { print(Terminal.paint("error", .red) + ": \(p.message)") }
        for w in report.warnings { print(Terminal.paint("warning", .yellow) + ": \(w.message)") }
        var summary =
          "checked \(Format.count(report.blobsChecked, "blob")) (\(Format.size(report.bytesChecked))) and \(Format.count(report.imagesChecked, "image"))"
        if !report.promised.isEmpty {
          let bytes = report.promised.totalSize(\.size)
          let sources = Set(report.promised.map(\.source)).sorted().joined(separator: ", ")
          summary +=
            "; \(Format.count(report.promised.count, "layer")) (\(Format.size(bytes))) promised by \(sources)"
        }
        quiet.say(
          report.problems.isEmpty
            ? "\(summary): ok"
            : "\(summary): \(Format.count(report.problems.count, "problem"))")
      }
      if !report.problems.isEmpty { throw ExitCode.failure }
    }

    struct FsckJSON: Encodable {
      struct Problem: Encodable {
        let digest: String?
        let path: String?
        let message: String
      }
      let blobs: Int
      let bytes: Int64
      let images: Int
      let problems: [Problem]
      let warnings: [Problem]
      let promised: [Promise]

      struct Promise: Encodable {
        let digest: String
        let size: Int64
        let source: String
      }
    }
  }
}
