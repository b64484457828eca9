import Foundation
import ImageModel
import ImageStore

/// One line of `imggit log`: a commit, the tags that point at it, and its graph drawing.
public struct LogEntry: Sendable {
  public let commit: Commit
  /// Tags whose image has this commit as its tip.
  public let tags: [TagName]
  /// The graph columns before the commit (`* | `), empty without `--graph`.
  public var graph: String = ""
  /// Lines of graph drawn after this commit where lanes join (`|/`).
  public var graphAfter: [String] = []
}

extension Repository {
  /// The commits `specs` reach, newest first; with no specs, every tagged image's.
  ///
  /// A range `A..B` gives the commits of B that are not in A. The order is topological
  /// (children before parents); between branches the newer tip comes first, and a branch is
  /// followed down to where it joins another, as `git log --graph` does.
  public func log(_ specs: [RevisionSpec], all: Bool, graph: Bool, limit: Int? = nil) throws -> [LogEntry] {
    var included: [CommitID: Commit] = [:]
    var excluded = Set<CommitID>()
    func chain(_ ref: CommitRef) -> ArraySlice<Commit> { ref.image.commits[...ref.position] }
    if all || specs.isEmpty {
      for (_, image) in try taggedImages() {
        for c in image.commits { included[c.id] = c }
      }
    }
    for spec in specs {
      switch spec {
      case .single(let r):
        for c in chain(try resolve(r)) { included[c.id] = c }
      case .range(let a, let b):
        excluded.formUnion(chain(try resolve(a)).map(\.id))
        for c in chain(try resolve(b)) { included[c.id] = c }
      }
    }
    for id in excluded { included[id] = nil }

    var decorations: [CommitID: [TagName]] = [:]
    preload(try tags().map(\.descriptor))
    for tag in try tags() {
      if let tip = try image(tag.descriptor).tip { decorations[tip.id, default: []].append(tag.name) }
    }
    var entries = LogOrder.sort(Array(included.values)).map {
      LogEntry(commit: $0, tags: decorations[$0.id] ?? [])
    }
    if let limit { entries = Array(entries.prefix(limit)) }
    if graph { GraphLayout.draw(&entries) }
    return entries
  }
}

/// The order `log` prints commits in.
enum LogOrder {
  /// Newest tip first, each followed down its branch until a commit that another branch
  /// still needs; then the newest tip left. A parent becomes ready exactly when its last
  /// child is printed, so it is always taken next: only tips wait, sorted once (dates parsed
  /// once per commit), which keeps this O(n log n) for a store of thousands of images.
  static func sort(_ commits: [Commit]) -> [Commit] {
    let byID = Dictionary(commits.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var pendingChildren: [CommitID: Int] = [:]
    for c in commits { if let p = c.parent, byID[p] != nil { pendingChildren[p, default: 0] += 1 } }
    let time = Dictionary(
      commits.map { ($0.id, Dates.parse($0.history.created) ?? .distantPast) },
      uniquingKeysWith: { a, _ in a })
    // Oldest first, so the newest is at the end.
    var tips = commits.filter { (pendingChildren[$0.id] ?? 0) == 0 }.sorted {
      time[$0.id]! != time[$1.id]! ? time[$0.id]! < time[$1.id]! : $0.id < $1.id
    }
    var out: [Commit] = []
    out.reserveCapacity(commits.count)
    var next: Commit? = nil
    while let c = next ?? tips.popLast() {
      next = nil
      out.append(c)
      if let p = c.parent, let parent = byID[p] {
        pendingChildren[p]! -= 1
        if pendingChildren[p] == 0 { next = parent }
      }
    }
    return out
  }
}

/// Lane drawing for `log --graph`. Every commit has one parent, so lanes only ever join.
///
/// A store of a thousand images on one base keeps a thousand lanes open down to the base,
/// so each line is built as bytes in one pass over the lanes: the drawing is quadratic in
/// characters (as git's is), but nothing else is.
enum GraphLayout {
  static func draw(_ entries: inout [LogEntry]) {
    var lanes: [CommitID?] = []
    var row: [UInt8] = []
    for i in entries.indices {
      let c = entries[i].commit
      let col: Int
      if let open = lanes.firstIndex(of: c.id) {
        col = open
      } else if let free = lanes.firstIndex(of: nil) {
        lanes[free] = c.id
        col = free
      } else {
        lanes.append(c.id)
        col = lanes.count - 1
      }
      var joining = [Bool](repeating: false, count: lanes.count)
      var joins = false
      row.removeAll(keepingCapacity: true)
      for k in lanes.indices {
        if k != col, lanes[k] == c.id {
          joining[k] = true
          joins = true
        }
        row.append(k == col ? UInt8(ascii: "*") : lanes[k] == nil ? UInt8(ascii: " ") : UInt8(ascii: "|"))
        row.append(UInt8(ascii: " "))
      }
      entries[i].graph = String(decoding: row, as: UTF8.self)
      lanes[col] = c.parent
      if joins {
        row = [UInt8](repeating: UInt8(ascii: " "), count: lanes.count * 2)
        var shift = 0
        for k in lanes.indices {
          if joining[k] {
            row[2 * k - 1] = UInt8(ascii: "/")
            shift += 1
          } else if lanes[k] != nil {
            row[shift > 0 ? 2 * k - 1 : 2 * k] = shift > 0 ? UInt8(ascii: "/") : UInt8(ascii: "|")
          }
        }
        while row.last == UInt8(ascii: " ") { row.removeLast() }
        entries[i].graphAfter.append(String(decoding: row, as: UTF8.self))
        var kept: [CommitID?] = []
        kept.reserveCapacity(lanes.count)
        for k in lanes.indices where !joining[k] { kept.append(lanes[k]) }
        lanes = kept
      }
      while let l = lanes.last, l == nil { lanes.removeLast() }
    }
  }
}
