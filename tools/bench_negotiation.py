"""Benchmark of peer negotiation: ranking candidate peers, and decoding handshakes.

1. Peer selection: a mainnet node ranks 12,500 to 100,000 candidates of assorted versions,
   feature sets and chains, keeping the best 50, both as a Python call of `select_peers` and
   through `run_handler` as an adapter runs it (the input schema and the JSON forms included).
   Prints seconds and the ratio per doubling (target: 100,000 candidates under 1 s, PEER-5).
2. Handshake decoding: `decode_handshake` on 100,000 distinct encodings (each with its own
   client name and chain id), every one decoded and checked as NEG-4 and NEG-2 say. Prints
   handshakes per second (target: at least 100,000 per second).

Usage: python -m forkspec.tools.bench_negotiation [--repeat N]
"""

from __future__ import annotations

import argparse
from typing import Any

from forkspec.handlers import handshake_from_json, node_from_json, run_handler
from forkspec.negotiation import decode_handshake, encode_handshake
from forkspec.peers import select_peers
from forkspec.tools.bench_reference import best_seconds
from forkspec.tools.cases.negotiation import handshake, node

SIZES = (12_500, 25_000, 50_000, 100_000)
SELECTED = 50
# Candidates cycle through these: same and other minors, fewer flags, another major, another chain.
PROFILES = (
    {"protocol_version": "3.1.0"},
    {"protocol_version": "3.0.1", "supported": 7, "required": 0},
    {"protocol_version": "3.1.7", "required": 5},
    {"protocol_version": "2.1.0", "supported": 3, "required": 1},
    {"chain_id": 5},
    {"supported": 3, "required": 1},
)


def candidates(count: int) -> list[dict[str, Any]]:
    return [
        {**handshake(client_name=f"peer-{index}"), **PROFILES[index % len(PROFILES)]}
        for index in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, the best is kept")
    arguments = parser.parse_args()
    local_json = node()
    local = node_from_json(local_json)
    print(f"{'peer selection':<34} {'candidates':>10} {'seconds':>9} {'ratio':>6}")
    for label, build in (
        (
            "select_peers",
            lambda pool: lambda: select_peers(local, [handshake_from_json(c) for c in pool], SELECTED),
        ),
        (
            "run_handler (schema, JSON)",
            lambda pool: (
                lambda: run_handler(
                    "peer_selection", "mainnet", {"local": local_json, "candidates": pool, "count": SELECTED}
                )
            ),
        ),
    ):
        previous = None
        measured = 0.0
        for size in SIZES:
            pool = candidates(size)
            measured = best_seconds(build(pool), arguments.repeat)
            ratio = "" if previous is None else f"{measured / previous:6.2f}"
            print(f"{label:<34} {size:>10} {measured:9.4f} {ratio:>6}", flush=True)
            previous = measured
        verdict = "met" if measured < 1.0 else "MISSED"
        print(f"{label:<34} target: {SIZES[-1]:,} candidates under 1 s: {verdict}", flush=True)
    encodings = [
        encode_handshake(handshake_from_json({**handshake(client_name=f"peer-{index}"), "chain_id": index}))
        for index in range(SIZES[-1])
    ]
    seconds = best_seconds(lambda: [decode_handshake(data) for data in encodings], arguments.repeat)
    rate = len(encodings) / seconds
    verdict = "met" if rate >= 100_000 else "MISSED"
    print(f"handshake decode + checks: {len(encodings):,} in {seconds:.4f} s, {rate:,.0f} per second")
    print(f"handshake decode target: at least 100,000 per second: {verdict}")


if __name__ == "__main__":
    main()
