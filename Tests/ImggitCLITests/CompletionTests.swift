import Foundation
import TestSupport
import Testing

/// Completion in real shells, driven through tmux as a person would type.
@Suite struct CompletionTests {
  /// An interactive shell in a detached tmux session, with the built imggit on its PATH and
  /// the test's store as $IMGGIT_STORE.
  final class Session {
    let cli: CLI
    let name = "imggit-\(UUID().uuidString.prefix(8))"
    let socket: String

    init(_ cli: CLI, shell: String) throws {
      try #require(which("tmux") != nil, "tmux is needed (apt-get install tmux)")
      self.cli = cli
      socket = cli.tmp.sub("tmux-\(name).sock")
      let binDir = URL(fileURLWithPath: cli.binary).deletingLastPathComponent().path
      let env =
        "env -i HOME=\(cli.tmp.path) TERM=xterm PATH=\(binDir):/usr/bin:/bin IMGGIT_STORE=\(cli.store)"
      try #require(tmux("new-session -d -s \(name) -x 220 -y 40 '\(env) \(shell)'") == 0)
    }

    deinit { _ = tmux("kill-server") }

    // tmux's server outlives the client; system() waits only for the client, as a shell does.
    @discardableResult
    func tmux(_ args: String) -> Int32 { system("tmux -S '\(socket)' \(args) </dev/null >/dev/null 2>&1") }

    /// Sends tmux key names: quoted text, `Tab`, `Enter`, `C-u`.
    func type(_ keys: String) { tmux("send-keys -t \(name) \(keys)") }

    func screen() -> String {
      let file = cli.tmp.sub("screen-\(name).txt")
      _ = system("tmux -S '\(socket)' capture-pane -p -t \(name) > '\(file)' 2>/dev/null")
      return (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    }

    /// Waits up to five seconds for the screen to hold every one of `texts`. Shells quote
    /// what they insert (bash `app\:1`, zsh `app:1\~`): the same words once read.
    func waitFor(_ texts: String...) -> Bool {
      for _ in 0..<50 {
        let s = screen().replacingOccurrences(of: "\\", with: "")
        if texts.allSatisfy({ s.contains($0) }) { return true }
        Thread.sleep(forTimeInterval: 0.1)
      }
      return false
    }
  }

  func store() throws -> (CLI, commitID: String) {
    let (cli, _) = try CLI.withImages(["app:1"])
    try cli.ok("tag", "web:mid", "app:1~2")
    return (cli, String(try cli.ok("log", "-n1", "--oneline", "app:1~2").prefix(12)))
  }

  @Test func bashCompletesTagsAncestorsAndCommitIDsFromTheStore() throws {
    let (cli, id) = try store()
    let bash = try Session(cli, shell: "bash --norc --noprofile")
    bash.type("'source \(CLI.packageRoot)/completions/imggit.bash' Enter")
    bash.type("'imggit log ap' Tab")
    #expect(bash.waitFor("imggit log app:1"), "screen: \(bash.screen())")
    // A few hex digits complete to the commit id that starts with them.
    bash.type("C-u 'imggit show \(id.prefix(5))' Tab")
    #expect(bash.waitFor("imggit show \(id)"), "screen: \(bash.screen())")
    // Ancestors after `~`, once ':' no longer splits words (docs/completion.md).
    bash.type("C-u 'COMP_WORDBREAKS=${COMP_WORDBREAKS//:}' Enter")
    bash.type("'imggit show app:1~' Tab Tab")
    #expect(bash.waitFor("app:1~1", "app:1~7"), "screen: \(bash.screen())")
  }

  @Test func zshCompletesTagsAndAncestorsFromTheStore() throws {
    try #require(which("zsh") != nil, "zsh is needed (apt-get install zsh)")
    let (cli, id) = try store()
    let zsh = try Session(cli, shell: "zsh -f")
    zsh.type(
      "'autoload -U compinit && compinit -u && source \(CLI.packageRoot)/completions/imggit.zsh' Enter")
    // Tags are listed whole: zsh would read an unescaped ':' as "value:description".
    zsh.type("'imggit log ' Tab Tab")
    #expect(zsh.waitFor("app:1", "web:mid"), "screen: \(zsh.screen())")
    zsh.type("C-u 'imggit show app:1~' Tab Tab")
    #expect(zsh.waitFor("app:1~1", "app:1~7"), "screen: \(zsh.screen())")
    zsh.type("C-u 'imggit show \(id.prefix(5))' Tab")
    #expect(zsh.waitFor("imggit show \(id)"), "screen: \(zsh.screen())")
  }

  @Test func fishCompletesTagsAndAncestorsFromTheStore() throws {
    try #require(which("fish") != nil, "fish is needed (apt-get install fish)")
    let (cli, id) = try store()
    let fish = try Session(cli, shell: "fish --no-config")
    fish.type("'source \(CLI.packageRoot)/completions/imggit.fish' Enter")
    fish.type("'imggit log ap' Tab")
    #expect(fish.waitFor("imggit log app:1"), "screen: \(fish.screen())")
    fish.type("C-u 'imggit show app:1~' Tab")
    #expect(fish.waitFor("app:1~1", "app:1~7"), "screen: \(fish.screen())")
    // C-c closes the pager and starts a new prompt; fish repaints before it reads more.
    fish.type("C-c")
    Thread.sleep(forTimeInterval: 0.5)
    fish.type("'imggit show \(id.prefix(5))' Tab")
    #expect(fish.waitFor("imggit show \(id)"), "screen: \(fish.screen())")
  }
}
