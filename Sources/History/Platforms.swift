import Errors
import Foundation
import ImageModel
import ImageStore

/// A failure of one platform's part of a rewrite of a multi-platform image: nothing was
/// moved, and the message says which platform stopped it.
public struct PlatformError: ImggitError {
  public let platform: String
  public let underlying: any ImggitError
  public var cause: (any Error)? { underlying }
  public var description: String { "\(platform): \(underlying.description)" }
}

/// The writing step of a rewrite whose checks have passed.
typealias Rewrite<R> = () throws -> (Descriptor, R)

/// A rewrite applied to every platform of the image it started from.
struct PlatformRewrite<R> {
  /// What the tag now points to: the new index, or the new image of a single-platform one.
  let descriptor: Descriptor
  /// The result for the repository's own platform (or the first, when it is not among them).
  let result: R
  /// The platforms rewritten; empty for a single-platform image.
  let platforms: [Platform]
}

extension Repository {
  /// Runs a rewrite of the image `revision` names on every platform it has, as regctl does:
  /// once for a single-platform image; once per platform for a multi-platform index, and then
  /// a new index of the results, in the same order, with the same platforms and annotations.
  ///
  /// While a platform is prepared and written, every revision resolves to that platform's image,
  /// exactly: a base or range that lacks the platform stops the whole rewrite (with
  /// ``ModelError/noPlatform(what:wanted:available:)``) before any tag moves. A
  /// single-platform image is rewritten the same way, for the platform its config names.
  ///
  /// `prepare` does every check that can refuse the command and returns the writing step,
  /// which returns the new image's descriptor and its own result; neither moves tags. Every
  /// platform is prepared before any is written, so a refusal leaves the store as it was.
  func forEachPlatform<R>(of revision: Revision, _ prepare: () throws -> Rewrite<R>) throws
    -> PlatformRewrite<R>
  {
    let ref = try resolve(revision)
    let (saved, savedExact) = (platform, exactPlatform)
    defer {
      platform = saved
      exactPlatform = savedExact
    }
    guard let indexDescriptor = ref.index else {
      if let p = ref.image.config.platform { platform = PlatformChoice(p) }
      exactPlatform = true
      let (descriptor, result) = try prepare()()
      return PlatformRewrite(descriptor: descriptor, result: result, platforms: [])
    }
    let index = try store.index(indexDescriptor)
    let own = try store.platformImage(indexDescriptor, platform: saved).digest
    var replaced: [Digest: Descriptor] = [:]
    var results: [(Digest, R)] = []
    var platforms: [Platform] = []
    var steps: [(entry: Descriptor, platform: Platform, write: Rewrite<R>)] = []
    for entry in index.images {
      guard let p = try entry.platform ?? store.image(entry).config.platform else {
        throw ModelError.noPlatform(
          what: "\(revision) (index \(indexDescriptor.digest.short))", wanted: "platform-labelled",
          available: index.platformLabels)
      }
      platform = PlatformChoice(p)
      exactPlatform = true
      do { steps.append((entry, p, try prepare())) } catch let e as any ImggitError {
        throw PlatformError(platform: p.label, underlying: e)
      }
    }
    for step in steps {
      platform = PlatformChoice(step.platform)
      exactPlatform = true
      let (descriptor, result): (Descriptor, R)
      do { (descriptor, result) = try step.write() } catch let e as any ImggitError {
        throw PlatformError(platform: step.platform.label, underlying: e)
      }
      replaced[step.entry.digest] = descriptor
      results.append((step.entry.digest, result))
      platforms.append(step.platform)
    }
    guard let first = results.first else {
      throw ModelError.noPlatform(what: revision.description, wanted: "any", available: [])
    }
    let result = results.first(where: { $0.0 == own })?.1 ?? first.1
    return PlatformRewrite(
      descriptor: try writeIndex(indexDescriptor, index, replacing: replaced), result: result,
      platforms: platforms)
  }

  /// `index` with its images replaced; the original when none changed. An attestation of an
  /// image that was replaced is left out: it describes bytes the new index no longer names.
  private func writeIndex(_ original: Descriptor, _ index: ImageIndex, replacing: [Digest: Descriptor])
    throws -> Descriptor
  {
    let changed = replacing.filter { $0.key != $0.value.digest }
    if changed.isEmpty { return original.bare }
    var index = index
    index.manifests = index.manifests.compactMap { entry in
      if let new = changed[entry.digest] {
        var e = entry
        e.mediaType = new.mediaType
        e.digest = new.digest
        e.size = new.size
        return e
      }
      if ImageIndex.isAttestation(entry),
        let subject = entry.annotations?["vnd.docker.reference.digest"].flatMap({ try? Digest(parsing: $0) }),
        changed[subject] != nil
      {
        return nil
      }
      return entry
    }
    let (digest, size) = try store.writeBlob(try CanonicalJSON.encode(index))
    return Descriptor(mediaType: original.mediaType, digest: digest, size: size)
  }
}
