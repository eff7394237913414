#!/usr/bin/python3
"""Writes a single-layer container image as a docker-archive tar (what `docker save` writes and
`ctr images import` reads), from files on this machine: no registry, no daemon.

    make-image.py --tag zeromesh.local/pause:3.2 --out pause.tar \
        --file /path/to/pause:/pause:0755 --entrypoint '["/pause"]' --user 65535

The tar is reproducible: fixed owners and timestamps, entries sorted, so the same inputs give the
same image digest.
"""
import argparse
import hashlib
import io
import json
import os
import sys
import tarfile


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tag", required=True, help="image reference, e.g. zeromesh.local/busybox:1.35")
    p.add_argument("--out", required=True, help="archive to write")
    p.add_argument("--file", action="append", default=[], metavar="SRC:DEST[:MODE]",
                   help="copy a host file into the image (mode in octal, default the source's)")
    p.add_argument("--symlink", action="append", default=[], metavar="DEST:TARGET")
    p.add_argument("--dir", action="append", default=[], metavar="DEST[:MODE]")
    p.add_argument("--entrypoint", default=None, help="JSON list")
    p.add_argument("--cmd", default=None, help="JSON list")
    p.add_argument("--user", default="")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--workdir", default="/")
    return p.parse_args(argv)


def clean(dest):
    dest = dest.strip("/")
    if not dest or ".." in dest.split("/"):
        raise SystemExit(f"make-image: bad path in image: {dest!r}")
    return dest


def tar_info(name, kind, mode):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = 0
    return info


def build_layer(args):
    """Returns the uncompressed layer tar as bytes."""
    entries = {}  # path -> (TarInfo, bytes or None)

    def add_parents(path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            entries.setdefault(d, (tar_info(d, tarfile.DIRTYPE, 0o755), None))

    for spec in args.dir:
        dest, _, mode = spec.partition(":")
        dest = clean(dest)
        add_parents(dest)
        entries[dest] = (tar_info(dest, tarfile.DIRTYPE, int(mode or "755", 8)), None)
    for spec in args.file:
        fields = spec.split(":")
        if len(fields) not in (2, 3):
            raise SystemExit(f"make-image: --file wants SRC:DEST[:MODE], got {spec!r}")
        src, dest = fields[0], clean(fields[1])
        with open(src, "rb") as f:
            data = f.read()
        mode = int(fields[2], 8) if len(fields) == 3 else os.stat(src).st_mode & 0o7777
        info = tar_info(dest, tarfile.REGTYPE, mode)
        info.size = len(data)
        add_parents(dest)
        entries[dest] = (info, data)
    for spec in args.symlink:
        dest, _, target = spec.partition(":")
        dest = clean(dest)
        if not target:
            raise SystemExit(f"make-image: --symlink wants DEST:TARGET, got {spec!r}")
        info = tar_info(dest, tarfile.SYMTYPE, 0o777)
        info.linkname = target
        add_parents(dest)
        entries[dest] = (info, None)

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(entries):
            info, data = entries[name]
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def add_bytes(tar, name, data):
    info = tar_info(name, tarfile.REGTYPE, 0o644)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def main(argv):
    args = parse_args(argv)
    layer = build_layer(args)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    container_config = {
        "User": args.user,
        "Env": args.env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "WorkingDir": args.workdir,
    }
    if args.entrypoint:
        container_config["Entrypoint"] = json.loads(args.entrypoint)
    if args.cmd:
        container_config["Cmd"] = json.loads(args.cmd)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": container_config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "zeromesh make-image.py"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_name = diff_id.split(":")[1] + "/layer.tar"
    manifest = [{"Config": config_name, "RepoTags": [args.tag], "Layers": [layer_name]}]

    tmp = args.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        add_bytes(tar, config_name, config_bytes)
        add_bytes(tar, layer_name, layer)
        add_bytes(tar, "manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
    os.replace(tmp, args.out)
    print(f"{args.out}: {args.tag} ({len(layer)} byte layer, {diff_id[:19]})", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
