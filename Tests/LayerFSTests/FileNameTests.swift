import Foundation
import TarStream
import Testing

/// The name codec: distinct bytes give distinct keys, even where `String` equality is
/// canonical equivalence, and every name goes back to its bytes.
@Suite struct FileNameTests {
  static let nfc: [UInt8] = Array("caf\u{E9}".utf8)
  static let nfd: [UInt8] = Array("cafe\u{301}".utf8)
  static let omega: [UInt8] = Array("\u{3A9}".utf8)
  static let ohm: [UInt8] = Array("\u{2126}".utf8)

  @Test(arguments: [(nfc, nfd), (omega, ohm), (Array("d\u{E9}/x".utf8), Array("de\u{301}/x".utf8))])
  func canonicallyEquivalentNamesStayApart(_ a: [UInt8], _ b: [UInt8]) {
    let (x, y) = (FileName.decode(a), FileName.decode(b))
    #expect(x != y)
    #expect(x.hashValue != y.hashValue)
    #expect(Set([x, y]).count == 2)
    #expect(FileName.encode(x) == a)
    #expect(FileName.encode(y) == b)
  }

  @Test(arguments: ["etc/passwd", "caf\u{E9}", "\u{3A9}", "日本語/ファイル", "a b/.wh.c", ""])
  func asciiAndNFCNamesAreReadAsTheyAre(_ name: String) {
    #expect(FileName.decode(Array(name.utf8)).unicodeScalars.elementsEqual(name.unicodeScalars))
    #expect(FileName.display(name) == name)
  }

  @Test func folderNamesDecodeTheSameAloneAndInAPath() {
    let folder = Array("de\u{301}".utf8)
    let whole = FileName.decode(folder + Array("/caf\u{E9}/.wh.".utf8) + Self.nfd)
    let parts = whole.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    #expect(parts.count == 3)
    #expect(parts[0] == FileName.decode(folder))
    #expect(parts[1] == "caf\u{E9}")
    // The whiteout names what NFD "café" decodes to on its own.
    #expect(parts[2].hasPrefix(".wh.") && String(parts[2].dropFirst(4)) == FileName.decode(Self.nfd))
  }

  /// A name starting with a combining mark would glue to the `/` before it, and a split
  /// on `/` would miss that separator.
  @Test func aCombiningMarkAfterASlashKeepsTheSlash() {
    let bytes = Array("a/\u{301}b".utf8)
    let name = FileName.decode(bytes)
    #expect(name.split(separator: "/").count == 2)
    #expect(FileName.encode(name) == bytes)
  }

  @Test func invalidUTF8StillRoundTrips() {
    let cases: [[UInt8]] = [
      [0x63, 0x61, 0x66, 0xE9], [0x78, 0xFF], [0xC3], Self.nfd + [0xFF], [0xF4, 0x8F, 0xBC, 0x80],
      Array("\u{3A9}".utf8) + [0x80, 0x2F, 0x78],
    ]
    for bytes in cases {
      let name = FileName.decode(bytes)
      #expect(FileName.encode(name) == bytes, "\(bytes)")
      #expect(FileName.cString(name) == bytes.map { CChar(bitPattern: $0) } + [0])
    }
    #expect(FileName.display(FileName.decode([0x63, 0x61, 0x66, 0xE9])) == "caf\\xe9")
  }

  /// People, JSON and `--name-status` see a UTF-8 name as its own text, whatever its
  /// normalization; only bytes that are not UTF-8 show as `\xNN`.
  @Test func displayShowsTheBytes() {
    #expect(Array(FileName.display(FileName.decode(Self.nfd)).utf8) == Self.nfd)
    #expect(Array(FileName.display(FileName.decode(Self.ohm)).utf8) == Self.ohm)
    #expect(
      FileName.display(FileName.decode(Self.nfd + [0xFF])).utf8.elementsEqual(Self.nfd + Array("\\xff".utf8)))
  }
}
