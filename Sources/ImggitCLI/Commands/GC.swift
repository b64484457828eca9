import ArgumentParser
import Foundation
import History

extension Imggit {
  struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "gc",
      abstract: "Delete blobs and caches that no tag and no reflog entry reaches.",
      discussion: """
        The only command that deletes blobs. Everything a tag or any reflog entry reaches \
        stays, so every rewrite can still be undone. gc sweeps only while no other imggit \
        command has the store open (it waits for them, and says so), so an import or a \
        commit running beside it loses nothing; blobs and temporary files younger than an \
        hour stay too, for other tools writing into the layout. Any read error stops gc \
        before it deletes anything. --expire-reflog drops reflog entries older than \
        the given age first (30d, 12h, 45m, 0 for all), which lets gc free what only old \
        entries kept alive.

        Examples:
          imggit gc --dry-run
          imggit gc --expire-reflog 90d
        """)

    @Flag(help: "Report what would be deleted; delete nothing.")
    var dryRun = false

    @Option(
      help: ArgumentHelp(
        "Drop reflog entries older than this first (30d, 12h, 45m, 90s, 0).", valueName: "age"))
    var expireReflog: String?

    @Option(help: ArgumentHelp("Keep blobs younger than this (default 1h).", valueName: "age"))
    var grace: String = "1h"

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      if let e = expireReflog { _ = try GC.seconds(e) }
      _ = try GC.seconds(grace)
    }

    func run() throws {
      let report = try store.repository().gc(
        dryRun: dryRun, expireReflog: try expireReflog.map(GC.seconds), grace: try GC.seconds(grace),
        whileWaiting: { Terminal.printError("gc: waiting for other imggit commands on this store to finish") }
      )
      if output.json {
        try Terminal.printJSON(
          GCJSON(
            dryRun: dryRun, blobs: report.blobs.map(\.description), bytes: report.bytes,
            caches: report.caches,
            reflogEntries: report.reflogEntries, promises: report.promises))
        return
      }
      let verb = dryRun ? "would remove" : "removed"
      for d in report.blobs { quiet.say("\(verb) \(d)") }
      quiet.say(
        "\(verb) \(Format.count(report.blobs.count, "blob")) (\(Format.size(report.bytes))), \(Format.count(report.caches, "cached index", plural: "cached indexes")), \(Format.count(report.reflogEntries, "reflog entry", plural: "reflog entries"))\(report.promises > 0 ? ", \(Format.count(report.promises, "promise"))" : "")"
      )
    }

    /// `30d`, `12h`, `45m`, `90s`, or a plain number of seconds.
    static func seconds(_ s: String) throws -> TimeInterval {
      let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
      if let unit = s.last, let factor = units[unit], let n = Double(s.dropLast()), n >= 0 {
        return n * factor
      }
      if let n = Double(s), n >= 0 { return n }
      throw ValidationError("\(s) is not an age: use a number with s, m, h, d or w (30d)")
    }

    struct GCJSON: Encodable {
      let dryRun: Bool
      let blobs: [String]
      let bytes: Int64
      let caches: Int
      let reflogEntries: Int
      let promises: Int

      enum CodingKeys: String, CodingKey {
        case blobs, bytes, caches, promises
        case dryRun = "dry_run"
        case reflogEntries = "reflog_entries"
      }
    }
  }
}
