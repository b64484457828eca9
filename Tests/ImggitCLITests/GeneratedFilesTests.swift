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

  @Test func everyCommandAndOptionExplainsItself() throws {
    let cli = try CLI()
    // ArgumentParser's description of the whole command tree, as the man pages are made from.
    let dump = try #require(
      try JSONSerialization.jsonObject(with: Data(cli.ok("--experimental-dump-help").utf8)) as? [String: Any])
    let root = try #require(dump["command"] as? [String: Any])
    let commands = (root["subcommands"] as? [[String: Any]] ?? []).filter {
      $0["commandName"] as? String != "help"
    }
    #expect(commands.count >= 16)
    for c in [root] + commands {
      let name = c["commandName"] as? String ?? "?"
      #expect(!(c["abstract"] as? String ?? "").isEmpty, "\(name) has no abstract")
      #expect((c["discussion"] as? String ?? "").contains("Example"), "\(name)'s discussion has no example")
      for a in c["arguments"] as? [[String: Any]] ?? [] where a["shouldDisplay"] as? Bool != false {
        let names = (a["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let label = names.first ?? a["valueName"] as? String ?? "?"
        #expect(!(a["abstract"] as? String ?? "").isEmpty, "\(name) \(label) has no help")
      }
    }
  }
}
