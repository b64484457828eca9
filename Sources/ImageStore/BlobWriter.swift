import Foundation
import ImageModel

/// Streams a new blob into a temporary file of the store while hashing it. ``finish(expected:)``
/// syncs and verifies; the blob becomes visible only when ``Store/publish(_:)`` renames it into
/// `blobs/sha256/`, so an interrupted write leaves nothing behind that a reader could see.
public final class BlobWriter {
  private let temp: TempFile
  private var hasher = DigestHasher()
  /// The first bytes written, so callers can recognise a compressed blob.
  public private(set) var magic: [UInt8] = []

  init(directory: String) throws {
    temp = try TempFile(in: directory, prefix: "blob")
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    if magic.count < 8 { magic += bytes.prefix(8 - magic.count) }
    hasher.update(bytes)
    try temp.file.writeAll(bytes)
  }

  /// Abandons the blob: its temporary file goes at once.
  public func discard() { temp.discard() }

  public func write(_ data: Data) throws {
    try data.withUnsafeBytes { try write($0) }
  }

  /// Ends the blob: fsyncs it and checks it against `expected` when the source named one.
  ///
  /// - Throws: ``StoreError/blobCorrupt(_:actual:path:)`` on a digest mismatch,
  ///   ``StoreError/sizeMismatch(_:expected:actual:path:)`` on a size mismatch.
  public func finish(expected: Digest? = nil, expectedSize: Int64? = nil, source: String = "")
    throws -> StagedBlob
  {
    let digest = hasher.finalize()
    if let expected, expected != digest {
      throw StoreError.blobCorrupt(expected, actual: digest, path: source)
    }
    if let expectedSize, expectedSize != hasher.count {
      throw StoreError.sizeMismatch(digest, expected: expectedSize, actual: hasher.count, path: source)
    }
    try temp.file.sync()
    // The bytes are safe on disk: the descriptor is not needed to publish them.
    temp.closeFile()
    return StagedBlob(temp: temp, digest: digest, size: hasher.count, magic: magic)
  }
}

/// A verified blob waiting in the store's temporary folder; removed if never published.
public final class StagedBlob {
  let temp: TempFile
  public let digest: Digest
  public let size: Int64
  public let magic: [UInt8]

  init(temp: TempFile, digest: Digest, size: Int64, magic: [UInt8]) {
    self.temp = temp
    self.digest = digest
    self.size = size
    self.magic = magic
  }
}
