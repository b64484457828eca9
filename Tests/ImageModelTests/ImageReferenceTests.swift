import ImageModel
import Testing

@Suite struct ImageReferenceTests {
  @Test(arguments: [
    ("localhost:5000/app:1", "localhost:5000", "app", "1"),
    ("localhost/team/app", "localhost", "team/app", "latest"),
    ("registry.example/team/app:v1.2", "registry.example", "team/app", "v1.2"),
    ("docker://quay.io/org/tool:3", "quay.io", "org/tool", "3"),
    ("debian:12", "docker.io", "library/debian", "12"),
    ("bitnami/redis", "docker.io", "bitnami/redis", "latest"),
    ("index.docker.io/library/alpine:3", "docker.io", "library/alpine", "3"),
  ])
  func parsesByDockersGrammar(input: String, registry: String, repository: String, tag: String) throws {
    let r = try ImageReference(parsing: input)
    #expect(r.registry == registry)
    #expect(r.repository == repository)
    #expect(r.tag == tag)
  }

  @Test func aHostComesFirstOnlyWithADotAColonOrLocalhost() {
    #expect(ImageReference.looksRemote("localhost:5000/app:1"))
    #expect(ImageReference.looksRemote("registry.example/app"))
    #expect(ImageReference.looksRemote("localhost/app"))
    #expect(ImageReference.looksRemote("docker://debian:12"))
    #expect(!ImageReference.looksRemote("app:1"))
    #expect(!ImageReference.looksRemote("team/app:1"))
    #expect(!ImageReference.looksRemote("app:1~2"))
    #expect(throws: ModelError.self) { try ImageReference(parsing: "app:1", defaultRegistry: false) }
  }

  @Test func digestsAndLocalTags() throws {
    let hex = String(repeating: "ab", count: 32)
    let pinned = try ImageReference(parsing: "localhost:5000/app@sha256:\(hex)")
    #expect(pinned.tag == nil)
    #expect(pinned.manifestReference == "sha256:\(hex)")
    #expect(pinned.localTag == nil)
    #expect(try ImageReference(parsing: "debian:12").localTag?.description == "debian:12")
    #expect(
      try ImageReference(parsing: "localhost:5000/app:1").localTag?.description == "localhost:5000/app:1")
  }

  @Test(arguments: [
    "localhost:5000/App:1", "localhost:5000/app:-x", "localhost:5000//app", "localhost:5000/app@sha256:1", "",
  ])
  func badReferencesSayWhy(input: String) {
    #expect { try ImageReference(parsing: input) } throws: { error in
      guard case ModelError.invalidReference(let s, _) = error else { return false }
      return s == input
    }
  }

  @Test func aRevisionWithAHostIsARemoteImageAndKeepsItsAncestorSuffix() throws {
    let r = try Revision(parsing: "localhost:5000/team/app:1~2")
    guard case .ancestor(.remote(let ref), 2) = r else {
      Issue.record("parsed as \(r)")
      return
    }
    #expect(ref.repository == "team/app")
    #expect(r.description == "localhost:5000/team/app:1~2")
    #expect(try Revision(parsing: "app:1") == .name("app:1"))
  }
}
