import Foundation

/// A fresh folder under the system temp folder, removed when the value goes away.
public final class TempDirectory: @unchecked Sendable {
  public let path: String

  public init(_ label: String = "imggit-test") throws {
    let base = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    path = base
  }

  deinit {
    // FileManager gives up on paths longer than PATH_MAX (the hostile-layer tests make them).
    if (try? FileManager.default.removeItem(atPath: path)) == nil {
      _ = try? run("/bin/rm", ["-rf", path])
    }
  }

  public func sub(_ name: String) -> String { "\(path)/\(name)" }
}

/// Every file below `root` with its bytes, for before/after comparisons of a whole store.
public func snapshot(_ root: String) throws -> [String: Data] {
  var result: [String: Data] = [:]
  guard let e = FileManager.default.enumerator(atPath: root) else { return result }
  for case let rel as String in e {
    var isDir: ObjCBool = false
    let full = "\(root)/\(rel)"
    _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDir)
    result[rel] = isDir.boolValue ? Data() : try Data(contentsOf: URL(fileURLWithPath: full))
  }
  return result
}
