/// What every error of imggit's library is: one line that says what went wrong and names
/// what was involved (the file, digest, revision or registry), and the error it came from,
/// if it was made from another (a libarchive or system failure).
///
/// The command line prints an `ImggitError` once, as `imggit: <description>`, and may add a
/// hint about its own flags; the library's messages never name a flag.
public protocol ImggitError: Error, Sendable, CustomStringConvertible {
  /// The error this one was made from, when there is one.
  var cause: (any Error)? { get }
}

extension ImggitError {
  public var cause: (any Error)? { nil }
}
