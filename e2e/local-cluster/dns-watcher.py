#!/usr/bin/python3
"""Cluster DNS records for dnsmasq, from the API's Services and Endpoints.

Watches Services and Endpoints and keeps a hosts file that dnsmasq serves (--addn-hosts):

  <svc>.<ns>.svc.<domain> and <svc>.<ns>.svc   -> the ClusterIP; for a headless Service, the
                                                 addresses of its ready endpoints (and the
                                                 not-ready ones when publishNotReadyAddresses)
  <hostname>.<svc>.<ns>.svc[.<domain>]          -> an endpoint address that has a hostname
                                                 (StatefulSet pods behind a headless Service)

After each change (debounced) it rewrites the file atomically and sends SIGHUP to dnsmasq, which
re-reads it and drops its cache. No SRV, no ExternalName (CNAME), no pod A records: see README.
Only the Python standard library: it runs with Debian's /usr/bin/python3.
"""
import argparse
import http.client
import json
import os
import signal
import ssl
import sys
import threading
import time

WATCH_TIMEOUT_S = 240


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, file=sys.stderr, flush=True)


class Api:
    def __init__(self, server, ca, cert, key):
        host_port = server.split("://", 1)[1].rstrip("/")
        self.host, _, port = host_port.partition(":")
        self.port = int(port or 443)
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)

    def request(self, path, timeout):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)
        conn.request("GET", path, headers={"Accept": "application/json"})
        resp = conn.getresponse()
        if resp.status != 200:
            body = resp.read(2000).decode(errors="replace")
            conn.close()
            raise IOError(f"GET {path}: HTTP {resp.status}: {body}")
        return conn, resp


class Store:
    """The objects of one kind, kept current by list + watch."""

    def __init__(self, api, resource, changed):
        self.api = api
        self.resource = resource
        self.changed = changed
        self.items = {}
        self.synced = threading.Event()
        self.lock = threading.Lock()

    def snapshot(self):
        with self.lock:
            return dict(self.items)

    def run(self):
        while True:
            try:
                rv = self.relist()
                self.watch(rv)
            except Exception as e:  # network errors, API restarts: relist after a pause
                log(f"{self.resource}: {e}; relisting in 1s")
                time.sleep(1)

    def relist(self):
        conn, resp = self.api.request(f"/api/v1/{self.resource}", timeout=30)
        try:
            data = json.load(resp)
        finally:
            conn.close()
        with self.lock:
            self.items = {key(o): o for o in data.get("items", [])}
        self.synced.set()
        self.changed()
        return data["metadata"]["resourceVersion"]

    def watch(self, rv):
        path = (f"/api/v1/{self.resource}?watch=1&allowWatchBookmarks=true"
                f"&resourceVersion={rv}&timeoutSeconds={WATCH_TIMEOUT_S}")
        conn, resp = self.api.request(path, timeout=WATCH_TIMEOUT_S + 30)
        try:
            while True:
                line = resp.readline()
                if not line:
                    return  # the server ended the watch: relist
                if self.apply(json.loads(line)):
                    self.changed()
        finally:
            conn.close()

    def apply(self, event):
        """Applies one watch event; True when the objects changed. An ERROR event (such as 410
        Gone for a compacted resourceVersion) raises, which makes run() relist."""
        kind, obj = event.get("type"), event.get("object", {})
        if kind == "ERROR":
            raise IOError(f"watch error: {obj.get('message')}")
        if kind not in ("ADDED", "MODIFIED", "DELETED"):
            return False  # BOOKMARK
        with self.lock:
            if kind == "DELETED":
                self.items.pop(key(obj), None)
            else:
                self.items[key(obj)] = obj
        return True


def key(obj):
    meta = obj.get("metadata", {})
    return meta.get("namespace", ""), meta.get("name", "")


def endpoint_addresses(endpoints, include_not_ready):
    out = []
    for subset in (endpoints or {}).get("subsets") or []:
        addrs = list(subset.get("addresses") or [])
        if include_not_ready:
            addrs += subset.get("notReadyAddresses") or []
        out += [(a["ip"], a.get("hostname")) for a in addrs if a.get("ip")]
    return out


def render(services, endpoints, domain):
    """Hosts-file text for the given Services and Endpoints: one line per address."""
    names_by_ip = {}

    def add(ip, *names):
        names_by_ip.setdefault(ip, [])
        for n in names:
            if n not in names_by_ip[ip]:
                names_by_ip[ip].append(n)

    for (ns, name), svc in sorted(services.items()):
        spec = svc.get("spec", {})
        if spec.get("type") == "ExternalName":
            continue
        base = f"{name}.{ns}.svc"
        cluster_ip = spec.get("clusterIP")
        if cluster_ip and cluster_ip != "None":
            add(cluster_ip, f"{base}.{domain}", base)
            continue
        addrs = endpoint_addresses(endpoints.get((ns, name)), spec.get("publishNotReadyAddresses", False))
        for ip, hostname in addrs:
            add(ip, f"{base}.{domain}", base)
            if hostname:
                add(ip, f"{hostname}.{base}.{domain}", f"{hostname}.{base}")
    lines = [f"{ip} {' '.join(names)}" for ip, names in sorted(names_by_ip.items())]
    return "# written by zeromesh dns-watcher.py\n" + "".join(line + "\n" for line in lines)


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return True


def reload_dnsmasq(pid_file):
    try:
        with open(pid_file) as f:
            os.kill(int(f.read().strip()), signal.SIGHUP)
    except (FileNotFoundError, ValueError, ProcessLookupError) as e:
        log(f"cannot signal dnsmasq ({pid_file}): {e}")


def main():
    p = argparse.ArgumentParser(description="cluster DNS hosts file for dnsmasq")
    p.add_argument("--server", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--hosts-file", required=True)
    p.add_argument("--dnsmasq-pid-file", required=True)
    p.add_argument("--domain", default="cluster.local")
    p.add_argument("--ready-file", help="touched after the first complete hosts file is written")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    api = Api(args.server, args.ca, args.cert, args.key)
    dirty = threading.Event()
    services = Store(api, "services", dirty.set)
    endpoints = Store(api, "endpoints", dirty.set)
    for store in (services, endpoints):
        threading.Thread(target=store.run, name=store.resource, daemon=True).start()
    while True:
        dirty.wait()
        time.sleep(0.1)  # coalesce a burst of events into one rewrite
        dirty.clear()
        if not (services.synced.is_set() and endpoints.synced.is_set()):
            continue
        text = render(services.snapshot(), endpoints.snapshot(), args.domain)
        if write_if_changed(args.hosts_file, text):
            reload_dnsmasq(args.dnsmasq_pid_file)
            log(f"hosts file: {text.count(chr(10)) - 1} addresses")
        if args.ready_file and not os.path.exists(args.ready_file):
            open(args.ready_file, "w").close()


if __name__ == "__main__":
    main()
