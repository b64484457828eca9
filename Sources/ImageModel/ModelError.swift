import Errors

/// What can be wrong with image metadata or with a revision, independent of where it came from.
public enum ModelError: ImggitError, Equatable {
  case invalidDigest(String)
  case malformedJSON(what: String, reason: String)
  case unsupportedMediaType(String, what: String)
  case historyMismatch(config: String, historyLayers: Int, diffIDs: Int)
  case layerCountMismatch(manifest: String, layers: Int, diffIDs: Int)
  case invalidTagName(String, reason: String)
  case invalidRevision(String, reason: String)
  case invalidReference(String, reason: String)
  /// A multi-platform image without the platform asked for (`available`: what it has).
  case noPlatform(what: String, wanted: String, available: [String])

  public var description: String {
    switch self {
    case .invalidDigest(let s):
      return "invalid digest \"\(s)\" (expected sha256: and 64 lowercase hex digits)"
    case .malformedJSON(let what, let reason):
      return "malformed JSON in \(what): \(reason)"
    case .unsupportedMediaType(let type, let what):
      return "unsupported media type \"\(type)\" for \(what)"
    case .historyMismatch(let config, let h, let d):
      return
        "config \(config) has \(h) non-empty history entries but \(d) rootfs.diff_ids"
    case .layerCountMismatch(let manifest, let l, let d):
      return "manifest \(manifest) lists \(l) layers but its config has \(d) rootfs.diff_ids"
    case .invalidTagName(let s, let reason):
      return "invalid tag name \"\(s)\": \(reason)"
    case .invalidRevision(let s, let reason):
      return "invalid revision \"\(s)\": \(reason)"
    case .invalidReference(let s, let reason):
      return "invalid image reference \"\(s)\": \(reason)"
    case .noPlatform(let what, let wanted, let available):
      let has = available.isEmpty ? "no platform images" : available.joined(separator: ", ")
      return "\(what) has no \(wanted) image (it has \(has))"
    }
  }
}
