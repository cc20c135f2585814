"""Benchmark of the governance tally (GOV-11): 1,000,000 ballots across both chambers.

A protocol upgrade under mainnet with 500,000 validators and 500,000 token holders, every one
of whom casts a ballot (yes, no and abstain in turn), tallied by `governance.tally`: every
ballot checked and counted, the holders' square roots taken, both chambers combined and the
stake gate computed. The input is built before the clock starts. Prints the best of N runs
(target: at most 1 s on one core) and ballots per second.

Usage: python -m forkspec.tools.bench_governance [--voters N] [--repeat N]
"""

from __future__ import annotations

import argparse

from forkspec.classification import UpgradeKind
from forkspec.governance import Ballot, Chamber, Choice, Proposal, ProposalType, Voter, tally
from forkspec.presets import load_preset
from forkspec.tools.bench_reference import best_seconds

CHOICES = (Choice.YES, Choice.NO, Choice.ABSTAIN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=500_000, help="voters in each chamber")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    arguments = parser.parse_args()
    count = arguments.voters
    validators = [Voter(f"v{index}", 1_000 + index) for index in range(count)]
    holders = [Voter(f"h{index}", (index + 1) ** 3) for index in range(count)]
    ballots = [
        Ballot(Chamber.VALIDATORS, voter.id, CHOICES[index % 3], 0) for index, voter in enumerate(validators)
    ]
    ballots += [
        Ballot(Chamber.HOLDERS, voter.id, CHOICES[index % 3], 0) for index, voter in enumerate(holders)
    ]
    proposal = Proposal(ProposalType.PROTOCOL_UPGRADE, UpgradeKind.HARD_FORK, 0)
    preset = load_preset("mainnet")
    seconds = best_seconds(lambda: tally(proposal, validators, holders, ballots, preset), arguments.repeat)
    print(
        f"tally of {len(ballots):,} ballots ({count:,} validators, {count:,} holders): {seconds:.3f} s, "
        f"{len(ballots) / seconds:,.0f} ballots per second (target: at most 1 s)"
    )


if __name__ == "__main__":
    main()
