import Foundation

/// The id of a commit: a SHA-256 over its parent's id, its layer's DiffID (or "empty") and its
/// history entry in canonical JSON. Equal bases therefore give equal commit ids, whichever
/// image and store they sit in.
public struct CommitID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
  public let hex: String

  public init(hex: String) { self.hex = hex }

  public var description: String { hex }
  /// The first 12 hex digits, as `log` prints them.
  public var short: String { String(hex.prefix(12)) }

  public static func < (a: CommitID, b: CommitID) -> Bool { a.hex < b.hex }

  public init(from decoder: any Decoder) throws {
    hex = try decoder.singleValueContainer().decode(String.self)
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(hex)
  }

  /// Computes the id from the three things a commit is.
  public static func compute(parent: CommitID?, diffID: Digest?, history: HistoryEntry) -> CommitID {
    let value: JSONValue = .object([
      "parent": parent.map { .string($0.hex) } ?? .null,
      "layer": .string(diffID?.description ?? "empty"),
      "history": .object(history.json),
    ])
    // Encoding a JSONValue cannot fail: it holds only encodable cases.
    let bytes = (try? CanonicalJSON.encode(value)) ?? Data()
    return CommitID(hex: Digest(of: bytes).hex)
  }
}

/// One step of an image's history: a history entry, with the layer it added if any.
public struct Commit: Sendable, Hashable {
  public let id: CommitID
  public let parent: CommitID?
  public let history: HistoryEntry
  /// The layer this step added, as the image that holds this commit stores it; `nil` for a
  /// config-only (empty-layer) step.
  public let layer: Layer?
  /// The DiffID of the layer this step added.
  public var diffID: Digest? { layer?.diffID }
  /// Index of this entry in the config's `history` (or of the layer for synthetic history).
  public let position: Int
  /// How many layers the image has up to and including this commit.
  public let layerCount: Int
  /// True when the image had no `history` and imggit made one commit per layer.
  public let synthetic: Bool

  public var isEmpty: Bool { diffID == nil }
}

extension Commit {
  /// The commits of an image, oldest first.
  ///
  /// - Throws: ``ModelError`` when the history and the layers do not line up.
  public static func chain(manifest: Manifest, config: ImageConfig) throws -> [Commit] {
    let diffIDs = config.diffIDs
    guard diffIDs.count == manifest.layers.count else {
      throw ModelError.layerCountMismatch(
        manifest: manifest.config.digest.description, layers: manifest.layers.count,
        diffIDs: diffIDs.count)
    }
    var history = config.history
    let synthetic = history.isEmpty && !diffIDs.isEmpty
    if synthetic {
      history = Array(repeating: HistoryEntry(json: [:]), count: diffIDs.count)
    }
    let nonEmpty = history.filter { !$0.emptyLayer }.count
    guard nonEmpty == diffIDs.count else {
      throw ModelError.historyMismatch(
        config: manifest.config.digest.description, historyLayers: nonEmpty, diffIDs: diffIDs.count)
    }
    var commits: [Commit] = []
    var parent: CommitID?
    var layerIndex = 0
    for (position, entry) in history.enumerated() {
      var layer: Layer?
      if !entry.emptyLayer {
        layer = Layer(
          descriptor: manifest.layers[layerIndex], diffID: diffIDs[layerIndex], position: layerIndex)
        layerIndex += 1
      }
      let id = CommitID.compute(parent: parent, diffID: layer?.diffID, history: entry)
      commits.append(
        Commit(
          id: id, parent: parent, history: entry, layer: layer,
          position: position, layerCount: layerIndex, synthetic: synthetic))
      parent = id
    }
    return commits
  }
}
