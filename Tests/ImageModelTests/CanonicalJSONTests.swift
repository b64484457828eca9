import Foundation
import Testing

@testable import ImageModel

/// Commit ids hash canonical JSON; the direct writer must give JSONEncoder's bytes exactly,
/// or every id would change.
@Suite struct CanonicalJSONTests {
  static func encoder(_ value: JSONValue) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  @Test func theDirectWriterGivesTheEncodersBytes() throws {
    let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
    let strings = [
      "", "plain", "with \"quotes\" and \\ backslash", "/bin/sh -c #(nop) ADD file:abc in / ", controls,
      "\u{7f}\u{80}\u{2028}\u{2029}é日本🙂", "tab\there\nnewline\r\u{0c}\u{08}",
    ]
    let keys = [
      "a", "b", "created", "created_by", "createdx", "empty_layer", "a_b", "ab", "a0", "z9_", "_x", "Env",
      "ExposedPorts", "8080/tcp", "A", "B_", "a-b", "a.b", "q\"uote", "tab\t", "~", " ", "Z", "a10", "a9",
    ]
    var values: [JSONValue] = [
      .null, .bool(true), .bool(false), .int(0), .int(-42), .int(Int64.max), .int(Int64.min),
    ]
    values += strings.map { .string($0) }
    values.append(.array(values))
    values.append(
      .object(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, values[$0 % values.count]) })))
    values.append(.object(["history": values.last!, "parent": .null, "layer": .string("sha256:00")]))
    for value in values {
      let direct = try #require(CanonicalJSON.direct(value), "\(value)")
      #expect(Data(direct) == (try Self.encoder(value)), "\(value)")
    }
  }

  @Test func valuesOutsideTheCertainSetGoThroughTheEncoder() throws {
    for value: JSONValue in [
      .double(1.5), .object(["é": .null]), .object(["日本": .null]), .array([.double(2)]),
    ] {
      #expect(CanonicalJSON.direct(value) == nil)
      #expect(try CanonicalJSON.encode(value) == (try Self.encoder(value)))
    }
  }
}
