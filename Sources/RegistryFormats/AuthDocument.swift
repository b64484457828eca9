import Foundation
import ImageModel

/// The content of the auth files Docker, podman and skopeo share: `{"auths": {"HOST":
/// {"auth": base64(user:password)}}, …}`. Pure: reading and editing bytes, no files.
public enum AuthDocument {
  /// What is wrong with a document; the caller names the file.
  public struct Malformed: Error, Sendable, Equatable {
    public let reason: String
  }

  /// The user and password stored under the first of `keys` that has them (an `auth` field,
  /// or `username` and `password`); nil when none has.
  ///
  /// - Throws: ``Malformed`` when the document is not a JSON object.
  public static func credentials(in data: Data, keys: [String]) throws(Malformed) -> (String, String)? {
    if isBlank(data) { return nil }
    guard case .object(let root)? = try? JSONValue.parse(data, what: "auth file") else {
      throw Malformed(reason: "is not a JSON object")
    }
    guard case .object(let auths)? = root["auths"] else { return nil }
    for key in keys {
      guard case .object(let entry)? = auths[key] else { continue }
      if case .string(let auth)? = entry["auth"], let decoded = Data(base64Encoded: auth),
        let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
        colon != text.startIndex
      {
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
      }
      if case .string(let user)? = entry["username"], case .string(let password)? = entry["password"] {
        return (user, password)
      }
    }
    return nil
  }

  /// The document with `auth` (base64 of `user:password`; nil removes the entry) stored under
  /// `keys[0]` and every other spelling in `keys` removed; nil when nothing changes.
  ///
  /// Only that entry changes: every other member of the document and of `auths` keeps its
  /// bytes as written (a number its digits, an unknown field its form) and its place.
  ///
  /// - Throws: ``Malformed`` when the document or its `auths` is not a JSON object: imggit
  ///   changes nothing it does not understand.
  public static func editing(_ data: Data, keys: [String], auth: String?) throws(Malformed) -> Data? {
    var members = try self.members(of: data, what: nil)
    let at = members.firstIndex { $0.key == "auths" }
    let auths =
      try at.map { i throws(Malformed) in try self.members(of: members[i].raw, what: "\"auths\"") } ?? []
    var edited = auths.filter { !keys.contains($0.key) }
    if let auth {
      let place = auths.firstIndex { keys.contains($0.key) }.map { p in
        auths[..<p].filter { !keys.contains($0.key) }.count
      }
      edited.insert((keys[0], object([("auth", quoted(auth))], indent: "    ")), at: place ?? edited.count)
    }
    guard !edited.elementsEqual(auths, by: { $0.key == $1.key && $0.raw == $1.raw }) else { return nil }
    let raw = object(edited, indent: "  ")
    if let at { members[at].raw = raw } else { members.append(("auths", raw)) }
    var out = object(members, indent: "")
    out.append(0x0a)
    return out
  }

  private static func isBlank(_ data: Data) -> Bool {
    data.allSatisfy { [0x20, 0x09, 0x0a, 0x0d].contains($0) }
  }

  /// The members of the object `data` holds (`what` names it inside the document; a blank
  /// document has none), each with its bytes as written.
  private static func members(of data: Data, what: String?) throws(Malformed) -> [(key: String, raw: Data)] {
    if what == nil, isBlank(data) { return [] }
    let members: [(key: String, raw: Data)]?
    do { members = try JSONValue.rawMembers(of: data, what: "auth file") } catch {
      throw Malformed(reason: "is not valid JSON (\(error))")
    }
    guard let members else {
      let subject = what.map { "its \($0) is" } ?? "it is"
      throw Malformed(reason: "\(subject) not a JSON object; imggit changes nothing it does not understand")
    }
    return members
  }

  /// A JSON string literal.
  private static func quoted(_ s: String) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    return (try? encoder.encode(s)) ?? Data("\"\"".utf8)
  }

  /// `{"key": raw, …}`, one member a line.
  private static func object(_ members: [(key: String, raw: Data)], indent: String) -> Data {
    guard !members.isEmpty else { return Data("{}".utf8) }
    var out = Data("{\n".utf8)
    for (n, m) in members.enumerated() {
      out.append(Data((indent + "  ").utf8))
      out.append(quoted(m.key))
      out.append(Data(": ".utf8))
      out.append(m.raw)
      out.append(Data((n == members.count - 1 ? "\n" : ",\n").utf8))
    }
    out.append(Data((indent + "}").utf8))
    return out
  }
}
