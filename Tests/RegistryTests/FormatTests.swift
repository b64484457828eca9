import Foundation
import RegistryFormats
import Testing

/// What registries send, parsed the way RFC 9110 and the distribution spec write it, and
/// never a trap whatever they send.
@Suite struct ChallengeTests {
  @Test func bearerWithQuotedCommasEscapesAndOddSpacing() {
    let c = Challenge.parse(
      #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#
    )
    #expect(c.count == 1)
    #expect(c.first?.scheme == "bearer")
    #expect(c.first?.parameters["realm"] == "https://auth.example/token")
    #expect(c.first?.parameters["scope"] == "repository:a/b:pull,push")
    let odd = Challenge.parse(#"BEARER  Realm = "a\"b" , Service=plain"#)
    #expect(odd.first?.parameters == ["realm": #"a"b"#, "service": "plain"])
  }

  @Test func severalChallengesInOneHeaderAndBearerIsPreferred() {
    let header = #"Basic realm="r", Bearer realm="https://t/token",service="s""#
    let all = Challenge.parse(header)
    #expect(all.map(\.scheme) == ["basic", "bearer"])
    #expect(all[0].parameters == ["realm": "r"])
    #expect(Challenge.preferred(header)?.parameters["service"] == "s")
    #expect(Challenge.preferred("Basic")?.scheme == "basic")
  }

  @Test func anUnquotedURLIsReadToTheComma() {
    let c = Challenge.parse("Bearer realm=https://auth.example/token,service=x")
    #expect(c.first?.parameters == ["realm": "https://auth.example/token", "service": "x"])
  }

  @Test func junkGivesWhatItCanAndNeverTraps() {
    for header in [
      "", ",,,", "=", "Bearer realm=\"unterminated", "Bearer abc==", "(((", "Bearer =x, y", "\u{0}",
    ] {
      _ = Challenge.parse(header)
    }
    #expect(Challenge.parse("Bearer realm=\"unterminated").first?.parameters["realm"] == "unterminated")
    #expect(Challenge.parse("").isEmpty)
  }
}

@Suite struct RetryAfterTests {
  @Test func delaySecondsAndDatesAreReadAndAnythingElseIsAbsent() {
    let now = Date(timeIntervalSince1970: 1_445_412_400)  // Wed, 21 Oct 2015 07:26:40 GMT
    #expect(RetryAfter.seconds("120", now: now) == 120)
    #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
    #expect(RetryAfter.seconds("99999999999999999999999", now: now) == 86_400)
    #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 80)
    #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:20:00 GMT", now: now) == 0)
    #expect(
      RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: Date(timeIntervalSince1970: 0)) == 784_111_777)
    #expect(
      RetryAfter.seconds("Tue, 29 Feb 2028 00:00:00 GMT", now: Date(timeIntervalSince1970: 0))
        == 1_835_395_200)
    // Found by the fuzzer: Foundation's DateFormatter traps on this.
    let trap = String(
      decoding: Data(base64Encoded: "V2XZnNPfzc7fsKB0IDIwMTUgMDM6sCAyOkcwOE1U")!, as: UTF8.self)
    for junk in [
      "nan", "NaN", "inf", "-1", "1e3", "1.5", "", "soon", "+5", "0x10", trap,
      "Wed, 21 Oct 2015 07:28:00 UTC",
    ] {
      #expect(RetryAfter.seconds(junk, now: now) == nil, "\(junk)")
    }
  }
}

@Suite struct ErrorBodyTests {
  @Test func distributionErrorsAreOneLineAndOtherBodiesAreCut() {
    #expect(
      ErrorBody.message(#"{"errors":[{"code":"DENIED","message":"no"},{"code":"X"}]}"#) == "DENIED: no; X")
    #expect(ErrorBody.message(String(repeating: "x", count: 500)).count == 200)
    #expect(ErrorBody.message(#"{"errors":"not a list"}"#) == #"{"errors":"not a list"}"#)
    #expect(ErrorBody.message(#"{"errors":[1,null,{"message":"m"}]}"#) == "m")
  }
}

/// Auth files are shared with Docker, podman and skopeo: an edit changes one entry and
/// nothing else.
@Suite struct AuthDocumentTests {
  static let other = Data(
    """
    {
      "credsStore": "desktop",
      "big": 12345678901234567890123, "exact": 1.10, "nested": {"a": [1, 2.50e3]},
      "auths": {"other.example": {"auth": "b3RoZXI6cA==", "identitytoken": 7.0}}
    }
    """.utf8)

  @Test func anEditKeepsEveryOtherMemberByteForByte() throws {
    let edited = try #require(
      try AuthDocument.editing(Self.other, keys: ["reg.example", "https://reg.example"], auth: "dTpw"))
    let text = String(decoding: edited, as: UTF8.self)
    for kept in [
      #""big": 12345678901234567890123"#, #""exact": 1.10"#, #"{"a": [1, 2.50e3]}"#,
      #"{"auth": "b3RoZXI6cA==", "identitytoken": 7.0}"#, #""credsStore": "desktop""#,
    ] {
      #expect(text.contains(kept), "\(kept) in \(text)")
    }
    let found = try AuthDocument.credentials(in: edited, keys: ["reg.example"])
    #expect(found?.0 == "u" && found?.1 == "p")
    // The same edit again changes nothing; removing it gives the other entry back alone.
    #expect(try AuthDocument.editing(edited, keys: ["reg.example"], auth: "dTpw") == nil)
    let removed = try #require(try AuthDocument.editing(edited, keys: ["reg.example"], auth: nil))
    #expect(try AuthDocument.credentials(in: removed, keys: ["reg.example"]) == nil)
    #expect(try AuthDocument.credentials(in: removed, keys: ["other.example"])?.0 == "other")
  }

  @Test func otherSpellingsOfTheRegistryGoAndTheEntryKeepsItsPlace() throws {
    let data = Data(#"{"auths": {"a": {}, "https://reg.example": {"auth": "eDp5"}, "z": {}}}"#.utf8)
    let edited = try #require(
      try AuthDocument.editing(data, keys: ["reg.example", "https://reg.example"], auth: "dTpw"))
    let text = String(decoding: edited, as: UTF8.self)
    #expect(!text.contains("https://reg.example"))
    let a = try #require(text.range(of: #""a""#))
    let reg = try #require(text.range(of: #""reg.example""#))
    let z = try #require(text.range(of: #""z""#))
    #expect(a.lowerBound < reg.lowerBound && reg.lowerBound < z.lowerBound)
    #expect((try? JSONSerialization.jsonObject(with: edited)) != nil)
  }

  @Test func whatIsNotUnderstoodIsRefusedNotReplaced() {
    for bad in [#"{"auths": []}"#, #"{"auths": "x"}"#, "[1]", "{", #"{"a":1,"a":2}"#] {
      #expect(throws: AuthDocument.Malformed.self, "\(bad)") {
        try AuthDocument.editing(Data(bad.utf8), keys: ["r"], auth: "dTpw")
      }
    }
    #expect(throws: AuthDocument.Malformed.self) {
      try AuthDocument.credentials(in: Data("[]".utf8), keys: ["r"])
    }
    #expect(try! AuthDocument.editing(Data(), keys: ["r"], auth: "dTpw") != nil)
  }
}
