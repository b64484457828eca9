import Foundation
import TestSupport
import Testing

/// The second layer oracle: containers/storage (podman, buildah, CRI-O) applies an exported
/// image's layers, and the tree it mounts must be the one umoci unpacks from the original.
@Suite struct PodmanOracleTests {
  @Test func aSquashedImageMountsInPodmanAsUmociUnpacksTheOriginal() throws {
    guard let podman = which("podman"), getuid() == 0 else {
      print("PodmanOracleTests skipped: needs podman (apt-get install podman) and root")
      return
    }
    let (cli, _) = try CLI.withImages(["tricky:1", "app:1"])
    try cli.commitBigText(onto: "tricky:1", as: "tricky:2")
    let storage = [
      "--storage-driver", "vfs", "--root", cli.tmp.sub("podman-root"), "--runroot", cli.tmp.sub("podman-run"),
    ]
    defer { _ = try? run(podman, storage + ["system", "reset", "--force"]) }
    // The default gzip is one member of ISA-L chunks; --level 9 is libdeflate's, a member per
    // chunk, which containers/storage must read as one stream.
    for (n, (image, options)) in [("tricky:1", []), ("app:1", []), ("tricky:2", ["--level", "9"])]
      .enumerated()
    {
      let flat = "flat\(n)-" + image.replacingOccurrences(of: ":", with: "-") + ":1"
      try cli.ok(["merge", "--squash", image, "-t", flat] + options)
      // podman reads a colon in the path as a transport.
      let archive = cli.tmp.sub("\(flat.replacingOccurrences(of: ":", with: "-")).tar")
      try cli.ok("export", flat, "-o", archive)
      let load = try run(podman, storage + ["load", "-q", "-i", archive])
      try #require(load.status == 0, "podman load: \(load.stderr)")
      let mount = try run(podman, storage + ["image", "mount", "docker.io/library/\(flat)"])
      try #require(mount.status == 0, "podman image mount: \(mount.stderr)")
      let mounted = mount.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let unpacked = cli.tmp.sub("umoci-\(flat)")
      try cli.tool("umoci", "unpack", "--image", "\(cli.store):\(image)", unpacked)
      let want = try HostileLayerTests.tree(unpacked + "/rootfs")
      let got = try HostileLayerTests.tree(mounted)
      #expect(
        got == want,
        "\(image): podman's mount of the squash differs from umoci's unpack: \(Set(got).symmetricDifference(want).sorted().prefix(8))"
      )
      _ = try run(podman, storage + ["image", "unmount", "docker.io/library/\(flat)"])
    }
  }
}
