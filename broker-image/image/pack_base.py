#!/usr/bin/python3
"""Packs a root filesystem directory as a one-layer docker-archive image (docker save format).

    pack_base.py ROOTFS OUT.tar TAG

The layer is reproducible: entries sorted, mtime 0, owner root except /home/nonroot and /tmp
modes; /tmp is 1777 and /home/nonroot belongs to 65532:65532. The config sets no user (the images
built on it do), PATH and JAVA_HOME for /opt/java.
"""
import hashlib
import io
import json
import os
import sys
import tarfile

NONROOT = 65532


def layer_bytes(root):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                entries.append(os.path.join(dirpath, name))
        for path in sorted(entries):
            rel = os.path.relpath(path, root)
            info = tar.gettarinfo(path, arcname=rel)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if rel == "tmp":
                info.mode = 0o1777
            elif rel == "home/nonroot" or rel.startswith("home/nonroot/"):
                info.uid = info.gid = NONROOT
                info.uname = info.gname = "nonroot"
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def main():
    root, out, tag = sys.argv[1:4]
    layer = layer_bytes(root)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "Env": [
                "PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "JAVA_HOME=/opt/java",
                "LANG=C.UTF-8",
            ],
            "WorkingDir": "/",
            "Labels": {"org.opencontainers.image.title": "zeromesh-jre-base"},
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z",
                     "created_by": "broker-image/image/build-base.sh"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_name = diff_id[len("sha256:"):] + "/layer.tar"
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [layer_name]}]
    with tarfile.open(out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((config_name, config_bytes), (layer_name, layer),
                           ("manifest.json", json.dumps(manifest).encode())):
            if "/" in name:
                d = tarfile.TarInfo(os.path.dirname(name))
                d.type = tarfile.DIRTYPE
                d.mode = 0o755
                tar.addfile(d)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main()
