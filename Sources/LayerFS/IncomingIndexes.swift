import Foundation
import ImageModel
import ImageStore

/// Indexes the layers an import or a pull brings in, before its tags move.
///
/// Reading each new layer once there checks what only a full read can (the tar hashes to
/// the DiffID the config claims: a lying config refuses the import, not a later squash) and
/// leaves the index every later read of the image starts from. A first `merge --squash`,
/// `extract` or `diff` right after the import is then as fast as a second one: it reads the
/// layers once, not once to index them and again to copy their files.
///
/// The indexes are kept only once the command has set its tags: a refused import leaves the
/// store byte for byte as it was, caches included. A layer intact but not indexable (a
/// hostile path) does not refuse the import: the commands that read it refuse it later.
public final class IncomingIndexes: IncomingLayerCheck, @unchecked Sendable {
  private let indexer: LayerIndexer
  private let lock = NSLock()
  private var built: [LayerIndex] = []

  public init(store: Store, progress: ProgressReporter? = nil) {
    indexer = LayerIndexer(store: store, progress: progress)
  }

  public func check(_ layers: [IncomingLayer]) throws {
    let indexes = try indexer.incomingIndexes(layers)
    lock.withLock { built += indexes }
  }

  public func accepted() {
    let indexes = lock.withLock {
      defer { built = [] }
      return built
    }
    for index in indexes { indexer.save(index) }
  }
}
