import Foundation
import ImageModel

#if canImport(Glibc)
  import Glibc
#endif

/// One move of a tag: what it pointed to before and after, when, and by which command.
public struct ReflogEntry: Sendable, Hashable, Codable {
  public let old: Descriptor?
  /// `nil` when the tag was deleted.
  public let new: Descriptor?
  public let time: String
  public let command: String
}

/// The tag moves of one ``Store/update(command:_:)``, written before `index.json` is
/// replaced: the digest of the new `index.json` tells a later reader whether the
/// replacement happened, and so whether the entries belong in the reflog.
struct TagJournal: Codable {
  struct Move: Codable {
    let tag: TagName
    let entry: ReflogEntry
  }
  let index: Digest
  let moves: [Move]
}

extension Store {
  var journalPath: String { "\(imggitDirectory)/update-journal" }

  /// The reflog file of a tag; tag names hold `:` and `/`, so every other byte is %-escaped.
  func reflogPath(_ tag: TagName) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".utf8)
    let hex = Array("0123456789ABCDEF".utf8)
    var escaped: [UInt8] = []
    for b in tag.description.utf8 {
      if allowed.contains(b) {
        escaped.append(b)
      } else {
        escaped += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
      }
    }
    return "\(reflogDirectory)/\(String(decoding: escaped, as: UTF8.self))"
  }

  /// Makes sure the reflogs of `tags` can take the entries of a move before the move is
  /// made: a tag moved without its entry could not be moved back (`reset TAG TAG@{1}`), so a
  /// reflog that cannot be written (immutable, read-only, not permitted) refuses the move.
  /// Returns the existing reflogs opened for the append; a missing one is only checked (its
  /// folder writable), so a refused move leaves no empty reflog behind.
  ///
  /// - Throws: ``StoreError/reflogUnwritable(_:path:errno:)``.
  func openReflogs(for tags: [TagName]) throws -> [TagName: FileHandleFD] {
    var files: [TagName: FileHandleFD] = [:]
    for tag in tags where files[tag] == nil {
      let path = reflogPath(tag)
      if FS.exists(path) {
        do {
          files[tag] = try FileHandleFD(path: path, flags: O_RDWR)
        } catch StoreError.io(_, _, let e) {
          throw StoreError.reflogUnwritable(tag, path: path, errno: e)
        }
      } else if access(reflogDirectory, W_OK) != 0 {
        throw StoreError.reflogUnwritable(tag, path: path, errno: errno)
      }
    }
    return files
  }

  /// Appends entries (oldest first) to a tag's reflog, all or nothing: a write that fails
  /// half way (a full disk) is truncated back, so no torn line is ever left for the next
  /// append to be glued onto. A torn line an older imggit left is cut off first. `opened` is
  /// the reflog already open for writing (``openReflogs(for:)``).
  func appendReflog(_ entries: [ReflogEntry], for tag: TagName, opened: FileHandleFD? = nil) throws {
    var lines = Data()
    for entry in entries {
      lines.append(try CanonicalJSON.encode(entry))
      lines.append(0x0a)
    }
    let path = reflogPath(tag)
    let file = try opened ?? FileHandleFD(path: path, flags: O_RDWR | O_CREAT)
    var start = Int64(lseek(file.fd, 0, SEEK_END))
    if start > 0 {
      let (tail, _) = try FS.readTail(path, newlines: 1)
      let cut = tail.count - (tail.lastIndex(of: 0x0a).map { $0 - tail.startIndex + 1 } ?? 0)
      let complete = start - Int64(cut)
      if complete != start {
        try file.truncate(to: complete)
        start = complete
      }
    }
    do {
      guard lseek(file.fd, off_t(start), SEEK_SET) >= 0 else {
        throw StoreError.io(operation: "seek", path: path, errno: errno)
      }
      try lines.withUnsafeBytes { try file.writeAll($0) }
      try file.sync()
    } catch {
      try? file.truncate(to: start)
      try? file.sync()
      throw error
    }
  }

  /// A tag's moves, newest first. Entry N is what `tag@{N}` names (its `new` value).
  ///
  /// A last line without its newline is the trace of an append that was cut short, and is
  /// skipped, as git does; any other line that does not parse is an error. Moves of an update
  /// that replaced `index.json` but had not yet appended its reflog count already.
  public func reflog(_ tag: TagName) throws -> [ReflogEntry] {
    var entries = try reflogOnDisk(tag)
    if let journal = appliedJournal() {
      entries += missingJournalEntries(for: tag, after: entries, in: journal)
    }
    return entries.reversed()
  }

  /// The reflog file's entries, oldest first; only the last `last` complete ones when given
  /// (an update checks the end of a reflog, and a tag that moved thousands of times should
  /// not cost it thousands of decodes).
  private func reflogOnDisk(_ tag: TagName, last: Int? = nil) throws -> [ReflogEntry] {
    let p = reflogPath(tag)
    guard FS.exists(p) else { return [] }
    let (data, whole) = try last.map { try FS.readTail(p, newlines: $0 + 2) } ?? (try FS.readFile(p), true)
    var lines = data.split(separator: 0x0a, omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    // A tail read starts inside a line, or at a start it cannot tell from one: that line is
    // dropped, and enough complete ones follow it.
    if !whole, !lines.isEmpty { lines.removeFirst() }
    let torn = data.last != 0x0a
    let first = last.map { max(0, lines.count - $0 - (torn ? 1 : 0)) } ?? 0
    var entries: [ReflogEntry] = []
    for (n, line) in lines.enumerated().dropFirst(first) where !line.isEmpty {
      do {
        entries.append(
          try CanonicalJSON.decode(
            ReflogEntry.self, from: Data(line),
            what: whole ? "\(p) line \(n + 1)" : "\(p) line \(lines.count - n) from the end"))
      } catch  where torn && n == lines.count - 1 {
        continue
      }
    }
    return entries
  }

  /// The journal of an update whose `index.json` is in place, if one is waiting.
  private func appliedJournal() -> TagJournal? {
    guard FS.exists(journalPath),
      let data = try? FS.readFile(journalPath),
      let journal = try? CanonicalJSON.decode(TagJournal.self, from: data, what: journalPath),
      let index = try? FS.readFile("\(path)/index.json"),
      Digest(of: index) == journal.index
    else { return nil }
    return journal
  }

  /// The journal's moves of `tag` that the reflog (`entries`, oldest first) does not end with.
  private func missingJournalEntries(for tag: TagName, after entries: [ReflogEntry], in journal: TagJournal)
    -> [ReflogEntry]
  {
    let moves = journal.moves.filter { $0.tag == tag }.map(\.entry)
    for k in stride(from: moves.count, to: 0, by: -1) where entries.suffix(k).elementsEqual(moves.prefix(k)) {
      return Array(moves.dropFirst(k))
    }
    return moves
  }

  /// Finishes an update that was interrupted between writing its journal and appending its
  /// reflog: appends the entries if `index.json` was replaced, drops them if not. Call it
  /// under the store's lock. `applied` is the journal this process has just written and
  /// whose `index.json` it has just put in place, which need not be read back to be known;
  /// `reflogs` are its tags' reflogs, already open (``openReflogs(for:)``).
  func completeInterruptedUpdate(applied: TagJournal? = nil, reflogs: [TagName: FileHandleFD] = [:]) throws {
    guard FS.exists(journalPath) else { return }
    if let journal = applied ?? appliedJournal() {
      var tags: [TagName] = []
      for move in journal.moves where !tags.contains(move.tag) { tags.append(move.tag) }
      for tag in tags {
        let count = journal.moves.count { $0.tag == tag }
        let missing = missingJournalEntries(for: tag, after: try reflogOnDisk(tag, last: count), in: journal)
        if !missing.isEmpty { try appendReflog(missing, for: tag, opened: reflogs[tag]) }
      }
    }
    try FS.remove(journalPath)
    try FS.syncDirectory(of: journalPath)
  }

  /// True when an interrupted tag update waits in the journal (`fsck` reports it).
  public var hasInterruptedUpdate: Bool { FS.exists(journalPath) }

  /// Drops reflog entries older than `cutoff` (all tags); returns how many. Call it under
  /// the store's lock (from ``Store/update(command:_:)``).
  public func expireReflogs(before cutoff: Date, dryRun: Bool) throws -> Int {
    var dropped = 0
    for tag in try reflogTags() {
      let entries = try reflog(tag)
      let kept = entries.filter { Dates.parse($0.time).map { $0 >= cutoff } ?? true }
      dropped += entries.count - kept.count
      guard !dryRun, kept.count != entries.count else { continue }
      if kept.isEmpty {
        try FS.remove(reflogPath(tag))
        continue
      }
      var data = Data()
      for e in kept.reversed() {
        data.append(try CanonicalJSON.encode(e))
        data.append(0x0a)
      }
      try FS.atomicWrite(data, to: reflogPath(tag), tempDirectory: tempDirectory)
    }
    return dropped
  }

  /// Every tag that has a reflog, including deleted ones.
  ///
  /// - Throws: when the reflog folder cannot be read: an unreadable folder is never taken
  ///   for an empty one.
  public func reflogTags() throws -> [TagName] {
    try FS.listDirectory(reflogDirectory).compactMap { name in
      name.removingPercentEncoding.flatMap { try? TagName(parsing: $0) }
    }.sorted()
  }

  /// ``roots()`` read under the store's lock, so that a tag update running meanwhile is
  /// seen whole or not at all (for `fsck`, which compares the reflog with `index.json`).
  /// Not for use inside ``update(command:_:)``, which holds the lock already.
  ///
  /// On a store that cannot be written (a read-only mount, a CI cache) and has no lock file,
  /// the roots are read without the lock: no tag update can have made one there either.
  public func consistentRoots() throws -> StoreRoots {
    let lock: FileLock?
    do {
      try ensureImggitDirectories()
      lock = try FileLock(path: "\(imggitDirectory)/lock")
    } catch StoreError.io(_, _, let e) where FS.isReadOnly(e) {
      lock = nil
    }
    return try withExtendedLifetime(lock) { try roots() }
  }

  /// What keeps images alive: the tags of `index.json`, and every reflog entry.
  public func roots() throws -> StoreRoots {
    var reflogs: [(TagName, [ReflogEntry])] = []
    for tag in try reflogTags() { reflogs.append((tag, try reflog(tag))) }
    return StoreRoots(index: try readIndex(), reflogs: reflogs)
  }
}

/// The roots of a store: everything `gc` keeps and `fsck` checks starts here.
public struct StoreRoots: Sendable {
  /// `index.json`: tagged entries, and untagged ones other tools may have written.
  public let index: ImageIndex
  /// Each tag's reflog, newest entry first.
  public let reflogs: [(tag: TagName, entries: [ReflogEntry])]

  /// The tags, sorted by name.
  public var tags: [Tag] { Tag.all(in: index) }

  /// Every image a reflog entry names, labelled `tag@{N}`; with `old`, what the moves
  /// replaced too (the oldest value of a tag is only there).
  public func reflogImages(old: Bool, newerThan cutoff: Date? = nil) -> [(
    label: String, descriptor: Descriptor
  )] {
    var result: [(String, Descriptor)] = []
    for (tag, entries) in reflogs {
      for (n, e) in entries.enumerated() {
        if let cutoff, let t = Dates.parse(e.time), t < cutoff { continue }
        if let d = e.new { result.append(("\(tag)@{\(n)}", d)) }
        if old, let d = e.old { result.append(("\(tag)@{\(n + 1)}", d)) }
      }
    }
    return result
  }
}
