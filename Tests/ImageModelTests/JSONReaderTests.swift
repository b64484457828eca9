import Foundation
import Testing

@testable import ImageModel

/// `JSONValue.parse` replaced Foundation's decoder for every manifest, config and index
/// imggit reads: it must read what the decoder read into the same values, and refuse what
/// Go's decoder refuses.
@Suite struct JSONReaderTests {
  static func decoder(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  @Test func readsWhatTheDecoderReadsIntoTheSameValues() throws {
    let documents = [
      "null", "true", "false", "0", "-0", "7", "-42", "1.0", "1e2", "1E+2", "-1.5e-3", "0.1", "1e-400",
      "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
      "12345678901234567890123", "123456789012345678", "\"\"", "\"plain\"", #""a\/b\"c\\d""#,
      #""\b\f\n\r\t\u0000\u001f\u007f\u00e9\u2028\uD83D\uDE42""#, "\"é日本🙂\"", " \t\r\n[ 1 , 2 ]\n ",
      "[]", "{}", "[[[]]]", #"{"a":{"b":[1,{"c":null}]},"d":"e"}"#,
      #"{"architecture":"amd64","config":{"Env":["PATH=/usr/bin"]},"history":[{"created":"2025-01-01T00:00:00Z","empty_layer":true}],"rootfs":{"diff_ids":[]}}"#,
    ]
    for text in documents {
      let parsed = try JSONValue.parse(Data(text.utf8), what: "test")
      #expect(parsed == (try Self.decoder(text)), "\(text)")
    }
  }

  @Test func readsRandomDocumentsAsTheEncoderWroteThem() throws {
    var rng = SplitMix(seed: 20_261_202)
    let pretty = JSONEncoder()
    pretty.outputFormatting = [.prettyPrinted]
    for round in 0..<300 {
      let value = Self.randomValue(&rng, depth: 0)
      for data in [try CanonicalJSON.encode(value), try pretty.encode(value)] {
        let parsed = try JSONValue.parse(data, what: "round \(round)")
        #expect(parsed == value, "round \(round): \(String(decoding: data, as: UTF8.self))")
        #expect(parsed == (try JSONDecoder().decode(JSONValue.self, from: data)), "round \(round)")
      }
    }
  }

  @Test(arguments: [
    ("", "unexpected end of input"), ("[1,]", "unexpected character"), (#"{"a":1,}"#, "expected a key"),
    ("01", "unexpected data after the value"), ("-", "invalid number"), ("1.", "invalid number"),
    (".5", "unexpected character"), ("1e", "invalid number"), ("1e400", "number out of range"),
    ("-1e400", "number out of range"), ("tru", "unexpected character"), ("[1 2]", "expected \",\" or \"]\""),
    (#"{"a" 1}"#, "expected \":\""), (#"{"a":1 "b":2}"#, "expected \",\" or \"}\""),
    (#"{1:2}"#, "expected a key"),
    (#""\ud800""#, "lone surrogate"), (#""\ud800\u0041""#, "lone surrogate"),
    (#""\udc00""#, "lone surrogate"),
    (#""\x""#, "invalid escape"), (#""\u12g4""#, "invalid \\u escape"),
    ("\"tab\there\"", "control character"),
    ("\"open", "unterminated string"), ("[1] x", "unexpected data after the value"),
    ("NaN", "unexpected character"),
    (#"{"a":1,"a":2}"#, "the key \"a\" appears twice"),
    (#"{"a":1,"\u0061":2}"#, "the key \"a\" appears twice"),
    (#"[{"x":{"k":1,"k":1}}]"#, "the key \"k\" appears twice"),
  ])
  func refusesWhatIsNotJSON(text: String, reason: String) throws {
    let error = #expect(throws: ModelError.self) { try JSONValue.parse(Data(text.utf8), what: "config x") }
    guard case .malformedJSON(let what, let said) = error else {
      Issue.record("\(String(describing: error))")
      return
    }
    #expect(what == "config x")
    #expect(said.contains(reason), "\(text): \(said)")
    #expect(said.contains("at byte"), "\(said)")
  }

  @Test func refusesInvalidUTF8AndTooDeepNesting() throws {
    for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
      #expect(throws: ModelError.self) { try JSONValue.parse(Data(bytes), what: "x") }
    }
    let limit = JSONReader.maxDepth
    let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
    #expect(try JSONValue.parse(Data(deepest.utf8), what: "x") != .null)
    let deeper = "[" + deepest + "]"
    #expect(throws: ModelError.self) { try JSONValue.parse(Data(deeper.utf8), what: "x") }
    let objects =
      String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
    #expect(throws: ModelError.self) { try JSONValue.parse(Data(objects.utf8), what: "x") }
  }

  @Test func decodingAJSONValueGoesThroughTheReader() throws {
    // CanonicalJSON.decode is what every caller uses; it must refuse a trailing comma now.
    #expect(throws: ModelError.self) {
      try CanonicalJSON.decode(JSONValue.self, from: Data("[1,]".utf8), what: "x")
    }
    #expect(try CanonicalJSON.decode(JSONValue.self, from: Data("[1]".utf8), what: "x") == .array([.int(1)]))
  }

  @Test func manifestsAndIndexesReadAndWriteAsTheirCodableConformancesDo() throws {
    let canonical = JSONEncoder()
    canonical.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var rng = SplitMix(seed: 7)
    var written = 0  // how many went through the direct writer, not the encoder
    func maybe<T>(_ v: @autoclosure () -> T) -> T? { rng.next() % 2 == 0 ? v() : nil }
    func descriptor() -> Descriptor {
      var d = Descriptor(
        mediaType: MediaType.ociLayerGzip, digest: Digest(of: Data(Self.randomString(&rng).utf8)),
        size: Int64(rng.next() % 1_000_000),
        annotations: maybe([Self.randomString(&rng): Self.randomString(&rng)]),
        platform: maybe(Platform(architecture: "arm64", os: "linux", variant: maybe("v8"))))
      d.platform?.osVersion = maybe("10.0")
      d.platform?.osFeatures = maybe(["sse4"])
      d.urls = maybe(["https://example.com/\(rng.next())"])
      d.artifactType = maybe("application/x")
      d.data = maybe("aGk=")
      return d
    }
    for _ in 0..<100 {
      var m = Manifest(
        config: descriptor(), layers: (0..<rng.next() % 4).map { _ in descriptor() },
        annotations: maybe(["a": "b"]))
      m.mediaType = maybe(MediaType.ociManifest)
      m.subject = maybe(descriptor())
      m.artifactType = maybe("application/y")
      let md = try JSONEncoder().encode(m)
      #expect(
        try CanonicalJSON.decode(Manifest.self, from: md, what: "m")
          == (try JSONDecoder().decode(Manifest.self, from: md)))
      #expect(try CanonicalJSON.encode(m) == (try canonical.encode(m)))
      var i = ImageIndex(manifests: (0..<rng.next() % 4).map { _ in descriptor() })
      i.annotations = maybe(["c": "d"])
      i.subject = maybe(descriptor())
      let id = try JSONEncoder().encode(i)
      #expect(
        try CanonicalJSON.decode(ImageIndex.self, from: id, what: "i")
          == (try JSONDecoder().decode(ImageIndex.self, from: id)))
      #expect(try CanonicalJSON.encode(i) == (try canonical.encode(i)))
      if CanonicalJSON.direct(m.jsonValue) != nil, CanonicalJSON.direct(i.jsonValue) != nil { written += 1 }
    }
    #expect(written >= 10)  // the rest have a non-ASCII annotation key
    // Optional fields may be null; unknown ones are ignored.
    let digest = Digest(of: Data()).description
    let text =
      #"{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"\#(digest)","size":1,"urls":null,"x":[1]}],"y":{}}"#
    let data = Data(text.utf8)
    #expect(
      try CanonicalJSON.decode(ImageIndex.self, from: data, what: "i")
        == (try JSONDecoder().decode(ImageIndex.self, from: data)))
  }

  @Test func whatTheCodableConformancesRefuseIsRefusedWithItsPlace() throws {
    let digest = Digest(of: Data()).description
    let entry = #""mediaType":"m","digest":"\#(digest)""#
    for (text, reason) in [
      (#"{"manifests":[]}"#, "missing field \"schemaVersion\""),
      (#"{"schemaVersion":2}"#, "missing field \"manifests\""),
      (#"{"schemaVersion":2,"manifests":{}}"#, "wrong type: expected an array at manifests"),
      (#"{"schemaVersion":2,"manifests":[{\#(entry)}]}"#, "missing field \"size\" at manifests[0]"),
      (
        #"{"schemaVersion":2,"manifests":[{\#(entry),"size":"1"}]}"#,
        "expected an integer at manifests[0].size"
      ),
      (
        #"{"schemaVersion":2,"manifests":[{\#(entry),"size":1.5}]}"#,
        "expected an integer at manifests[0].size"
      ),
      (#"{"schemaVersion":2,"manifests":[{\#(entry),"size":null}]}"#, "missing value at manifests[0].size"),
      (
        #"{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"sha256:00","size":1}]}"#,
        "invalid digest"
      ),
      (
        #"{"schemaVersion":2,"manifests":[{\#(entry),"size":1,"annotations":{"a":1}}]}"#,
        "expected a string at manifests[0].annotations.a"
      ),
      (
        #"{"schemaVersion":2,"manifests":[{\#(entry),"size":1,"platform":{"os":"linux"}}]}"#,
        "missing field \"architecture\" at manifests[0].platform"
      ),
      (#"[]"#, "wrong type: expected an object"),
    ] {
      #expect(throws: (any Error).self) { try JSONDecoder().decode(ImageIndex.self, from: Data(text.utf8)) }
      let error = #expect(throws: ModelError.self) {
        try CanonicalJSON.decode(ImageIndex.self, from: Data(text.utf8), what: "index.json")
      }
      guard case .malformedJSON(let what, let said) = error else {
        Issue.record("\(String(describing: error))")
        continue
      }
      #expect(what == "index.json" && said.contains(reason), "\(text): \(said)")
    }
  }

  static func randomValue(_ rng: inout SplitMix, depth: Int) -> JSONValue {
    switch rng.next() % (depth > 3 ? 6 : 8) {
    case 0: return .null
    case 1: return .bool(rng.next() % 2 == 0)
    case 2: return .int(Int64(bitPattern: rng.next()) >> (rng.next() % 64))
    case 3:
      // Only fractions, so that the value stays a double after the round trip.
      return .double(Double(Int64(bitPattern: rng.next()) >> 20) + 0.5)
    case 4, 5: return .string(randomString(&rng))
    case 6: return .array((0..<rng.next() % 6).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
      var fields: [String: JSONValue] = [:]
      for _ in 0..<rng.next() % 6 { fields[randomString(&rng)] = randomValue(&rng, depth: depth + 1) }
      return .object(fields)
    }
  }

  static func randomString(_ rng: inout SplitMix) -> String {
    let pool: [Unicode.Scalar] = [
      "a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1f}", "\n", "\u{7f}", "é", "日", "🙂", "\u{2028}",
      "\u{FFFD}",
    ]
    var s = String.UnicodeScalarView()
    for _ in 0..<rng.next() % 12 { s.append(pool[Int(rng.next() % UInt64(pool.count))]) }
    return String(s)
  }
}

/// A small seeded generator, so that a failing round can be replayed.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
