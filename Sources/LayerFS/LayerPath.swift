import ImageModel
import TarStream

/// Paths inside layers, and the whiteout convention, in one place.
///
/// A layer entry's path is made relative and clean (`./usr//bin/` → `usr/bin`); a path that
/// is absolute or climbs out with `..` is refused, whatever tool wrote it. `.wh.NAME` removes
/// NAME from the layers below; `.wh..wh..opq` hides every lower child of its folder.
package enum LayerPath {
  package static let whiteoutPrefix = ".wh."
  package static let opaqueMarker = ".wh..wh..opq"

  /// What an entry of a layer means.
  package enum Kind: Equatable {
    case entry(String)
    /// Remove this path (and everything below it) from the lower layers.
    case whiteout(String)
    /// Hide every lower child of this folder ("" is the root).
    case opaque(String)
  }

  /// Cleans a path from a tar header.
  ///
  /// - Throws: ``LayerFSError/unsafePath(_:layer:reason:)`` for absolute paths and `..`.
  package static func clean(_ raw: String, layer: Digest? = nil) throws -> String {
    if raw.hasPrefix("/") {
      throw LayerFSError.unsafePath(raw, layer: layer, reason: "absolute paths are not allowed in a layer")
    }
    var parts: [Substring] = []
    for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        throw LayerFSError.unsafePath(raw, layer: layer, reason: "'..' climbs out of the root filesystem")
      }
      parts.append(part)
    }
    return parts.joined(separator: "/")
  }

  /// Cleans a path a user typed (`/opt/app`, `opt/app/`): inside an image every path is
  /// relative to its root, so a leading `/` is dropped; `..` is still refused. The typed
  /// bytes are decoded as a layer's names are, so an NFD path names the NFD file, not its
  /// NFC twin.
  package static func cleanUserPath(_ raw: String) throws -> String {
    try clean(String(FileName.decode(Array(raw.utf8)).drop(while: { $0 == "/" })))
  }

  /// Classifies a cleaned path.
  package static func kind(of path: String, layer: Digest? = nil) throws -> Kind {
    let (dir, base) = split(path)
    if base == opaqueMarker { return .opaque(dir) }
    if base.hasPrefix(whiteoutPrefix) {
      let name = String(base.dropFirst(whiteoutPrefix.count))
      guard !name.isEmpty else { throw LayerFSError.invalidWhiteout(path, layer: layer) }
      return .whiteout(dir.isEmpty ? name : "\(dir)/\(name)")
    }
    return .entry(path)
  }

  /// `a/b/c` → (`a/b`, `c`); `c` → (``, `c`).
  package static func split(_ path: String) -> (dir: String, base: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    return (String(path[..<slash]), String(path[path.index(after: slash)...]))
  }

  /// The folders above a path, outermost first: `a/b/c` → [`a`, `a/b`].
  package static func parents(_ path: String) -> [String] {
    var result: [String] = []
    var current = ""
    let parts = path.split(separator: "/")
    for part in parts.dropLast() {
      current = current.isEmpty ? String(part) : "\(current)/\(part)"
      result.append(current)
    }
    return result
  }

  /// `path` with its folders resolved through symlinks, the way a runtime extracting layers
  /// in order meets them: `lib/modules/x.ko` under `lib -> usr/lib` is
  /// `usr/lib/modules/x.ko`. Targets are read inside the root, never outside it: an
  /// absolute target starts from the root and `..` stops there. `link` gives the target of
  /// a path that is a symlink, nil for anything else. With `last`, the final component is
  /// resolved too (for a folder named by a marker inside it). After 40 links the rest of the
  /// path is taken as written, as the kernel gives up with ELOOP. `mayBeLink` is asked
  /// first with the component alone, so a deep path is not looked up prefix by prefix when
  /// no symlink has that name.
  package static func resolve(
    _ path: String, last: Bool = false, mayBeLink: (Substring) -> Bool = { _ in true },
    link: (String) -> String?
  ) -> String {
    // Most paths cross no symlink and hold no dot folder: those are answered without
    // building a string for every folder on the way (a quarter of a rebase's time).
    if crossesNothing(path, last: last, mayBeLink: mayBeLink, link: link) { return path }
    return walk(path, last: last, mayBeLink: mayBeLink, link: link)
  }

  /// ``resolve(_:last:mayBeLink:link:)`` folder by folder, for paths that cross something.
  static func walk(
    _ path: String, last: Bool, mayBeLink: (Substring) -> Bool, link: (String) -> String?
  ) -> String {
    var parts = path.split(separator: "/", omittingEmptySubsequences: true)
    guard parts.count > (last ? 0 : 1) else { return path }
    let final = last ? nil : parts.removeLast()
    var todo = Array(parts.reversed())
    var out: [Substring] = []
    var current = ""
    var hops = 0
    var changed = false
    while let c = todo.popLast() {
      if c == "." { continue }
      if c == ".." {
        if !out.isEmpty { out.removeLast() }
        current = out.joined(separator: "/")
        changed = true
        continue
      }
      let candidate = current.isEmpty ? String(c) : current + "/" + c
      if hops < 40, mayBeLink(c), let target = link(candidate) {
        hops += 1
        changed = true
        if target.hasPrefix("/") { out.removeAll() }
        current = out.joined(separator: "/")
        todo += target.split(separator: "/", omittingEmptySubsequences: true).reversed()
        continue
      }
      out.append(c)
      current = candidate
    }
    guard changed else { return path }
    if let final { return current.isEmpty ? String(final) : current + "/" + final }
    return current
  }

  /// True when no folder of `path` (nor, with `last`, its final component) is a symlink,
  /// `.`, `..` or empty: ``resolve(_:last:mayBeLink:link:)`` would return it as it is. Only
  /// a folder whose name `mayBeLink` is looked up, by its prefix of `path`, which is the
  /// walk's own candidate as long as nothing before it changed.
  package static func crossesNothing(
    _ path: String, last: Bool, mayBeLink: (Substring) -> Bool, link: (String) -> String?
  ) -> Bool {
    var previous: Substring?
    var rest = path[...]
    func crosses(_ c: Substring) -> Bool {
      c.isEmpty || c == "." || c == ".." || (mayBeLink(c) && link(String(path[..<c.endIndex])) != nil)
    }
    while !rest.isEmpty {
      let slash = rest.firstIndex(of: "/") ?? rest.endIndex
      let c = rest[..<slash]
      rest = slash == rest.endIndex ? rest[slash...] : rest[rest.index(after: slash)...]
      // The component before this one is a folder on the way: it must cross nothing.
      if let previous, crosses(previous) { return false }
      previous = c
    }
    if let previous, last || previous.isEmpty { return !crosses(previous) }
    return true
  }

  /// True when `path` is `root` or lies below it ("" is the root of everything).
  package static func isWithin(_ path: String, _ root: String) -> Bool {
    root.isEmpty || path == root
      || (path.hasPrefix(root) && path.utf8.dropFirst(root.utf8.count).first == UInt8(ascii: "/"))
  }
}
