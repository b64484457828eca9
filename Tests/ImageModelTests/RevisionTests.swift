import Testing

@testable import ImageModel

@Suite struct RevisionParsingTests {
  @Test func tagsAndPrefixes() throws {
    #expect(try Revision(parsing: "app") == .name("app"))
    #expect(try Revision(parsing: "app:1") == .name("app:1"))
    #expect(try Revision(parsing: "3f2a") == .name("3f2a"))
    #expect(Revision.isCommitPrefix("3f2a"))
    #expect(!Revision.isCommitPrefix("3f2"))
    #expect(!Revision.isCommitPrefix("app1"))
  }

  @Test func ancestors() throws {
    #expect(try Revision(parsing: "app:1~2") == .ancestor(.name("app:1"), 2))
    #expect(try Revision(parsing: "app:1^") == .ancestor(.name("app:1"), 1))
    #expect(try Revision(parsing: "app:1~") == .ancestor(.name("app:1"), 1))
    #expect(try Revision(parsing: "app:1~2^^") == .ancestor(.name("app:1"), 4))
    #expect(try Revision(parsing: "app:1^0") == .name("app:1"))
    #expect(try Revision(parsing: "app:1@{3}~1") == .ancestor(.reflog(try TagName(parsing: "app:1"), 3), 1))
  }

  @Test func reflogAndManifest() throws {
    #expect(try Revision(parsing: "app:1@{0}") == .reflog(try TagName(parsing: "app:1"), 0))
    #expect(try Revision(parsing: "app@{2}") == .reflog(try TagName(parsing: "app:latest"), 2))
    let hex = String(repeating: "ab", count: 32)
    #expect(try Revision(parsing: "@sha256:\(hex)") == .manifest(try Digest(hex: hex)))
  }

  @Test(arguments: [
    ("", "empty"),
    ("~2", "nothing before"),
    ("app:1^2", "second parent"),
    ("app:1@{x}", "not a number"),
    ("app:1@{1", "name:tag@{N}"),
    ("@sha256:abc", "not a full sha256"),
    ("@latest", "expected @sha256"),
    ("a..b", "range"),
    ("app~x", "unexpected"),
    ("ap p@{1}", "invalid tag name"),
  ])
  func errorsNameTheProblem(input: String, fragment: String) {
    #expect {
      try Revision(parsing: input)
    } throws: { error in
      "\(error)".contains(fragment)
    }
  }

  @Test func ranges() throws {
    #expect(
      try RevisionSpec(parsing: "base:1..app:1") == .range(exclude: .name("base:1"), include: .name("app:1")))
    #expect(
      try RevisionSpec(parsing: "app:1~5..app:1")
        == .range(exclude: .ancestor(.name("app:1"), 5), include: .name("app:1")))
    #expect(try RevisionSpec(parsing: "app:1") == .single(.name("app:1")))
    #expect(throws: ModelError.self) { try RevisionSpec(parsing: "..app") }
    #expect(throws: ModelError.self) { try RevisionSpec(parsing: "a..b..c") }
  }
}

@Suite struct TagNameTests {
  @Test func defaultsAndPorts() throws {
    #expect(try TagName(parsing: "app").description == "app:latest")
    #expect(try TagName(parsing: "app:1").description == "app:1")
    let registry = try TagName(parsing: "localhost:5000/team/app")
    #expect(registry.name == "localhost:5000/team/app")
    #expect(registry.tag == "latest")
    #expect(try TagName(parsing: "localhost:5000/app:2").tag == "2")
  }

  @Test func fullNamesFromOtherTools() throws {
    #expect(try TagName(normalizing: "docker.io/library/debian:12").description == "debian:12")
    #expect(try TagName(normalizing: "docker.io/bitnami/redis:7").description == "bitnami/redis:7")
    #expect(try TagName(normalizing: "quay.io/x/y:1").description == "quay.io/x/y:1")
    let pinned = "debian:12@sha256:" + String(repeating: "0", count: 64)
    #expect(try TagName(normalizing: pinned).description == "debian:12")
  }

  @Test(arguments: [
    "", ":1", "app:", "a b", "app:1/2x:", "app:ä", "é:1", "app:1+2", "a\u{0}:1", "/app", "a/../b",
    "app:" + String(repeating: "1", count: 129),
  ])
  func invalid(input: String) {
    #expect(throws: ModelError.self) { try TagName(parsing: input) }
  }

  @Test func everyAllowedCharacter() throws {
    let tag = "azAZ09._-" + String(repeating: "t", count: 119)
    let name = try TagName(parsing: "azAZ09._-/+:x:" + tag)
    #expect(name.name == "azAZ09._-/+:x" && name.tag == tag && name.description == "azAZ09._-/+:x:\(tag)")
    #expect(name == (try TagName(normalizing: "docker.io/library/\(name)")))
    #expect(Set([name, try TagName(parsing: name.description)]).count == 1)
  }
}

@Suite struct DigestTests {
  @Test func parsing() throws {
    let hex = String(repeating: "0f", count: 32)
    #expect(try Digest(parsing: "sha256:\(hex)").hex == hex)
    #expect(throws: ModelError.self) { try Digest(parsing: "sha512:\(hex)") }
    #expect(throws: ModelError.self) { try Digest(parsing: "sha256:\(hex.uppercased())") }
    #expect(throws: ModelError.self) { try Digest(parsing: "sha256:abc") }
  }

  @Test func hashing() {
    #expect(
      Digest(of: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
