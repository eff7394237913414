"""Unit tests of dns-watcher.py: the records it renders and how watch events change its store."""
import importlib.util
import os
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("dns_watcher", os.path.join(HERE, "..", "dns-watcher.py"))
dns_watcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dns_watcher)


def service(ns, name, cluster_ip, **spec):
    return {"metadata": {"namespace": ns, "name": name}, "spec": dict(clusterIP=cluster_ip, **spec)}


def endpoints(ns, name, ready=(), not_ready=()):
    def addr(a):
        ip, _, hostname = a.partition("/")
        return {"ip": ip, **({"hostname": hostname} if hostname else {})}
    return {"metadata": {"namespace": ns, "name": name},
            "subsets": [{"addresses": [addr(a) for a in ready],
                         "notReadyAddresses": [addr(a) for a in not_ready]}]}


def records(text):
    """hosts text -> {name: sorted addresses}"""
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        ip, *names = line.split()
        for n in names:
            out.setdefault(n, []).append(ip)
    return {n: sorted(ips) for n, ips in out.items()}


class RenderTest(unittest.TestCase):
    def test_cluster_ip_service_answers_with_and_without_cluster_domain(self):
        svcs = {("ns1", "broker"): service("ns1", "broker", "10.96.0.20")}
        r = records(dns_watcher.render(svcs, {}, "cluster.local"))
        self.assertEqual(r, {"broker.ns1.svc.cluster.local": ["10.96.0.20"], "broker.ns1.svc": ["10.96.0.20"]})

    def test_headless_service_lists_ready_endpoints_and_hostnames(self):
        svcs = {("ns1", "peers"): service("ns1", "peers", "None")}
        eps = {("ns1", "peers"): endpoints("ns1", "peers", ready=["10.244.0.5/peers-0", "10.244.0.6"],
                                           not_ready=["10.244.0.7/peers-2"])}
        r = records(dns_watcher.render(svcs, eps, "cluster.local"))
        self.assertEqual(r["peers.ns1.svc"], ["10.244.0.5", "10.244.0.6"])
        self.assertEqual(r["peers.ns1.svc.cluster.local"], ["10.244.0.5", "10.244.0.6"])
        self.assertEqual(r["peers-0.peers.ns1.svc.cluster.local"], ["10.244.0.5"])
        self.assertNotIn("peers-2.peers.ns1.svc", r)

    def test_publish_not_ready_addresses_includes_not_ready_endpoints(self):
        svcs = {("ns1", "peers"): service("ns1", "peers", "None", publishNotReadyAddresses=True)}
        eps = {("ns1", "peers"): endpoints("ns1", "peers", ready=["10.244.0.5"], not_ready=["10.244.0.7/peers-2"])}
        r = records(dns_watcher.render(svcs, eps, "cluster.local"))
        self.assertEqual(r["peers.ns1.svc"], ["10.244.0.5", "10.244.0.7"])
        self.assertEqual(r["peers-2.peers.ns1.svc"], ["10.244.0.7"])

    def test_external_name_and_headless_without_endpoints_have_no_records(self):
        svcs = {("ns1", "ext"): service("ns1", "ext", "", type="ExternalName", externalName="example.org"),
                ("ns1", "empty"): service("ns1", "empty", "None")}
        self.assertEqual(records(dns_watcher.render(svcs, {}, "cluster.local")), {})

    def test_other_cluster_domain(self):
        svcs = {("a", "b"): service("a", "b", "10.96.1.1")}
        self.assertIn("b.a.svc.corp.example", records(dns_watcher.render(svcs, {}, "corp.example")))


class StoreTest(unittest.TestCase):
    def setUp(self):
        self.store = dns_watcher.Store(api=None, resource="services", changed=lambda: None)

    def test_added_modified_deleted(self):
        self.assertTrue(self.store.apply({"type": "ADDED", "object": service("n", "s", "10.96.0.9")}))
        self.assertTrue(self.store.apply({"type": "MODIFIED", "object": service("n", "s", "10.96.0.10")}))
        self.assertEqual(self.store.snapshot()[("n", "s")]["spec"]["clusterIP"], "10.96.0.10")
        self.assertTrue(self.store.apply({"type": "DELETED", "object": service("n", "s", "10.96.0.10")}))
        self.assertEqual(self.store.snapshot(), {})

    def test_bookmark_changes_nothing(self):
        self.assertFalse(self.store.apply({"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": "9"}}}))

    def test_error_event_forces_a_relist(self):
        with self.assertRaises(IOError):
            self.store.apply({"type": "ERROR", "object": {"code": 410, "message": "too old resource version"}})


class WriteTest(unittest.TestCase):
    def test_rewrites_only_on_change(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "hosts")
            self.assertTrue(dns_watcher.write_if_changed(path, "a\n"))
            self.assertFalse(dns_watcher.write_if_changed(path, "a\n"))
            self.assertTrue(dns_watcher.write_if_changed(path, "b\n"))
            with open(path) as f:
                self.assertEqual(f.read(), "b\n")


if __name__ == "__main__":
    unittest.main()
