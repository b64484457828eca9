import Errors
import ImageModel
import TarStream

/// What can be wrong with a layer's content, or with writing a filesystem out.
public enum LayerFSError: ImggitError, Equatable {
  public var cause: (any Error)? {
    if case .unreadableLayer(_, let e) = self { return e }
    return nil
  }

  case unsafePath(String, layer: Digest?, reason: String)
  case invalidWhiteout(String, layer: Digest?)
  case danglingHardLink(String, target: String, layer: Digest?)
  case diffIDMismatch(layer: Digest, expected: Digest, actual: Digest)
  case corruptLayer(Digest, reason: String)
  /// libarchive could not read the layer; the cause is its error.
  case unreadableLayer(Digest, TarError)
  case extract(path: String, operation: String, errno: Int32)
  case escapes(path: String, through: String)
  case whiteoutName(String, host: String)

  public var description: String {
    func at(_ d: Digest?) -> String { d.map { "layer \($0): " } ?? "" }
    // Names are bytes; the ones that are not UTF-8 print as \xNN.
    func show(_ p: String) -> String { FileName.display(p) }
    switch self {
    case .unsafePath(let p, let d, let reason):
      return "\(at(d))unsafe path \"\(show(p))\": \(reason)"
    case .invalidWhiteout(let p, let d):
      return "\(at(d))invalid whiteout \"\(show(p))\" (a bare .wh. names nothing)"
    case .danglingHardLink(let p, let t, let d):
      return "\(at(d))hard link \"\(show(p))\" points to \"\(show(t))\", which does not exist"
    case .diffIDMismatch(let l, let expected, let actual):
      return "layer \(l): its uncompressed content hashes to \(actual), the config's DiffID is \(expected)"
    case .corruptLayer(let d, let reason):
      return "layer \(d): \(reason)"
    case .unreadableLayer(let d, let e):
      return "layer \(d): \(e.message)"
    case .extract(let p, let op, let e):
      return "\(op) \(show(p)): \(String(cString: strerror(e)))"
    case .whiteoutName(let p, let host):
      return
        "cannot add \(host) as /\(p): in a layer a name starting with .wh. is a whiteout, which deletes files of the image"
    case .escapes(let p, let through):
      return
        "refusing to write \"\(show(p))\": the symlink \"\(show(through))\" leads outside the target folder"
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
