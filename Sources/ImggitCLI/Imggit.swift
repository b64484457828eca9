internal import CLinux
import ArgumentParser
import Errors
import Foundation
import History
import ImageModel
import ImageStore
import GitMirror
import LayerFS
import TarStream

/// The `imggit` command: subcommands only, grouped the way `imggit --help` shows them.
public struct Imggit: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "imggit",
    abstract: "Container image layers as git commits: log, tag, reset, squash, rebase.",
    discussion: """
      imggit works on an OCI image layout folder (the store) with no container engine. \
      Every entry of an image's history is a commit; tags point at images.

      The store is --store DIR, else $IMGGIT_STORE, else $XDG_DATA_HOME/imggit \
      (~/.local/share/imggit), created on first use.

      Output is text for people, in colour only on a terminal and never with NO_COLOR; \
      listing commands take --json. Long work draws a progress line on standard error \
      when it is a terminal; -q silences summaries and progress.

      Example:
        imggit import app.tar --tag app:1
        imggit log --graph --all
        imggit tag app:base app:1~3
      """,
    version: "0.1.0",
    groupedSubcommands: [
      CommandGroup(
        name: "History", subcommands: [Log.self, Show.self, Diff.self, Commit.self, Merge.self, Rebase.self]),
      CommandGroup(name: "Tags", subcommands: [TagCommand.self, Reset.self, Reflog.self]),
      CommandGroup(name: "Transport", subcommands: [Import.self, Export.self, Extract.self]),
      CommandGroup(name: "Registries", subcommands: [Pull.self, Push.self, Login.self, Logout.self]),
      CommandGroup(name: "Store", subcommands: [Init.self, Fsck.self, GC.self, MirrorCommand.self]),
    ]
  )

  public init() {}
}

/// The process entry point: parses, runs, and prints any error once as `imggit: <message>`.
public enum ImggitMain {
  public static func main() {
    setlocale(LC_CTYPE, "C.UTF-8")
    // glibc gives every thread that allocates an arena of its own, which keeps what it frees:
    // the compressor's workers each held a few chunks that way (3-5 MB of a squash's peak).
    _ = csystem_limit_arenas(2)
    // A closed pipe (`imggit log | head`) must end the process quietly, not with SIGPIPE noise.
    signal(SIGPIPE, SIG_DFL)
    do {
      var command = try Imggit.parseAsRoot()
      try command.run()
      Sessions.shutdown()
      StoreOptions.saveCaches()
    } catch {
      fail(error)
    }
  }

  /// Prints `error` once and exits. Help and version requests go through ArgumentParser
  /// unchanged; imggit's own errors become `imggit: <message>` (with a hint about the
  /// command's flags where one helps), usage errors also point at `imggit help`, and any
  /// other failure (a system error from Foundation) is one line too.
  static func fail(_ error: any Error) -> Never {
    // What an error says may come from a registry, an archive or a file name: one line, and
    // never a terminal escape.
    if let error = error as? any ImggitError {
      Terminal.printError("imggit: \(Hints.line(for: error).escapingControlCharacters)")
      Foundation.exit(1)
    }
    let code = Imggit.exitCode(for: error)
    if code == .failure && !(error is ExitCode) {
      Terminal.printError("imggit: \(Imggit.message(for: error).escapingControlCharacters)")
      Foundation.exit(1)
    }
    // An exit status the command chose (diff --exit-code, fsck) ends a command that worked.
    if error is ExitCode { StoreOptions.saveCaches() }
    if code == .success || error is ExitCode { Imggit.exit(withError: error) }
    Terminal.printError("imggit: \(Imggit.message(for: error).escapingControlCharacters)\nSee 'imggit help'.")
    Foundation.exit(code.rawValue)
  }
}
