import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

/// The store faults of issue 28, each through the real binary: stores that must be made,
/// stores that cannot be written, forced tags under contention, a killed mirror's temp
/// files, a reflog that cannot record a move, sizes no file can have, and `--jobs` bounds.
@Suite(.serialized) struct StoreFaultTests {
  /// A store with app:1 (two layers) made in-process, and the store.
  func small() throws -> (CLI, Store) { try IntegrityCommandTests().small() }

  /// A failure with one `imggit: ` line.
  func oneLine(_ r: RunResult) -> Bool {
    let lines = r.stderr.split(separator: "\n")
    return r.status == 1 && lines.count == 1 && lines[0].hasPrefix("imggit: ")
  }

  /// Runs `imggit ARGS` on the store at `store`.
  func imggit(_ cli: CLI, store: String, _ args: [String]) throws -> RunResult {
    try run(cli.binary, args, environment: ["IMGGIT_STORE": store])
  }

  // MARK: - --jobs

  @Test func jobsIsBoundedAndAHugeCountIsAUsageError() throws {
    let (cli, _) = try small()
    // A registry makes the unbounded count spin, as it did, rather than fail to connect.
    let registry = TestRegistry.available ? try TestRegistry(tmp: cli.tmp) : nil
    let target = "\(registry?.address ?? "127.0.0.1:1")/team/app:1"
    for jobs in ["9223372036854775807", "65", "0"] {
      let r = try run(
        "/usr/bin/timeout", ["60", cli.binary, "push", "--insecure", "--jobs", jobs, "app:1", target],
        environment: ["IMGGIT_STORE": cli.store])
      #expect(
        r.status == 64 && r.stderr.contains("--jobs must be between 1 and 64"),
        "\(jobs): \(r.status) \(r.stderr)")
    }
    if registry != nil { try cli.ok("push", "--insecure", "--jobs", "64", "app:1", target) }
  }
}
