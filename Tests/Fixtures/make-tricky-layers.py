#!/usr/bin/env python3
"""make-tricky-layers.py OUTDIR

Writes three uncompressed layer tars (layer1.tar, layer2.tar, layer3.tar) whose entries hold
the cases a layer filesystem gets wrong: whiteouts, an opaque marker placed after a sibling
from its own layer, hard links to files of lower layers whose targets are later overwritten
or deleted, symlinks (absolute, relative, replaced by a file), a folder replaced by a file
and back, xattrs, a fifo and a device node, setuid and sticky modes, non-root owners, paths
over 100 and 255 bytes, non-ASCII names. make-images.sh stacks them with umoci raw add-layer.
Deterministic: fixed times, fixed order.
"""
import io
import os
import sys
import tarfile

T = 1735689600


def entry(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, uid=0, gid=0, link="", xattrs=None, dev=(0, 0)):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.uid, info.gid = uid, gid
    info.mtime = T
    info.linkname = link
    info.devmajor, info.devminor = dev
    if xattrs:
        info.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def write(path, entries):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in entries:
            tar.addfile(info, data)


def main(out):
    os.makedirs(out, exist_ok=True)
    d = tarfile.DIRTYPE
    long_dir = "data/" + "x" * 120 + "/" + "y" * 200
    write(os.path.join(out, "layer1.tar"), [
        entry("data", d, mode=0o755),
        entry("data/keep.txt", data=b"keep\n"),
        entry("data/keep2.txt", data=b"keep2\n"),
        entry("data/target.txt", data=b"T1\n"),
        entry("data/old", d, mode=0o755),
        entry("data/old/a", data=b"a\n"),
        entry("data/old/b", data=b"b\n"),
        entry("data/swap", d, mode=0o755),
        entry("data/swap/child", data=b"child\n"),
        entry("data/abs-link", tarfile.SYMTYPE, mode=0o777, link="/etc/passwd"),
        entry("data/rel-link", tarfile.SYMTYPE, mode=0o777, link="../etc/os-release"),
        entry("data/naïve-файл.txt", data="ünïcödé\n".encode()),
        entry(long_dir, d, mode=0o755),
        entry(long_dir + "/file.txt", data=b"deep\n"),
        entry("data/xattr.bin", data=b"x\n", xattrs={"user.imggit": "hello"}),
        entry("data/setuid", data=b"#!/bin/sh\n", mode=0o4755),
        entry("data/sticky", d, mode=0o1777),
        entry("data/owned", data=b"owned\n", uid=1000, gid=1000),
        entry("data/fifo", tarfile.FIFOTYPE, mode=0o644),
        entry("data/null", tarfile.CHRTYPE, mode=0o666, dev=(1, 3)),
    ])
    write(os.path.join(out, "layer2.tar"), [
        entry("data/old/c", data=b"c\n"),
        # The opaque marker comes after its sibling: it hides a and b, never c.
        entry("data/old/.wh..wh..opq"),
        entry("data/link-to-target", tarfile.LNKTYPE, link="data/target.txt"),
        entry("data/link2", tarfile.LNKTYPE, link="data/keep2.txt"),
        entry("data/.wh.keep.txt"),
        entry("data/rel-link", data=b"now a file\n"),
        entry("data/swap", data=b"now a file too\n"),
        entry("etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\n"),
    ])
    write(os.path.join(out, "layer3.tar"), [
        entry("data/target.txt", data=b"T2\n"),
        entry("data/.wh.keep2.txt"),
        entry("data/swap", d, mode=0o700),
        entry("data/swap/again", data=b"again\n"),
        entry("data/mode-only", d, mode=0o750),
    ])


if __name__ == "__main__":
    main(sys.argv[1])
