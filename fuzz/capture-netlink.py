#!/usr/bin/env python3
"""Writes the netlink seeds of the fuzz corpus: rtnetlink datagrams as this kernel sends them.

Run as root: it makes a network namespace with two veth pairs, IPv4 and IPv6 addresses
and a multipath route, dumps links, addresses and routes there, and provokes an NLMSG_ERROR with
an extended-ack message. Each datagram becomes fuzz/corpus/netlink/cap-<what>-<n>.

    sudo fuzz/capture-netlink.py [corpus-dir]
"""
import os, socket, struct, subprocess, sys

NS = "mediad-fuzz-capture"
RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE = 18, 22, 26
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NETLINK_EXT_ACK = 11


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def dump(sock, kind, family, body):
    sock.send(struct.pack("=IHHII", 16 + len(body), kind, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    datagrams = []
    while True:
        data = sock.recv(65536)
        datagrams.append(data)
        if struct.unpack_from("=H", data, 4)[0] in (2, 3):  # NLMSG_ERROR, NLMSG_DONE
            return datagrams


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    out = os.path.join(corpus, "netlink")
    os.makedirs(out, exist_ok=True)
    if os.environ.get("IN_NS") != "1":
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
        ip("netns", "add", NS)
        try:
            n = ["-n", NS]
            ip(*n, "link", "set", "lo", "up")
            ip(*n, "link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b")
            ip(*n, "link", "add", "dummy0", "type", "veth", "peer", "name", "dummy1")
            for link in ("veth-a", "veth-b", "dummy0", "dummy1"):
                ip(*n, "link", "set", link, "up")
            ip(*n, "addr", "add", "192.0.2.1/24", "dev", "veth-a")
            ip(*n, "addr", "add", "198.51.100.1/24", "dev", "dummy0")
            ip(*n, "addr", "add", "2001:db8::1/64", "dev", "veth-a", "nodad")
            ip(*n, "route", "add", "203.0.113.0/24", "nexthop", "via", "192.0.2.2", "dev", "veth-a",
               "nexthop", "via", "198.51.100.2", "dev", "dummy0")
            ip(*n, "route", "add", "default", "via", "192.0.2.254", "table", "1000")
            subprocess.run(["ip", "netns", "exec", NS, sys.executable, os.path.abspath(__file__), corpus], check=True, env={**os.environ, "IN_NS": "1"})
        finally:
            subprocess.run(["ip", "netns", "del", NS])
        return
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sock.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
    sock.bind((0, 0))
    captures = {
        "link": dump(sock, RTM_GETLINK, 0, struct.pack("=BxHiII", 0, 0, 0, 0, 0)),
        "addr": dump(sock, RTM_GETADDR, 0, struct.pack("=BBBBI", 0, 0, 0, 0, 0)),
        "route": dump(sock, RTM_GETROUTE, 0, struct.pack("=BBBBBBBBI", 0, 0, 0, 0, 0, 0, 0, 0, 0)),
    }
    # An error with an extended ack: RTM_GETLINK of an index that does not exist, with a bad attribute.
    body = struct.pack("=BxHiII", 0, 0, 999999, 0, 0) + struct.pack("=HH", 8, 0xFFF) + b"\0\0\0\0"
    sock.send(struct.pack("=IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 0) + body)
    captures["error"] = [sock.recv(65536)]
    for what, datagrams in captures.items():
        for index, data in enumerate(datagrams):
            with open(os.path.join(out, f"cap-{what}-{index}"), "wb") as f:
                f.write(data)
    print(f"wrote {sum(map(len, captures.values()))} datagrams to {out}")


main()
