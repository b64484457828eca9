import Foundation

/// The outcome of running a program.
public struct RunResult: Sendable {
  public let status: Int32
  public let stdout: String
  public let stderr: String
}

/// Runs `executable` with `arguments`, standard input from `stdinFile` (or nothing), and
/// waits. Output is read through files so large outputs cannot dead-lock the pipes.
@discardableResult
public func run(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:],
  stdinFile: String? = nil, cwd: String? = nil
) throws -> RunResult {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: executable)
  p.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  for (k, v) in environment { env[k] = v }
  p.environment = env
  if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
  let dir = NSTemporaryDirectory() + "run-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: dir) }
  _ = FileManager.default.createFile(atPath: "\(dir)/out", contents: nil)
  _ = FileManager.default.createFile(atPath: "\(dir)/err", contents: nil)
  let out = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/out"))
  let err = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/err"))
  p.standardOutput = out
  p.standardError = err
  if let stdinFile {
    p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinFile))
  } else {
    p.standardInput = FileHandle.nullDevice
  }
  try p.run()
  p.waitUntilExit()
  try out.close()
  try err.close()
  return RunResult(
    status: p.terminationStatus,
    stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/out")), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/err")), as: UTF8.self))
}

/// Finds a program on PATH.
public func which(_ name: String) -> String? {
  for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
    let p = "\(dir)/\(name)"
    if FileManager.default.isExecutableFile(atPath: p) { return p }
  }
  return nil
}
