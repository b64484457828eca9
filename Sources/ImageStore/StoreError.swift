import ImageModel

/// What can go wrong reading or writing an image store or moving images in and out of it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  case notALayout(path: String)
  case io(operation: String, path: String, errno: Int32)
  case blobMissing(Digest, path: String)
  case blobCorrupt(Digest, actual: Digest, path: String)
  case sizeMismatch(Digest, expected: Int64, actual: Int64, path: String)
  case tooLarge(Digest, limit: Int)
  case unknownTag(TagName)
  case badArchive(source: String, reason: String)
  case badSource(String, reason: String)
  case ambiguousImport(source: String, count: Int)
  case tagMoved(TagName, expected: Digest?, actual: Digest?)

  public var description: String {
    switch self {
    case .notALayout(let path):
      return
        "\(path) is not an OCI image layout (no oci-layout file); run `imggit init \(path)` in an empty folder"
    case .io(let op, let path, let e):
      return "\(op) \(path): \(String(cString: strerror(e)))"
    case .blobMissing(let d, let path):
      return "blob \(d) missing (\(path)); run `imggit fsck`"
    case .blobCorrupt(let d, let actual, let path):
      return "blob \(d) is corrupt: its content hashes to \(actual) (\(path))"
    case .sizeMismatch(let d, let expected, let actual, let path):
      return "blob \(d) has \(actual) bytes, its descriptor says \(expected) (\(path))"
    case .tooLarge(let d, let limit):
      return "blob \(d) is over \(limit) bytes, too large for a manifest or config"
    case .unknownTag(let t):
      return "no tag \(t) in the store; `imggit tag` lists them"
    case .badArchive(let source, let reason):
      return "\(source): \(reason)"
    case .badSource(let source, let reason):
      return "\(source): \(reason)"
    case .tagMoved(let t, let expected, let actual):
      let was = expected.map { "pointed to \($0.short)" } ?? "did not exist"
      let now = actual.map { "points to \($0.short)" } ?? "is deleted"
      return "tag \(t) moved while this command ran: it \(was) and now \(now); nothing was changed"
    case .ambiguousImport(let source, let count):
      return "\(source) holds \(count) images; --tag names one image only"
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
