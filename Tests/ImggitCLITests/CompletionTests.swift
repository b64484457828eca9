import Foundation
import TestSupport
import Testing

/// Completion in a real bash, driven through tmux as a person would type.
@Suite struct CompletionTests {
  @Test func bashCompletesTagsAndRevisionsFromTheStore() throws {
    let cli = try CLI()
    let fx = try cli.fixture()
    try cli.ok("import", "oci:\(fx):app:1")
    try #require(which("tmux") != nil, "tmux is needed (apt-get install tmux)")
    let session = "imggit-\(UUID().uuidString.prefix(8))"
    let socket = cli.tmp.sub("tmux.sock")
    let binDir = URL(fileURLWithPath: cli.binary).deletingLastPathComponent().path
    // tmux's server outlives the client; system() waits only for the client, as a shell does.
    func tmux(_ args: String) -> Int32 { system("tmux -S '\(socket)' \(args) </dev/null >/dev/null 2>&1") }
    let shell =
      "env -i HOME=\(cli.tmp.path) TERM=xterm PATH=\(binDir):/usr/bin:/bin IMGGIT_STORE=\(cli.store) bash --norc --noprofile"
    try #require(tmux("new-session -d -s \(session) -x 220 -y 40 '\(shell)'") == 0)
    defer { _ = tmux("kill-server") }
    func type(_ keys: String) { _ = tmux("send-keys -t \(session) \(keys)") }
    func screen() -> String {
      let file = cli.tmp.sub("screen.txt")
      _ = system("tmux -S '\(socket)' capture-pane -p -t \(session) > '\(file)' 2>/dev/null")
      return (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    }
    // bash escapes the ':' it inserts (`app\:1`): the same word once the shell reads it.
    func waitFor(_ text: String) -> Bool {
      for _ in 0..<50 {
        let s = screen()
        if s.contains(text) || s.contains(text.replacingOccurrences(of: ":", with: "\\:")) { return true }
        Thread.sleep(forTimeInterval: 0.1)
      }
      return false
    }
    type("'source \(CLI.packageRoot)/completions/imggit.bash' Enter")
    type("'imggit log ap' Tab")
    #expect(waitFor("imggit log app:1"), "screen: \(screen())")
    // A few hex digits complete to the commit id that starts with them.
    let id = String(try cli.ok("log", "-n1", "--oneline", "app:1~2").prefix(12))
    type("C-u")
    type("'imggit show \(id.prefix(5))' Tab")
    #expect(waitFor("imggit show \(id)"), "screen: \(screen())")
  }
}
