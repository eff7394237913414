"""Unit tests of make-image.py: a docker-archive that `ctr images import` accepts, reproducibly."""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_IMAGE = os.path.join(HERE, "..", "make-image.py")


def make(out, src):
    subprocess.run([sys.executable, MAKE_IMAGE, "--tag", "zeromesh.local/test:1", "--out", out,
                    "--file", f"{src}:/bin/tool:0755", "--symlink", "/bin/sh:tool", "--dir", "tmp:1777",
                    "--entrypoint", '["/bin/tool"]', "--user", "65532"], check=True, capture_output=True)


class MakeImageTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.src = os.path.join(self.dir.name, "tool")
        with open(self.src, "wb") as f:
            f.write(b"#!/bin/true\n")
        self.out = os.path.join(self.dir.name, "image.tar")
        make(self.out, self.src)

    def tearDown(self):
        self.dir.cleanup()

    def read(self, tar, name):
        return tar.extractfile(name).read()

    def test_manifest_config_and_layer_agree(self):
        with tarfile.open(self.out) as tar:
            manifest = json.loads(self.read(tar, "manifest.json"))
            self.assertEqual(manifest[0]["RepoTags"], ["zeromesh.local/test:1"])
            config_bytes = self.read(tar, manifest[0]["Config"])
            self.assertEqual(manifest[0]["Config"], hashlib.sha256(config_bytes).hexdigest() + ".json")
            config = json.loads(config_bytes)
            layer = self.read(tar, manifest[0]["Layers"][0])
        self.assertEqual(config["rootfs"]["diff_ids"], ["sha256:" + hashlib.sha256(layer).hexdigest()])
        self.assertEqual(config["config"]["Entrypoint"], ["/bin/tool"])
        self.assertEqual(config["config"]["User"], "65532")
        self.assertEqual((config["os"], config["architecture"]), ("linux", "amd64"))

    def test_layer_holds_files_links_and_dirs_owned_by_root(self):
        with tarfile.open(self.out) as tar:
            manifest = json.loads(self.read(tar, "manifest.json"))
            layer = tarfile.open(fileobj=io.BytesIO(self.read(tar, manifest[0]["Layers"][0])))
        entries = {m.name: m for m in layer.getmembers()}
        self.assertEqual(sorted(entries), ["bin", "bin/sh", "bin/tool", "tmp"])
        self.assertEqual(entries["bin/tool"].mode, 0o755)
        self.assertEqual(layer.extractfile("bin/tool").read(), b"#!/bin/true\n")
        self.assertTrue(entries["bin/sh"].issym())
        self.assertEqual(entries["bin/sh"].linkname, "tool")
        self.assertEqual(entries["tmp"].mode, 0o1777)
        self.assertTrue(all(m.uid == 0 and m.gid == 0 and m.mtime == 0 for m in entries.values()))

    def test_reproducible(self):
        again = os.path.join(self.dir.name, "again.tar")
        make(again, self.src)
        with open(self.out, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_rejects_paths_leaving_the_root(self):
        r = subprocess.run([sys.executable, MAKE_IMAGE, "--tag", "t:1", "--out", os.path.join(self.dir.name, "x.tar"),
                            "--file", f"{self.src}:/../etc/passwd"], capture_output=True)
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    unittest.main()
