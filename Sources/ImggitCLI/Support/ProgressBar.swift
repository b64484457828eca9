import ArgumentParser
import Foundation
import ImageStore

/// `--quiet` for commands that change things: no summary on standard output, no progress
/// bar on standard error. Errors and warnings are still printed.
struct QuietOption: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings: no summary, no progress bar.")
  var quiet = false

  /// A reporter that draws a progress bar, or nil when quiet or standard error is not a terminal.
  func progress() -> ProgressReporter? { quiet ? nil : ProgressBar.reporter() }

  /// Prints a summary line unless quiet.
  func say(_ line: String) { if !quiet { print(line) } }
}

/// A git-like progress line on standard error, redrawn in place:
///
///     Squashing  42% [##########              ] 258 MB / 613 MB, 48.2 MB/s
///
/// It appears only on a terminal, only once the command has run for a second
/// (`IMGGIT_PROGRESS_DELAY` seconds), at most ten times a second; a finished phase that was
/// drawn stays on screen ending in ", done.", as git leaves its own.
final class ProgressBar: @unchecked Sendable {
  /// The one line on screen, shared so an error printed mid-phase starts on a line of its own.
  static let shared = ProgressBar()

  private let lock = NSLock()
  private let began = Date()
  private let delay: TimeInterval
  private var lastDraw = Date.distantPast
  private var phaseBegan = Date()
  private var phase = 0
  /// True while a drawn, unfinished line is on screen.
  private var lineOpen = false
  /// How many item lines are drawn below the phase's line; the cursor ends the last one.
  private var below = 0
  /// At most this many parts get a line of their own (the rest count in the total).
  private static let maxItems = 8

  private init() {
    let env = ProcessInfo.processInfo.environment
    delay = env["IMGGIT_PROGRESS_DELAY"].flatMap(TimeInterval.init) ?? 1
  }

  /// A reporter that draws on standard error, or nil when standard error is not a terminal.
  static func reporter() -> ProgressReporter? {
    let env = ProcessInfo.processInfo.environment
    guard isatty(STDERR_FILENO) == 1, env["TERM"] != "dumb" else { return nil }
    let bar = shared
    return ProgressReporter { bar.update($0) }
  }

  /// Ends a line left open by an unfinished phase, before an error or warning is printed.
  static func breakLine() {
    shared.lock.withLock {
      if shared.lineOpen {
        shared.write("\n")
        shared.lineOpen = false
        shared.below = 0
      }
    }
  }

  private func update(_ state: ProgressReporter.State) {
    lock.withLock {
      let now = Date()
      // A new phase is drawn at once (past the delay), so even a short one shows it ran.
      var fresh = false
      if state.serial != phase {
        phase = state.serial
        phaseBegan = now
        lineOpen = false
        below = 0
        fresh = true
      }
      if state.finished {
        if lineOpen { draw(line(state, now: now) + ", done.", items: []) }
        if lineOpen { write("\n") }
        lineOpen = false
        below = 0
        return
      }
      guard now.timeIntervalSince(began) >= delay, fresh || now.timeIntervalSince(lastDraw) >= 0.1 else {
        return
      }
      lastDraw = now
      lineOpen = true
      let items = state.items.prefix(Self.maxItems).map { itemLine($0, unit: state.unit) }
      draw(line(state, now: now), items: items)
    }
  }

  /// Redraws the phase's line and one line per item under it, clearing item lines of the
  /// last drawing that are gone; the cursor ends on the last line drawn.
  private func draw(_ head: String, items: [String]) {
    var out = below > 0 ? "\u{1b}[\(below)A\r" : "\r"
    out += head + "\u{1b}[K"
    for item in items { out += "\n" + item + "\u{1b}[K" }
    let gone = below - items.count
    if gone > 0 { out += String(repeating: "\n\u{1b}[K", count: gone) + "\u{1b}[\(gone)A" }
    below = items.count
    write(out)
  }

  /// `  3f2a9c1d07b4  42% [########            ] 1.2 MB / 3.0 MB`
  private func itemLine(_ item: ProgressReporter.Item, unit: ProgressReporter.Unit) -> String {
    func amount(_ n: Int64) -> String { unit == .bytes ? Format.size(n) : String(n) }
    guard let total = item.total, total > 0 else { return "  \(item.name) \(amount(item.completed))" }
    let done = min(max(item.completed, 0), total)
    let fraction = Double(done) / Double(total)
    let filled = Int(fraction * 20)
    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 20 - filled)
    let text =
      "  \(item.name) \(String(Int(fraction * 100)).leftPad(3))% [\(bar)] \(amount(done)) / \(amount(total))"
    return String(text.prefix(max(20, Terminal.width() - 1)))
  }

  private func line(_ s: ProgressReporter.State, now: Date) -> String {
    func amount(_ n: Int64) -> String {
      switch s.unit {
      case .bytes: return Format.size(n)
      case .items: return String(n)
      }
    }
    var head = s.phase
    var tail: String
    var fraction: Double?
    if let total = s.total, total > 0 {
      let done = s.finished ? total : min(s.completed, total)
      fraction = Double(done) / Double(total)
      head += " " + String(Int(fraction! * 100)).leftPad(3) + "%"
      tail = "\(amount(done)) / \(amount(total))"
      if case .items(let noun) = s.unit { tail = "\(done)/\(total) \(noun)" }
    } else {
      tail = amount(s.completed)
      if case .items(let noun) = s.unit { tail += " \(noun)" }
    }
    let seconds = now.timeIntervalSince(phaseBegan)
    if s.unit == .bytes, seconds >= 0.5 {
      tail += ", \(Format.size(Int64(Double(s.completed) / seconds)))/s"
    }
    // Room is kept for ", done." so the finished line does not wrap either.
    let width = Terminal.width() - 8
    let room = width - head.count - tail.count - 4
    if let fraction, room >= 10 {
      let bars = min(30, room)
      let filled = Int(fraction * Double(bars))
      head +=
        " [" + String(repeating: "#", count: filled) + String(repeating: " ", count: bars - filled) + "]"
    }
    return String((head + " " + tail).prefix(max(20, width)))
  }

  private func write(_ s: String) {
    FileHandle.standardError.write(Data(s.utf8))
  }
}
