"""Unit tests of runc-wrapper.sh against a stand-in runc (ZEROMESH_REAL_RUNC)."""
import json
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
WRAPPER = os.path.join(HERE, "..", "runc-wrapper.sh")


class RuncWrapperTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.args_file = os.path.join(d, "args")
        self.fake = os.path.join(d, "runc")
        with open(self.fake, "w") as f:
            f.write(f'#!/bin/sh\nprintf "%s\\n" "$@" > {self.args_file}\nexit 7\n')
        os.chmod(self.fake, 0o755)
        self.bundle = os.path.join(d, "bundle")
        os.mkdir(self.bundle)

    def tearDown(self):
        self.dir.cleanup()

    def run_wrapper(self, *args):
        env = dict(os.environ, ZEROMESH_REAL_RUNC=self.fake)
        return subprocess.run([WRAPPER, *args], env=env, capture_output=True)

    def write_config(self, path, adj):
        # containerd writes compact JSON
        with open(path, "w") as f:
            json.dump({"ociVersion": "1.0.2", "process": {"args": ["/pause"], "oomScoreAdj": adj}}, f,
                      separators=(",", ":"))

    def oom(self, path):
        with open(path) as f:
            return json.load(f)["process"]["oomScoreAdj"]

    def test_negative_oom_score_adj_in_bundle_is_clamped_and_runc_gets_the_same_arguments(self):
        config = os.path.join(self.bundle, "config.json")
        self.write_config(config, -998)
        args = ["--root", "/run/x", "--log", "/tmp/l", "create", "--bundle", self.bundle, "--pid-file", "p", "cid"]
        r = self.run_wrapper(*args)
        self.assertEqual(r.returncode, 7)  # runc's own exit code
        self.assertEqual(self.oom(config), 0)
        with open(self.args_file) as f:
            self.assertEqual(f.read().splitlines(), args)

    def test_bundle_given_with_equals_sign(self):
        config = os.path.join(self.bundle, "config.json")
        self.write_config(config, -997)
        self.run_wrapper("create", f"--bundle={self.bundle}", "cid")
        self.assertEqual(self.oom(config), 0)

    def test_positive_value_is_kept(self):
        config = os.path.join(self.bundle, "config.json")
        self.write_config(config, 1000)
        self.run_wrapper("create", "--bundle", self.bundle, "cid")
        self.assertEqual(self.oom(config), 1000)

    def test_exec_process_file_is_clamped(self):
        process = os.path.join(self.dir.name, "process.json")
        with open(process, "w") as f:
            f.write('{"args":["sh"],"oomScoreAdj":-998}')
        self.run_wrapper("exec", "--process", process, "cid")
        with open(process) as f:
            self.assertEqual(json.load(f)["oomScoreAdj"], 0)


if __name__ == "__main__":
    unittest.main()
