import Foundation

/// The `Retry-After` header of a busy registry (RFC 9110 §10.2.3).
public enum RetryAfter {
  /// The wait it asks for, in seconds from `now`: delay-seconds (`1*DIGIT`) or an
  /// HTTP-date. Anything else (`nan`, `-1`, `1e9`, `inf`, text) is as if absent: nil.
  public static func seconds(_ value: String, now: Date = Date()) -> Double? {
    let v = value.trimmingCharacters(in: .whitespaces)
    if !v.isEmpty, v.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
      // Past a day the exact number no longer matters: every caller caps it far lower.
      return v.utf8.count > 6 ? 86_400 : Double(v)
    }
    guard let date = imfFixdate(v) else { return nil }
    return max(date - now.timeIntervalSince1970, 0)
  }

  /// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, the form RFC 9110 says senders use) as
  /// seconds since 1970, read by hand: Foundation's DateFormatter traps on some non-ASCII
  /// input, which a registry could send.
  static func imfFixdate(_ s: String) -> Double? {
    let b = Array(s.utf8)
    // Bytes, not characters: "\r\n" is one Character, and every byte here must be ASCII.
    guard b.count == 29, b.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
    func part(_ from: Int, _ count: Int) -> String {
      String(decoding: b[from..<(from + count)], as: UTF8.self)
    }
    func number(_ from: Int, _ count: Int) -> Int? {
      let p = b[from..<(from + count)]
      guard p.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
      return p.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    guard days.contains(part(0, 3)), part(3, 2) == ", ", part(7, 1) == " ", part(11, 1) == " ",
      part(16, 1) == " ", part(19, 1) == ":", part(22, 1) == ":", part(25, 4) == " GMT",
      let day = number(5, 2), let monthIndex = months.firstIndex(of: part(8, 3)),
      let year = number(12, 4), let hour = number(17, 2), let minute = number(20, 2),
      let second = number(23, 2), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let month = monthIndex + 1
    let y = month <= 2 ? year - 1 : year
    let era = y / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let epochDays = era * 146_097 + dayOfEra - 719_468
    return Double(epochDays * 86_400 + hour * 3_600 + minute * 60 + second)
  }
}

/// The body of a failed registry request.
public enum ErrorBody {
  /// The distribution spec's `{"errors":[{"code":…,"message":…}]}` in one line; any other
  /// body, its first 200 characters. The text is the registry's: print it escaped.
  public static func message(_ body: String) -> String {
    guard let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
      let errors = json["errors"] as? [Any]
    else { return String(body.prefix(200)).trimmingCharacters(in: .whitespacesAndNewlines) }
    return errors.compactMap { e -> String? in
      guard let e = e as? [String: Any] else { return nil }
      return [e["code"] as? String, e["message"] as? String].compactMap { $0 }.joined(separator: ": ")
    }.joined(separator: "; ")
  }
}
