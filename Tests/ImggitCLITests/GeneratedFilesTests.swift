import Foundation
import TestSupport
import Testing

/// Completions and docs ship with the binary; these tests fail when they fall behind it.
@Suite struct GeneratedFilesTests {
  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsAreCurrent(shell: String) throws {
    let cli = try CLI()
    let r = try cli("--generate-completion-script", shell)
    #expect(r.status == 0)
    let committed = try String(
      contentsOfFile: "\(CLI.packageRoot)/completions/imggit.\(shell)", encoding: .utf8)
    #expect(
      committed == r.stdout, "completions/imggit.\(shell) is out of date: run scripts/generate-completions.sh"
    )
  }

  @Test func everyCommandHasADocPage() throws {
    let cli = try CLI()
    let help = try cli.ok("--help")
    // The first word of each line of the "… SUBCOMMANDS:" sections.
    var commands: [String] = []
    var inSection = false
    for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasSuffix("SUBCOMMANDS:") {
        inSection = true
      } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
        inSection = false
      } else if inSection, line.hasPrefix("  "), line.dropFirst(2).first != " ",
        let w = line.split(separator: " ").first
      {
        commands.append(String(w))
      }
    }
    #expect(commands.count >= 8)
    for c in commands {
      #expect(
        FileManager.default.fileExists(atPath: "\(CLI.packageRoot)/docs/commands/\(c).md"),
        "docs/commands/\(c).md is missing")
    }
  }
}
