import Foundation
import ImageModel
import TarStream

/// An image brought into the store, and the tags it received.
public struct ImportedImage: Sendable, Hashable {
  public let descriptor: Descriptor
  public let tags: [TagName]
  /// Blobs copied into the store; the rest were there already.
  public let newBlobs: Int
  /// Platforms of a multi-platform index that the source did not hold whole, and that the
  /// stored index therefore leaves out.
  public let leftOut: [String]
}

/// Copies images into the store from archives and layout folders.
///
/// Every blob is verified against its digest while it is copied. Nothing becomes visible in
/// the store until the whole source has been read and checked: blobs wait in the store's temp
/// folder, and only then are they renamed into place and the tags set (one locked update).
/// A bad source therefore leaves the store as it was. A ``check`` reads the layers in that
/// window, so a layer whose tar does not hash to its DiffID refuses the import too.
public struct Importer {
  public let store: Store
  /// Told the bytes read from an archive, or copied from a layout folder.
  public let progress: ProgressReporter?
  /// Reads the images' layers before anything is published (see ``IncomingLayerCheck``).
  public let check: IncomingLayerCheck?

  public init(store: Store, progress: ProgressReporter? = nil, check: IncomingLayerCheck? = nil) {
    self.store = store
    self.progress = progress
    self.check = check
  }

  /// Imports `source`; `tag` replaces the names the source gives (it must hold one image).
  public func run(_ source: ImportSource, tag: TagName? = nil) throws -> [ImportedImage] {
    var layout: String?
    if case .layout(let path, _) = source { layout = path }
    let session = ImportSession(store: store, source: source.description, layout: layout, progress: progress)
    let found: [FoundImage]
    switch source {
    case .archive(let path):
      found = try progress.phase("Importing", total: FS.size(path)) {
        try readArchive(try ArchiveReader(path: path), session: session)
      }
    case .standardInput:
      found = try progress.phase("Importing", total: nil) {
        try readArchive(try ArchiveReader(fileDescriptor: 0, context: "standard input"), session: session)
      }
    case .layout(let path, let tagFilter):
      found = try readLayout(path, tagFilter: tagFilter, session: session)
    }
    guard !found.isEmpty else {
      throw StoreError.badArchive(source: source.description, reason: "holds no image")
    }
    if tag != nil, found.count > 1 {
      throw StoreError.ambiguousImport(source: source.description, count: found.count)
    }
    var images: [(FoundImage, [TagName])] = []
    for (n, image) in found.enumerated() {
      let names = tag.map { [$0] } ?? image.names
      guard !names.isEmpty else {
        throw StoreError.unnamedImage(
          source: source.description, number: n + 1, manifest: image.descriptor.digest)
      }
      images.append((image, names))
    }
    try check?.check(session.incoming(images.map(\.0)))
    // Everything is read and verified: now make it visible.
    var results: [ImportedImage] = []
    for (image, names) in images {
      let published = try session.publish(image)
      results.append(
        ImportedImage(descriptor: image.descriptor, tags: names, newBlobs: published, leftOut: image.leftOut))
    }
    try store.update(command: "import \(source)") { update in
      for (image, names) in images {
        for name in names { update.set(name, to: image.descriptor) }
      }
    }
    check?.accepted()
    return results
  }

  // MARK: - Archives

  private func readArchive(_ reader: ArchiveReader, session: ImportSession) throws -> [FoundImage] {
    var metadata: [String: Data] = [:]
    let source = session.source
    // Blobs are read in libarchive's blocks; each block is a moment to tell the reporter.
    func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
      try reader.readData {
        try body($0)
        progress?.update(completed: reader.bytesRead)
      }
    }
    do {
      while let entry = try reader.next() {
        progress?.update(completed: reader.bytesRead)
        let path = ImportSession.clean(entry.path)
        switch entry.type {
        case .regular:
          if ["manifest.json", "index.json", "oci-layout", "repositories"].contains(path) {
            metadata[path] = try reader.readSmall()
          } else if path.hasPrefix("blobs/sha256/"), let digest = try? Digest(hex: String(path.dropFirst(13)))
          {
            try session.receive(digest, size: entry.size, path: path) { try readData($0) }
          } else {
            try session.receiveFile(path: path) { try readData($0) }
          }
        case .symlink:
          let dir = (path as NSString).deletingLastPathComponent
          session.link(
            path,
            to: ImportSession.clean(dir.isEmpty ? entry.linkTarget ?? "" : "\(dir)/\(entry.linkTarget ?? "")")
          )
        case .hardlink:
          session.link(path, to: ImportSession.clean(entry.linkTarget ?? ""))
        default:
          continue
        }
      }
    } catch let error as TarError {
      throw StoreError.unreadableArchive(source: source, error)
    }
    if let indexData = metadata["index.json"] {
      let index = try CanonicalJSON.decode(ImageIndex.self, from: indexData, what: "\(source): index.json")
      return try session.images(from: index, tagFilter: nil)
    }
    if let manifestData = metadata["manifest.json"] {
      return try session.dockerImages(manifestJSON: manifestData)
    }
    throw StoreError.badArchive(
      source: source,
      reason: "neither a docker save tarball nor an OCI archive (no manifest.json or index.json)")
  }

  // MARK: - Layout folders

  private func readLayout(_ path: String, tagFilter: String?, session: ImportSession) throws -> [FoundImage] {
    guard FS.exists("\(path)/index.json") else { throw StoreError.notALayout(path: path) }
    let data = try FS.readFile("\(path)/index.json")
    let index = try CanonicalJSON.decode(ImageIndex.self, from: data, what: "\(path)/index.json")
    return try session.images(from: index, tagFilter: tagFilter)
  }
}

/// An image found in a source, before anything of it is published.
struct FoundImage {
  var descriptor: Descriptor
  var names: [TagName]
  /// Every blob the image needs: manifest, config, layers (and a nested index).
  var blobs: [Descriptor]
  /// Manifests and indexes imggit wrote itself (for classic docker archives, and indexes of
  /// which the source lacked a platform), published with the rest.
  var generated: [Data] = []
  var leftOut: [String] = []
  /// The layers of every image it holds (each platform kept), with their DiffIDs.
  var layers: [Layer] = []
}
