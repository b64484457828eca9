import Foundation
import ImageModel
import TestSupport
import Testing

@testable import Registry

/// The client's decisions, made without a registry.
@Suite struct ClientLogicTests {
  static func client(backoff: Double = 0.5) throws -> RegistryClient {
    var options = RegistryOptions()
    options.backoff = backoff
    return try RegistryClient(registry: "r.example", plainHTTP: true, credentials: nil, options: options)
  }

  @Test func delaysAreBoundedWhateverTheRegistrySays() throws {
    let c = try Self.client()
    defer { c.shutdown() }
    #expect(c.delay(attempt: 1, retryAfter: nil) == 0.5)
    #expect(c.delay(attempt: 3, retryAfter: nil) == 2)
    #expect(c.delay(attempt: Int.max, retryAfter: nil) == 8)
    #expect(c.delay(attempt: 1, retryAfter: "nan") == 0.5)
    #expect(c.delay(attempt: 1, retryAfter: "3") == 3)
    #expect(c.delay(attempt: 1, retryAfter: "86400") == 60)
  }

  @Test func onlyWhatAnotherTryCanMendIsRetried() {
    func status(_ code: Int) -> RegistryError {
      .status(registry: "r", repository: nil, what: "w", status: code, message: "")
    }
    #expect(RegistryClient.isRetryable(status(500)))
    #expect(RegistryClient.isRetryable(status(429)))
    #expect(RegistryClient.isRetryable(status(408)))
    #expect(!RegistryClient.isRetryable(status(404)))
    #expect(
      !RegistryClient.isRetryable(
        RegistryError.denied(registry: "r", repository: nil, status: 401, message: "")))
    #expect(RegistryClient.isRetryable(TransferError(description: "cut")))
    #expect(
      !RegistryClient.isRetryable(RegistryError.badResponse(registry: "r", what: "w", reason: "too big")))
  }

  @Test func credentialsGoOnlyToTheRegistrysOwnOrigin() {
    let base = Origin("http://127.0.0.1:5000")
    #expect(Origin("http://127.0.0.1:5000/v2/x/blobs/uploads/1?a=b") == base)
    #expect(Origin("http://127.0.0.1:5001/upload") != base)
    #expect(Origin("https://127.0.0.1:5000/upload") != base)
    #expect(Origin("http://127.0.0.2:5000/upload") != base)
    #expect(Origin("https://r.example/v2/") == Origin("https://R.example:443/x"))
    #expect(Origin("not a url") == nil)
  }

  @Test func errorsCompareByCaseAndPrintTheRegistrysTextEscaped() throws {
    let a = RegistryError.denied(registry: "r", repository: "x", status: 403, message: "one")
    let b = RegistryError.denied(registry: "q", repository: nil, status: 401, message: "two")
    #expect(a == b)
    #expect(
      a
        != .blobUnknown(
          registry: "r", repository: "x", try Digest(parsing: "sha256:" + String(repeating: "0", count: 64))))
    let forged = RegistryError.status(
      registry: "r", repository: nil, what: "w", status: 500, message: "x\nimggit: fine\u{1b}[2J\u{202e}")
    #expect(!forged.description.contains("\n") && !forged.description.contains("\u{1b}"))
    #expect(
      forged.description.contains("\\n") && forged.description.contains("\\x1b")
        && forged.description.contains("\\u{202e}"))
  }

  @Test func malformedCredentialsNeverRepeatTheSecret() throws {
    for s in [":s3cret", "s3cret", ""] {
      do {
        _ = try Credentials(parsing: s)
        Issue.record("\(s) parsed")
      } catch {
        #expect(!"\(error)".contains("s3cret"))
      }
    }
    #expect(try Credentials(parsing: "u:p:q").password == "p:q")
  }

  @Test func pushAllDestinationsAndTheirCollisions() throws {
    let tags = try ["app:1", "127.0.0.1:5000/team/tool:2", "base:1"].map { try TagName(parsing: $0) }
    let refs = try Registry.destinations(for: tags, under: "docker://reg.example:5000/fleet/")
    #expect(
      refs.map(\.1.description) == [
        "reg.example:5000/fleet/app:1", "reg.example:5000/fleet/team/tool:2", "reg.example:5000/fleet/base:1",
      ])
    let bare = try Registry.destinations(for: [try TagName(parsing: "app:1")], under: "reg.example")
    #expect(bare.first?.1.description == "reg.example/app:1")
    let clash = try ["h1.example/app:1", "h2.example/app:1"].map { try TagName(parsing: $0) }
    #expect(throws: RegistryError.pushCollision(destination: "", tags: [])) {
      try Registry.destinations(for: clash, under: "reg.example/fleet")
    }
  }

  @Test func attestationsAndArtifactsAreNotImages() throws {
    let d = try Digest(parsing: "sha256:" + String(repeating: "b", count: 64))
    let config = Descriptor(mediaType: MediaType.ociConfig, digest: d, size: 2)
    #expect(
      Manifest(config: config, layers: [Descriptor(mediaType: MediaType.ociLayerGzip, digest: d, size: 1)])
        .isImage)
    #expect(
      !Manifest(
        config: config, layers: [Descriptor(mediaType: "application/vnd.in-toto+json", digest: d, size: 1)]
      ).isImage)
    #expect(
      !Manifest(
        config: Descriptor(mediaType: "application/vnd.oci.empty.v1+json", digest: d, size: 2), layers: []
      ).isImage)
    var artifact = Manifest(config: config, layers: [])
    artifact.artifactType = "application/vnd.example"
    #expect(!artifact.isImage)
  }
}

/// The auth file on disk: locked, written through its link, owner-only.
@Suite struct AuthFileTests {
  @Test func concurrentLoginsKeepEveryEntry() throws {
    let tmp = try TempDirectory("auth")
    let path = tmp.sub("auth.json")
    DispatchQueue.concurrentPerform(iterations: 16) { i in
      _ = try? AuthFile(path: path).store(Credentials(username: "u\(i)", password: "p"), for: "r\(i).example")
    }
    for i in 0..<16 {
      #expect(try AuthFile(path: path).credentials(for: "r\(i).example")?.username == "u\(i)")
    }
    var st = stat()
    #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
  }

  @Test func aSymlinkedFileIsWrittenThroughItsLink() throws {
    let tmp = try TempDirectory("auth")
    let real = tmp.sub("real.json")
    try #"{"auths": {}}"#.write(toFile: real, atomically: true, encoding: .utf8)
    let link = tmp.sub("link.json")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
    try AuthFile(path: link).store(Credentials(username: "u", password: "p"), for: "r.example")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.json")
    #expect(try AuthFile(path: real).credentials(for: "r.example")?.username == "u")
  }

  @Test func logoutWithoutAFileLeavesNone() throws {
    let tmp = try TempDirectory("auth")
    let path = tmp.sub("containers/auth.json")
    #expect(try AuthFile(path: path).store(nil, for: "r.example") == false)
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test func anAuthsThatIsNotAnObjectIsRefusedAndKept() throws {
    let tmp = try TempDirectory("auth")
    let path = tmp.sub("auth.json")
    try #"{"auths": ["odd"]}"#.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: RegistryError.credentialsFile(path: "", reason: "")) {
      try AuthFile(path: path).store(Credentials(username: "u", password: "p"), for: "r.example")
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == #"{"auths": ["odd"]}"#)
  }
}
