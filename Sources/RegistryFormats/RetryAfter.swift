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
    // IMF-fixdate, the form RFC 9110 says senders use.
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "GMT")
    f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    guard let date = f.date(from: v) else { return nil }
    return max(date.timeIntervalSince(now), 0)
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
