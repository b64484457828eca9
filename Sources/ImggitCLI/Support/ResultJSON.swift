import History
import ImageModel

/// What a command that makes a commit or moves a tag (`commit`, `merge`, `reset`, `tag NAME
/// REV`) prints with `--json`: one object with the tag, the commit it now names (as `log
/// --json` prints a commit), and the counts its line of text gives.
struct TagResultJSON: Encodable {
  let tag: String
  let commit: CommitJSON
  /// The platforms rewritten, for a multi-platform image; empty otherwise.
  let platforms: [String]
  /// `merge --squash`: the commits replaced, and the paths the layer writes and removes.
  var squashed: Int? = nil
  var changed: Int? = nil
  var removed: Int? = nil
  /// `merge A B`: whether A was B's ancestor, how many of B's commits were replayed, and
  /// the paths both changed (which side won is the `--strategy` given).
  var fastForward: Bool? = nil
  var replayed: Int? = nil
  var conflicts: [String]? = nil

  init(tag: TagName, commit: Commit, platforms: [Platform] = []) {
    self.tag = tag.description
    self.commit = CommitJSON(commit)
    self.platforms = platforms.map(\.label)
  }

  enum CodingKeys: String, CodingKey {
    case tag, commit, platforms, squashed, changed, removed, replayed, conflicts
    case fastForward = "fast_forward"
  }
}
