import Errors
internal import CArchive

/// A failure inside libarchive, with the function that failed and libarchive's own message.
public struct TarError: ImggitError, Equatable {
  /// The libarchive function that reported the failure.
  public let function: String
  /// libarchive's message (`archive_error_string`), captured when the call failed.
  public let message: String
  /// What was being read or written (a file name, a blob digest), when known.
  public var context: String?

  public init(function: String, message: String, context: String? = nil) {
    self.function = function
    self.message = message
    self.context = context
  }

  public var description: String {
    let prefix = context.map { "\($0): " } ?? ""
    return "\(prefix)\(message) (\(function))"
  }

  /// Reads the handle's error string right away: libarchive overwrites it on the next call.
  static func capture(_ handle: OpaquePointer, _ function: String, context: String?) -> TarError {
    let message = archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    return TarError(function: function, message: message, context: context)
  }
}

/// Checks a libarchive status: `ARCHIVE_OK` and `ARCHIVE_WARN` pass (a warning still produced
/// the entry or the bytes), anything else throws with the library's message.
@discardableResult
func check(
  _ status: Int32, _ handle: OpaquePointer, _ function: String, context: String?
) throws -> Int32 {
  // ARCHIVE_RETRY (a damaged header libarchive would skip) is an error here too: a layer
  // with a damaged header is a damaged layer.
  if status != ARCHIVE_OK && status != ARCHIVE_WARN {
    throw TarError.capture(handle, function, context: context)
  }
  return status
}
