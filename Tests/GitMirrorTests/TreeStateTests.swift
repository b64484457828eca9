import Foundation
import TestSupport
import Testing

@testable import GitMirror

@Suite struct TreeStateTests {
  /// The mirror edits each folder's tree builder in place from commit to commit. After every
  /// step of a random run of sets and removes — names git refuses and names that start with
  /// `~` among them, files turned folders and back, whole folders removed — the tree it
  /// writes is the tree a fresh state given the same files writes.
  @Test func editedTreesAreTheTreesWrittenFromScratch() throws {
    let tmp = try TempDirectory("imggit-tree-state")
    let git = try GitRepository(bareAt: tmp.sub("t.git"), buffered: true)
    let blobs = try ["one", "two", "three"].map { try git.blob(Data($0.utf8)) }
    let names = ["a", "b", ".git", "~a", "~~b", ".GIT", "git~1", ".gitmodules"]
    var model: [String: TreeState.Item] = [:]
    var generator = SystemRandomNumberGenerator()
    let state = TreeState()
    for step in 0..<600 {
      let depth = Int.random(in: 1...3, using: &generator)
      let path = (0..<depth).map { _ in names.randomElement(using: &generator)! }.joined(separator: "/")
      switch Int.random(in: 0..<10, using: &generator) {
      case 0..<5:
        let item = TreeState.Item.blob(
          blobs.randomElement(using: &generator)!, [GitMode.blob, .executable, .symlink].randomElement()!)
        state.set(path, item)
        Self.set(path, item, in: &model)
      case 5..<7:
        state.set(path, .directory)
        Self.set(path, .directory, in: &model)
      default:
        state.remove(path)
        if model[path] != nil { model = model.filter { $0.key != path && !$0.key.hasPrefix(path + "/") } }
      }
      let fresh = TreeState()
      for (p, item) in model.sorted(by: { $0.key < $1.key }) { fresh.set(p, item) }
      let edited = try state.write(git)
      #expect(edited == (try fresh.write(git)), "step \(step): \(path)")
    }
    try git.flush()
  }

  /// What ``TreeState/set(_:_:)`` does to the files it holds: the folders above `path`
  /// become folders, and a blob put where a folder was takes its place with all below it.
  private static func set(_ path: String, _ item: TreeState.Item, in model: inout [String: TreeState.Item]) {
    let parts = path.split(separator: "/")
    for n in 1..<parts.count {
      let folder = parts[..<n].joined(separator: "/")
      if case .directory? = model[folder] { continue }
      model[folder] = .directory
    }
    if case .directory = item, case .directory? = model[path] { return }
    model = model.filter { !$0.key.hasPrefix(path + "/") }
    model[path] = item
  }
}
