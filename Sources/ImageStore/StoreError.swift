import Errors
import ImageModel
import TarStream

/// What can go wrong reading or writing an image store or moving images in and out of it.
public enum StoreError: ImggitError, Equatable {
  public var cause: (any Error)? {
    if case .unreadableArchive(_, let e) = self { return e }
    return nil
  }

  case notALayout(path: String)
  case io(operation: String, path: String, errno: Int32)
  case blobMissing(Digest, path: String)
  case blobCorrupt(Digest, actual: Digest, path: String)
  case sizeMismatch(Digest, expected: Int64, actual: Int64, path: String)
  case tooLarge(Digest, limit: Int)
  case unknownTag(TagName)
  case badArchive(source: String, reason: String)
  /// libarchive could not read the archive; the cause is its error.
  case unreadableArchive(source: String, TarError)
  case badSource(String, reason: String)
  case ambiguousImport(source: String, count: Int)
  case tagMoved(TagName, expected: Digest?, actual: Digest?)
  case unnamedImage(source: String, number: Int, manifest: Digest)
  /// A blob of a partial image that is promised by a registry and was not fetched.
  case blobPromised(Digest, source: String)
  /// A file of the store that imggit writes is a symlink, a folder or a device: planted, or
  /// made by hand. It is neither written through nor published.
  case notRegularFile(path: String)
  /// The reflog of a tag cannot be written, so the tag was not moved.
  case reflogUnwritable(TagName, path: String, errno: Int32)

  public var description: String {
    switch self {
    case .notALayout(let path):
      return "\(path) is not an OCI image layout (no oci-layout file)"
    case .io(let op, let path, let e):
      return "\(op) \(path): \(String(cString: strerror(e)))"
    case .blobMissing(let d, let path):
      return "blob \(d) missing (\(path))"
    case .notRegularFile(let path):
      return "\(path) is not a regular file (a symlink?); imggit does not write through it, remove it"
    case .blobPromised(let d, let source):
      return "blob \(d) is promised by \(source) and not in the store (offline)"
    case .blobCorrupt(let d, let actual, let path):
      return "blob \(d) is corrupt: its content hashes to \(actual) (\(path))"
    case .sizeMismatch(let d, let expected, let actual, let path):
      return "blob \(d) has \(actual) bytes, its descriptor says \(expected) (\(path))"
    case .tooLarge(let d, let limit):
      return "blob \(d) is over \(limit) bytes, too large for a manifest or config"
    case .unknownTag(let t):
      return "no tag \(t) in the store"
    case .badArchive(let source, let reason):
      return "\(source): \(reason)"
    case .unreadableArchive(let source, let e):
      return "\(source): \(e.message) (not a complete tar archive?)"
    case .badSource(let source, let reason):
      return "\(source): \(reason)"
    case .tagMoved(let t, let expected, let actual):
      let was = expected.map { "pointed to \($0.short)" } ?? "did not exist"
      let now = actual.map { "points to \($0.short)" } ?? "is deleted"
      return "tag \(t) moved while this command ran: it \(was) and now \(now); nothing was changed"
    case .reflogUnwritable(let t, let path, let e):
      return
        "the reflog of \(t) cannot record a move (\(path): \(String(cString: strerror(e)))); nothing was changed"
    case .unnamedImage(let source, let n, let manifest):
      return "\(source): image \(n) (\(manifest.short)) has no name"
    case .ambiguousImport(let source, let count):
      return "\(source) holds \(count) images, and one name cannot be given to several"
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
