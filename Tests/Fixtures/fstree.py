#!/usr/bin/env python3
"""fstree.py ROOT

Lists a root filesystem one line per entry, names as bytes (non-UTF-8 names are shown as
Python byte literals, so two different names never print the same): path, type, mode,
owner, size, content digest, link target, device number, xattrs. Times are left out.
Sorted by the path's bytes; the root itself is not listed. Folders are walked through
descriptors, so paths longer than PATH_MAX are listed too.
"""
import hashlib
import os
import stat
import sys


def describe(dirfd, name, rel, full):
    st = os.lstat(name, dir_fd=dirfd)
    kind = stat.S_IFMT(st.st_mode)
    if kind == stat.S_IFLNK:
        return st, [repr(rel), "symlink", repr(os.readlink(name, dir_fd=dirfd))]
    line = [repr(rel), "mode=%o" % stat.S_IMODE(st.st_mode), "uid=%d" % st.st_uid, "gid=%d" % st.st_gid]
    if kind == stat.S_IFDIR:
        line.insert(1, "dir")
    elif kind == stat.S_IFREG:
        h = hashlib.sha256()
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dirfd)
        with os.fdopen(fd, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        line.insert(1, "file size=%d sha256=%s" % (st.st_size, h.hexdigest()[:16]))
    elif kind in (stat.S_IFCHR, stat.S_IFBLK):
        c = "c" if kind == stat.S_IFCHR else "b"
        line.insert(1, "device %s %d:%d" % (c, os.major(st.st_rdev), os.minor(st.st_rdev)))
    else:
        line.insert(1, "other %o" % kind)
    if len(full) < 4000:
        for x in sorted(os.listxattr(full, follow_symlinks=False)):
            line.append("xattr %s=%r" % (x, os.getxattr(full, x, follow_symlinks=False)))
    return st, line


def main(root):
    root = os.fsencode(root)
    out = []
    stack = [(os.open(root, os.O_RDONLY | os.O_DIRECTORY), b"")]
    while stack:
        dirfd, rel = stack.pop()
        for name in sorted(os.listdir(dirfd)):
            name = os.fsencode(name)
            child = rel + b"/" + name if rel else name
            st, line = describe(dirfd, name, child, root + b"/" + child)
            out.append((child, " ".join(line)))
            if stat.S_ISDIR(st.st_mode):
                fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dirfd)
                stack.append((fd, child))
        os.close(dirfd)
    for _, line in sorted(out):
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
