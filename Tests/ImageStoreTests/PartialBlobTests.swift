import Foundation
import ImageModel
import ImageStore
import TestSupport
import Testing

@Suite struct PartialBlobTests {
  @Test func aPartialBlobContinuesAcrossOpensAndPublishesOnlyWhenItVerifies() throws {
    let tmp = try TempDirectory("partial")
    let store = try Store(path: tmp.sub("store"), create: true)
    let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    let digest = Digest(of: bytes)
    do {
      let first = try PartialBlob(store: store, digest: digest)
      try bytes.prefix(100_000).withUnsafeBytes { try first.append($0) }
    }
    // A later run finds the bytes, and continues from them.
    let second = try PartialBlob(store: store, digest: digest)
    #expect(second.size == 100_000)
    try bytes.dropFirst(100_000).withUnsafeBytes { try second.append($0) }
    try second.finish(expectedSize: Int64(bytes.count), source: "test")
    #expect(try store.readBlob(digest) == bytes)
    // Wrong bytes never reach blobs/, and the partial file starts over.
    var wrong = bytes
    wrong[5] ^= 1
    let other = Digest(of: Data("other".utf8))
    let bad = try PartialBlob(store: store, digest: other)
    try wrong.withUnsafeBytes { try bad.append($0) }
    #expect(throws: StoreError.self) { try bad.finish(expectedSize: Int64(wrong.count), source: "test") }
    #expect(!store.hasBlob(other))
    #expect(bad.size == 0)
  }

  @Test func promisesAreKeptBesideTheBlobsAndAMissingFetcherIsAnError() throws {
    let tmp = try TempDirectory("promise")
    let store = try Store(path: tmp.sub("store"), create: true)
    let d = Digest(of: Data("layer".utf8))
    let promise = BlobPromise(
      digest: d, size: 5, mediaType: MediaType.ociLayerGzip, registry: "localhost:5000",
      repository: "team/app",
      plainHTTP: true)
    try store.promise(promise)
    #expect(store.promised(d) == promise)
    #expect(try store.promises() == [promise])
    #expect(throws: StoreError.blobPromised(d, source: "localhost:5000/team/app")) { try store.openBlob(d) }
    try store.removePromise(d)
    #expect(store.promised(d) == nil)
  }
}
