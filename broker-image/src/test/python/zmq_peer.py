#!/usr/bin/python3
"""libzmq peers (pyzmq) for ZeroMesh's interop tests: the other end of our devices.

    zmq_peer.py ROLE --endpoint tcp://127.0.0.1:PORT [options]

Roles: rep, req, dealer, pub, sub, push, pull. Each prints one JSON line on stdout at the end,
shaped like the probe's summary ({"mode", "sent", "received", "lost", "peers"}), and exits 0 when
it reached --count (receivers, req, dealer) or sent everything (senders), else 1.

Payloads are probe payloads (broker-image/README.md): b"ZMP1", stream id, sequence and send time
in microseconds, big-endian int64s, padded to --size. A rep answers [identity, request]; req and
dealer count replies per responder from that first frame, as the probe's req does. For sub,
"peers" counts messages per topic frame.

Every loop is bounded by --timeout-s; SIGTERM ends it too (the summary is still printed).
"""
import argparse
import json
import os
import signal
import struct
import sys
import time

import zmq

HEADER = struct.Struct(">4sqqq")
MAGIC = b"ZMP1"


def payload(stream, seq, size):
    head = HEADER.pack(MAGIC, stream, seq, time.time_ns() // 1000)
    return head + b"." * max(0, size - len(head))


def sequence(body):
    if len(body) >= HEADER.size and body[:4] == MAGIC:
        return HEADER.unpack_from(body)[2]
    return None


class Run:
    def __init__(self, args):
        self.args = args
        self.deadline = time.monotonic() + args.timeout_s
        self.stopped = False
        self.sent = 0
        self.received = 0
        self.peers = {}
        signal.signal(signal.SIGTERM, self._stop)
        self.ctx = zmq.Context()

    def _stop(self, *_):
        self.stopped = True

    def done(self):
        return self.stopped or time.monotonic() >= self.deadline

    def socket(self, kind):
        s = self.ctx.socket(kind)
        s.setsockopt(zmq.LINGER, 2000)
        s.setsockopt(zmq.RCVTIMEO, 100)
        s.setsockopt(zmq.SNDTIMEO, 100)
        if self.args.curve_server_key:
            if self.args.curve_public_key:
                public = self.args.curve_public_key.encode("ascii")
                secret = self.args.curve_secret_key.encode("ascii")
            else:
                public, secret = zmq.curve_keypair()
            s.curve_serverkey = self.args.curve_server_key.encode("ascii")
            s.curve_publickey = public
            s.curve_secretkey = secret
        if self.args.bind:
            s.bind(self.args.endpoint)
        else:
            s.connect(self.args.endpoint)
        return s

    def recv(self, s):
        try:
            return s.recv_multipart()
        except zmq.Again:
            return None

    def send(self, s, frames):
        while not self.done():
            try:
                s.send_multipart(frames)
                return True
            except zmq.Again:
                continue
        return False

    def count_peer(self, name):
        key = name.decode("utf-8", "replace")
        self.peers[key] = self.peers.get(key, 0) + 1

    def finish(self, mode, ok, lost=0):
        print(json.dumps({"mode": mode, "sent": self.sent, "received": self.received,
                          "lost": lost, "peers": self.peers, "ok": ok},
                         separators=(",", ":")), flush=True)
        # Each socket lingers (2 s at most) so that what a sender queued still goes out.
        self.ctx.destroy()
        return 0 if ok else 1


def rep(r):
    s = r.socket(zmq.REP)
    identity = r.args.identity.encode()
    while not r.done() and (r.args.count == 0 or r.received < r.args.count):
        frames = r.recv(s)
        if frames is None:
            continue
        r.received += 1
        if r.send(s, [identity, frames[-1]]):
            r.sent += 1
    return r.finish("rep", r.args.count == 0 or r.received >= r.args.count)


def req(r):
    s = r.socket(zmq.REQ)
    stream = os.getpid()
    lost = 0
    for seq in range(1, r.args.count + 1):
        if r.done() or not r.send(s, [payload(stream, seq, r.args.size)]):
            break
        r.sent += 1
        answered = False
        while not r.done():
            frames = r.recv(s)
            if frames is None:
                continue
            if sequence(frames[-1]) == seq:
                r.received += 1
                if len(frames) >= 2:
                    r.count_peer(frames[0])
                answered = True
                break
        if not answered:
            lost += 1
    return r.finish("req", r.received >= r.args.count, lost)


def dealer(r):
    """Asynchronous client: every request first, then the replies, as a DEALER may."""
    s = r.socket(zmq.DEALER)
    stream = os.getpid()
    for seq in range(1, r.args.count + 1):
        if not r.send(s, [b"", payload(stream, seq, r.args.size)]):
            break
        r.sent += 1
    seen = set()
    while not r.done() and r.received < r.sent:
        frames = r.recv(s)
        if frames is None:
            continue
        # [empty delimiter, responder identity, echoed request]
        seq = sequence(frames[-1])
        if frames[0] == b"" and seq is not None and seq not in seen:
            seen.add(seq)
            r.received += 1
            if len(frames) >= 3:
                r.count_peer(frames[1])
    return r.finish("dealer", r.received >= r.args.count, r.sent - r.received)


def pub(r):
    """PUB: cycles through --topic values, at --rate, until --count sent or stopped."""
    s = r.socket(zmq.PUB)
    topics = [t.encode() for t in (r.args.topic or [""])]
    interval = 1.0 / r.args.rate if r.args.rate > 0 else 0
    start = time.monotonic()
    stream = os.getpid()
    seq = 0
    while not r.done() and (r.args.count == 0 or r.sent < r.args.count):
        if interval:
            wait = start + seq * interval - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 0.1))
                continue
        seq += 1
        topic = topics[(seq - 1) % len(topics)]
        body = payload(stream, seq, r.args.size)
        if r.send(s, [topic, body] if topic else [body]):
            r.sent += 1
    return r.finish("pub", r.args.count == 0 or r.sent >= r.args.count)


def sub(r):
    s = r.socket(zmq.SUB)
    for t in (r.args.topic or [""]):
        s.setsockopt(zmq.SUBSCRIBE, t.encode())
    while not r.done() and (r.args.count == 0 or r.received < r.args.count):
        frames = r.recv(s)
        if frames is None:
            continue
        r.received += 1
        r.count_peer(frames[0] if len(frames) >= 2 else b"")
    return r.finish("sub", r.received >= r.args.count)


def push(r):
    s = r.socket(zmq.PUSH)
    stream = os.getpid()
    for seq in range(1, r.args.count + 1):
        if not r.send(s, [payload(stream, seq, r.args.size)]):
            break
        r.sent += 1
    return r.finish("push", r.sent >= r.args.count)


def pull(r):
    s = r.socket(zmq.PULL)
    seqs = set()
    while not r.done() and (r.args.count == 0 or r.received < r.args.count):
        frames = r.recv(s)
        if frames is None:
            continue
        r.received += 1
        if len(frames) >= 2:
            r.count_peer(frames[0])
        seq = sequence(frames[-1])
        if seq is not None:
            seqs.add(seq)
    lost = (max(seqs) - len(seqs)) if seqs else 0
    return r.finish("pull", r.received >= r.args.count, lost)


ROLES = {"rep": rep, "req": req, "dealer": dealer, "pub": pub, "sub": sub, "push": push,
         "pull": pull}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("role", choices=sorted(ROLES))
    p.add_argument("--endpoint", required=True)
    p.add_argument("--bind", action="store_true")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--topic", action="append")
    p.add_argument("--identity", default="py-" + str(os.getpid()))
    p.add_argument("--timeout-s", type=float, default=30)
    p.add_argument("--curve-server-key")
    p.add_argument("--curve-public-key", help="Z85; with --curve-secret-key (default: a fresh pair)")
    p.add_argument("--curve-secret-key")
    args = p.parse_args()
    print("zmq_peer %s: libzmq %s, %s %s" % (args.role, zmq.zmq_version(),
          "bind" if args.bind else "connect", args.endpoint), file=sys.stderr, flush=True)
    sys.exit(ROLES[args.role](Run(args)))


if __name__ == "__main__":
    main()
