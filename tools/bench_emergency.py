"""Benchmark of rollback authorization (EMG-16): verification throughput.

A council of N members (default 101) with the smallest majority threshold signs one rollback;
`emergency.authorize_rollback` checks the council, the node's view (with 10,000 used nonces)
and every approval, each an RFC 8032 verification through `cryptography`. The signatures are
made before the clock starts. Prints the best of N runs as authorizations and signatures per
second.

Usage: python -m forkspec.tools.bench_emergency [--members N] [--repeat N]
"""

from __future__ import annotations

import argparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from forkspec.emergency import Approval, Council, Node, Rollback, authorize_rollback, rollback_message
from forkspec.tools.bench_reference import best_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=101, help="council members")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best is reported")
    arguments = parser.parse_args()
    keys = [
        Ed25519PrivateKey.from_private_bytes(index.to_bytes(32, "big"))
        for index in range(1, arguments.members + 1)
    ]
    members = tuple(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) for key in keys)
    threshold = arguments.members // 2 + 1
    unsigned = Rollback(1, 900, bytes(32), bytes([7]) * 32, 2_000_000_000, ())
    message = rollback_message(unsigned)
    approvals = tuple(Approval(member, key.sign(message)) for member, key in zip(members, keys, strict=True))
    rollback = unsigned._replace(approvals=approvals[:threshold])
    node = Node(1, 1000, 1_800_000_000, frozenset(index.to_bytes(32, "big") for index in range(10_000)))
    council = Council(members, threshold)
    seconds = best_seconds(lambda: authorize_rollback(council, rollback, node), arguments.repeat)
    print(
        f"rollback authorization, {threshold} of {arguments.members} signatures: {seconds * 1000:.2f} ms, "
        f"{1 / seconds:,.0f} authorizations per second, {threshold / seconds:,.0f} signatures per second"
    )


if __name__ == "__main__":
    main()
