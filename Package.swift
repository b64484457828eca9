// swift-tools-version: 6.0
import PackageDescription

// imggit runs on Linux: it calls Glibc directly (flock, openat, mknodat, xattrs), and no
// Apple platform is declared because none is built or tested.
let package = Package(
  name: "imggit",
  products: [
    .executable(name: "imggit", targets: ["imggit"]),
    .library(
      name: "ImggitKit",
      targets: [
        "Errors", "ImageModel", "ImageStore", "TarStream", "LayerFS", "History", "GitMirror", "Registry",
        "RegistryFormats",
      ]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
  ],
  targets: [
    // C system libraries, found through pkg-config.
    .systemLibrary(
      name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
    // ISA-L's deflate and inflate: several times zlib's speed, streaming.
    .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
    // libdeflate, for the gzip levels a user asks for by number: zlib's ratio or better at
    // each level, two to four times zlib's speed, on every core.
    .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    // zstd's compressor, with a pinned job size so that its workers stay small.
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

    // The one protocol every error of the library conforms to.
    .target(name: "Errors"),
    // Pure values: digests, descriptors, manifests, configs, commits, revisions. No I/O.
    .target(
      name: "ImageModel",
      dependencies: ["Errors", .product(name: "Crypto", package: "swift-crypto")]),
    // Streaming tar reading and writing over libarchive, and the byte sources that feed it
    // (gzip inflated by ISA-L), and the parallel gzip and zstd compressors.
    .target(
      name: "TarStream",
      dependencies: [
        "CArchive", "CDeflate", "CISAL", "CZstd", "Errors",
        .product(name: "SystemPackage", package: "swift-system"),
      ]),
    // The OCI layout on disk: blobs, index.json, lock, reflog; import and export transports.
    .target(
      name: "ImageStore",
      dependencies: [
        "Errors", "ImageModel", "TarStream", .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]),
    // Layers as filesystems: per-layer file indexes, merged trees with whiteouts, tree
    // diffs, safe extraction, deterministic layer writing.
    .target(
      name: "LayerFS",
      dependencies: [
        "Errors", "ImageModel", "ImageStore", "TarStream", "CLinux",
        .product(name: "SystemPackage", package: "swift-system"),
      ]),
    // Linux calls Swift cannot import directly (makedev, fsetxattr).
    .target(name: "CLinux"),
    // Operations over the commit graph: revisions, log, tag, reset, fsck.
    .target(name: "History", dependencies: ["Errors", "ImageModel", "ImageStore", "LayerFS", "TarStream"]),
    // The image history as a real git repository, written through libgit2.
    .target(
      name: "GitMirror",
      dependencies: ["CGit2", "Errors", "History", "LayerFS", "ImageStore", "ImageModel", "TarStream"]),
    // What registries and auth files say, parsed and edited without I/O: challenges,
    // Retry-After, error bodies, auth files. Fuzzed on its own, without the network stack.
    .target(name: "RegistryFormats", dependencies: ["ImageModel"]),
    // The distribution protocol: references, auth, manifests, blobs, transfers (pull, push).
    .target(
      name: "Registry",
      dependencies: [
        "Errors", "ImageModel", "ImageStore", "RegistryFormats",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOFoundationCompat", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]),
    // Command-line parsing and output formatting only.
    .target(
      name: "ImggitCLI",
      dependencies: [
        "Errors", "History", "ImageStore", "ImageModel", "TarStream", "LayerFS", "GitMirror", "Registry",
        "CLinux", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "imggit", dependencies: ["ImggitCLI"]),
    // Fuzz targets (libFuzzer through scripts/fuzz.sh); built plainly, a replayer of inputs.
    .executableTarget(
      name: "imggit-fuzz", dependencies: ["ImageModel", "ImageStore", "LayerFS", "RegistryFormats", "CLinux"]),

    // Helpers shared by the tests: temp folders, images built in-process, running programs.
    .target(
      name: "TestSupport",
      dependencies: ["ImageStore", "TarStream", .product(name: "Crypto", package: "swift-crypto")],
      path: "Tests/Support"),
    .testTarget(name: "ImageModelTests", dependencies: ["ImageModel"]),
    .testTarget(name: "ImageStoreTests", dependencies: ["ImageStore", "TarStream", "TestSupport"]),
    .testTarget(name: "LayerFSTests", dependencies: ["LayerFS", "ImageStore", "TarStream", "TestSupport"]),
    .testTarget(name: "HistoryTests", dependencies: ["History", "ImageStore", "TestSupport"]),
    .testTarget(name: "GitMirrorTests", dependencies: ["GitMirror", "TestSupport"]),
    // The registry client's logic without a registry: formats, retries, auth files, plans.
    .testTarget(
      name: "RegistryTests", dependencies: ["Registry", "RegistryFormats", "ImageStore", "TestSupport"]),
    // Runs the built `imggit` binary against images made with umoci and skopeo.
    .testTarget(
      name: "ImggitCLITests",
      dependencies: ["imggit", "TestSupport", "ImageStore", "ImageModel", "TarStream"], exclude: []),
  ],
  swiftLanguageModes: [.v6]
)
