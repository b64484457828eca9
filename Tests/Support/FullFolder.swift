import Foundation

/// Mounts a small tmpfs over `folder`, holding a copy of what the folder held, and fills it
/// to its last page: its files still open for writing, and a write that needs a new page
/// fails with ENOSPC, as on a full disk. Returns the function that unmounts it (the folder
/// then holds what it held before, untouched), or nil where mounting is not allowed.
public func fillFolder(_ folder: String) throws -> (() -> Void)? {
  let copy = folder + ".copy-\(UUID().uuidString.prefix(8))"
  guard try run("/bin/cp", ["-a", folder, copy]).status == 0 else { return nil }
  guard try run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", folder]).status == 0 else {
    try? FileManager.default.removeItem(atPath: copy)
    return nil
  }
  _ = try run(
    "/bin/sh",
    [
      "-c",
      "cp -a '\(copy)'/. '\(folder)'/ && dd if=/dev/zero of='\(folder)/filler' bs=4k 2>/dev/null; true",
    ])
  return {
    if (try? run("/bin/umount", [folder]))?.status != 0 { _ = try? run("/bin/umount", ["-l", folder]) }
    try? FileManager.default.removeItem(atPath: copy)
  }
}
