"""Benchmark of deployment-state computation (spec/activation.md, ACT-6).

Prints, for a 1,000,000-block chain, the seconds to build the chain index and to compute the
state of every period, and the seconds for 10,000 deployment-by-height queries spread over ten
deployments; then the seconds the `deployment_states` handler takes on a JSON chain of
100,000 runs, input schema check included, which is what an adapter pays. Run:
`python -m forkspec.tools.bench_activation [--blocks N] [--queries N] [--handler-blocks N]`.
"""

from __future__ import annotations

import argparse
import random
import time

from forkspec.activation import BlockRun, Chain, DeploymentTracker, SignalingRules, TimeSignaling
from forkspec.handlers import run_handler

PERIOD = 2016
THRESHOLD = 1916
SEED = 20261124


def build_runs(blocks: int, generator: random.Random) -> list[BlockRun]:
    """One run per block: every block has its own version and time; about 93% signal on bit 1, under
    the 95% threshold, so that no deployment settles early and every period is evaluated."""
    runs = []
    time_now = 1_600_000_000
    for _ in range(blocks):
        signals = generator.random() < 0.93
        runs.append(BlockRun(1, 0x20000002 if signals else 0x20000000, time_now))
        time_now += 600
    return runs


def deployments(count: int) -> list[TimeSignaling]:
    """`count` deployments over the chain's time span, alternating the two rule variants."""
    return [
        TimeSignaling(
            SignalingRules.BIP9 if index % 2 == 0 else SignalingRules.SPEEDY_TRIAL,
            1,
            PERIOD,
            THRESHOLD,
            1_600_000_000 + index * 86_400,
            1_600_000_000 + 600 * 900_000,
        )
        for index in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--handler-blocks", type=int, default=100_000)
    arguments = parser.parse_args()
    generator = random.Random(SEED)
    runs = build_runs(arguments.blocks, generator)

    started = time.perf_counter()
    chain = Chain(runs)
    index_seconds = time.perf_counter() - started

    started = time.perf_counter()
    tracker = DeploymentTracker(deployments(1)[0], chain)
    final = tracker.state_at(chain.length)
    states_seconds = time.perf_counter() - started

    trackers = [DeploymentTracker(deployment, chain) for deployment in deployments(10)]
    heights = [generator.randrange(chain.length + 1) for _ in range(arguments.queries)]
    started = time.perf_counter()
    for query, height in enumerate(heights):
        trackers[query % len(trackers)].state_at(height)
    query_seconds = time.perf_counter() - started

    periods = chain.length // PERIOD
    print(f"chain: {chain.length} blocks in {len(runs)} runs, {periods} periods of {PERIOD}")
    print(f"index the chain:             {index_seconds:.3f} s")
    print(
        f"states of every period:      {states_seconds:.3f} s (final state {final.state} since {final.since})"
    )
    print(f"index + states (one core):   {index_seconds + states_seconds:.3f} s")
    print(f"{arguments.queries} queries, 10 deployments: {query_seconds:.3f} s")

    chain_json = [
        {"count": run.count, "version": run.version, "time": run.time}
        for run in runs[: arguments.handler_blocks]
    ]
    deployment = deployments(1)[0]
    request = {
        "deployment": {
            "method": deployment.rules.value,
            "bit": deployment.bit,
            "period": deployment.period,
            "threshold": deployment.threshold,
            "start_time": deployment.start_time,
            "timeout": deployment.timeout,
        },
        "chain": chain_json,
        "heights": [len(chain_json)],
    }
    started = time.perf_counter()
    run_handler("deployment_states", "mainnet", request)
    handler_seconds = time.perf_counter() - started
    print(f"handler on {len(chain_json)} JSON runs:   {handler_seconds:.3f} s (input schema check included)")


if __name__ == "__main__":
    main()
