import Foundation
import TestSupport
import Testing

/// Every input the fuzzers start from or once crashed on (Tests/Fuzz), replayed through the
/// fuzz targets built without libFuzzer: a crash found once stays fixed.
@Suite struct FuzzRegressionTests {
  @Test(arguments: ["revision", "json", "layer", "archive", "registry"])
  func replay(_ target: String) throws {
    let binary = URL(fileURLWithPath: try CLI.findBinary()).deletingLastPathComponent()
      .appendingPathComponent(
        "imggit-fuzz"
      ).path
    let root = CLI.packageRoot + "/Tests/Fuzz"
    let r = try run(binary, [target, "\(root)/corpus/\(target)", "\(root)/regressions/\(target)"])
    #expect(r.status == 0, "imggit-fuzz \(target): status \(r.status): \(r.stderr)")
    #expect(r.stdout.contains("no crash") && !r.stdout.contains(": 0 inputs"), "\(r.stdout)")
  }
}
