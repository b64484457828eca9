import Errors
import History
import ImageModel
import ImageStore
import LayerFS

/// What the command line adds to a library error: the flag or command that helps. The
/// library says what is wrong; only the CLI knows its own flags.
enum Hints {
  static func hint(for error: any Error) -> String? {
    switch error {
    case StoreError.notALayout(let path): return "`imggit init \(path)` makes one in an empty folder"
    case StoreError.blobMissing: return "`imggit fsck` checks the whole store"
    case StoreError.unknownTag: return "`imggit tag` lists them"
    case StoreError.ambiguousImport: return "--tag names one image only"
    case StoreError.unnamedImage: return "give it one with --tag NAME:TAG"
    case StoreError.tagMoved: return "run the command again to build on the new value"
    case HistoryError.tagExists(let t): return "use `imggit reset \(t) REV` to move it, or --force"
    case HistoryError.noForkPoint(let new, _): return "name it: imggit rebase --onto \(new) OLD IMAGE"
    case HistoryError.rebaseConflicts:
      return "--strict refuses them; without it they are reported and the rebase goes on"
    case HistoryError.mergeConflicts: return "choose --strategy theirs, or --squash --strategy ours"
    case HistoryError.oursNeedsSquash: return "--strategy ours needs --squash"
    case HistoryError.needsTag: return "name the tag to write with -t NAME:TAG"
    case ModelError.noPlatform: return "choose one with --platform OS/ARCH"
    case let e as PlatformError:
      if case ModelError.noPlatform = e.underlying {
        return
          "a multi-platform image is rewritten on every platform, so what the command names must have each"
      }
      return hint(for: e.underlying)
    default: return nil
    }
  }

  /// `error` as the one line `imggit:` prints.
  static func line(for error: any ImggitError) -> String {
    let message = error.description
    guard let hint = hint(for: error) else { return message }
    return "\(message); \(hint)"
  }
}

extension ExtractWarning {
  /// The warning with the flag that gets the rest.
  var withHint: String {
    switch self {
    case .linksToLowerLayers: return "\(self) (extract without --layer to get them)"
    }
  }
}
