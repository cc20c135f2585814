"""Cases of the fork-identifier area (spec/forkid.md).

The networks and their checksums are those published with EIP-2124 and EIP-6122 and in
go-ethereum's tests of them; the expected answers are computed by the reference, and the
published checksums are asserted against them in tests/test_forkid.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.activation import UINT32_MAX
from forkspec.forkid import TIMESTAMP_THRESHOLD
from forkspec.tools.cases import CaseSpec, generic_invalid_cases
from forkspec.versioning import UINT64_MAX

MAINNET_GENESIS = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
# Ethereum mainnet up to Petersburg, the configuration of EIP-2124's examples: Spurious Dragon's
# two EIPs at one height, Constantinople and Petersburg at another.
MAINNET_PETERSBURG = (1150000, 1920000, 2463000, 2675000, 2675000, 4370000, 7280000, 7280000)
# Mainnet to Gray Glacier by height, then Shanghai, Cancun and Prague by time (EIP-6122).
MAINNET_BLOCKS = (*MAINNET_PETERSBURG, 9069000, 9200000, 12244000, 12965000, 13773000, 15050000)
MAINNET_TIMES = (1681338455, 1710338135, 1746612311)
# Networks whose genesis already has some rules in force: forks at height 0 are not forks.
TESTNETS = {
    "ropsten": (
        "41941023680923e0fe4d74a34bdac8141f2540e3ae90623718e47d66d1ca4a2d",
        (0, 0, 10, 10, 1700000, 4230000, 4939394, 6485846),
    ),
    "rinkeby": (
        "6341fd3daf94b748c72ced5a5b26028f2474f5f00d824504e4fa37a75767e177",
        (1, 2, 3, 3, 1035301, 3660663, 4321234, 5435345),
    ),
    "goerli": (
        "bf7e331f7f7c1dd2e05159666b3bf8bc7a8a3a9eb1d518969eab529dd9b88c1a",
        (0, 0, 0, 0, 0, 0, 0, 1561651),
    ),
}
OTHER_GENESIS = "00" * 31 + "01"
# An invented time fork, EIP-6122's example on top of Homestead.
EIP6122_EXAMPLE_TIME = 1668000000


def configuration(
    genesis: str = MAINNET_GENESIS,
    blocks: tuple[int, ...] = MAINNET_PETERSBURG,
    times: tuple[int, ...] = (),
    genesis_time: int = 0,
) -> dict[str, Any]:
    """A node's fork configuration as a handler takes it (FID-1)."""
    return {
        "genesis_hash": genesis,
        "genesis_time": genesis_time,
        "block_forks": list(blocks),
        "time_forks": list(times),
    }


def at_head(config: dict[str, Any], height: int, time: int = 0) -> dict[str, Any]:
    return {**config, "head": {"height": height, "time": time}}


def _stages(points: tuple[int, ...]) -> Iterator[tuple[str, int]]:
    """The last height before and the first height at each distinct fork point above 0."""
    for point in sorted(set(points) - {0}):
        yield f"before-{point}", point - 1
        yield f"at-{point}", point


def _creation_cases() -> Iterator[CaseSpec]:
    petersburg = configuration()
    yield CaseSpec(
        "fork_id",
        "mainnet-unsynced",
        ("FID-2", "FID-4", "FID-5"),
        "mainnet at genesis",
        at_head(petersburg, 0),
    )
    for slug, height in _stages(MAINNET_PETERSBURG):
        yield CaseSpec(
            "fork_id",
            f"mainnet-petersburg-{slug}",
            ("FID-2", "FID-4", "FID-5"),
            f"mainnet to Petersburg at height {height}: forks at one height are checksummed once",
            at_head(petersburg, height),
        )
    yield CaseSpec(
        "fork_id",
        "mainnet-petersburg-today",
        ("FID-4", "FID-5"),
        "every fork passed: FORK_NEXT is 0",
        at_head(petersburg, 7987396),
    )
    full = configuration(blocks=MAINNET_BLOCKS, times=MAINNET_TIMES)
    for slug, height, time in (
        ("last-gray-glacier-block", 15050000, 1681338454),
        ("first-shanghai-time", 17034870, 1681338455),
        ("last-shanghai-time", 19426586, 1710338134),
        ("first-cancun-time", 19426587, 1710338135),
        ("last-cancun-time", 22431083, 1746612310),
        ("first-prague-time", 22431084, 1746612311),
        ("future", 30000000, 2000000000),
    ):
        yield CaseSpec(
            "fork_id",
            f"mainnet-{slug}",
            ("FID-2", "FID-4", "FID-5"),
            f"mainnet by height, then by time (EIP-6122), at height {height}, time {time}",
            at_head(full, height, time),
        )
    for network, (genesis, blocks) in TESTNETS.items():
        config = configuration(genesis, blocks)
        yield CaseSpec(
            "fork_id", f"{network}-genesis", ("FID-2", "FID-4"), f"{network} at genesis", at_head(config, 0)
        )
        for slug, height in _stages(blocks):
            yield CaseSpec(
                "fork_id",
                f"{network}-{slug}",
                ("FID-2", "FID-4", "FID-5"),
                f"{network} at height {height}: forks at height 0 are not fork points",
                at_head(config, height),
            )
    example = configuration(blocks=(1150000,), times=(EIP6122_EXAMPLE_TIME,))
    yield CaseSpec(
        "fork_id",
        "eip6122-example",
        ("FID-2", "FID-4"),
        "EIP-6122's example: Homestead, then a time fork at 1668000000",
        at_head(example, 1150000, EIP6122_EXAMPLE_TIME),
    )
    yield CaseSpec(
        "fork_id",
        "time-fork-waits-for-block-fork",
        ("FID-4",),
        "a time fork whose time is reached counts only once the block forks before it are passed",
        at_head(example, 1149999, EIP6122_EXAMPLE_TIME + 1),
    )
    devnet = configuration(
        OTHER_GENESIS, (0, 0, 5), (1700000000, 1700000000, 1800000000, 1900000000), 1800000000
    )
    for slug, height, time, description in (
        (
            "devnet-before-block-fork",
            4,
            1800000000,
            "time forks at or before genesis are in force from genesis",
        ),
        ("devnet-after-block-fork", 5, 1800000001, "the next fork is the first time fork after genesis"),
        ("devnet-all-passed", 5, 1900000000, "every fork passed"),
    ):
        yield CaseSpec(
            "fork_id", slug, ("FID-2", "FID-4", "FID-5"), description, at_head(devnet, height, time)
        )
    yield CaseSpec(
        "fork_id",
        "no-forks",
        ("FID-4", "FID-5"),
        "a chain without forks announces the checksum of its genesis hash and 0",
        at_head(configuration(blocks=()), 100),
    )


def _invalid_configurations() -> Iterator[tuple[str, tuple[str, ...], str, dict[str, Any]]]:
    """Configurations at a head that FID-1 to FID-4 reject, each with the rule and a description."""
    yield (
        "invalid-block-fork-negative",
        ("FID-1",),
        "a fork height below 0",
        at_head(configuration(blocks=(-1, 5)), 0),
    )
    yield (
        "invalid-block-fork-too-high",
        ("FID-1",),
        "a fork height of 2^32",
        at_head(configuration(blocks=(1, UINT32_MAX + 1)), 0),
    )
    yield (
        "invalid-time-fork-too-high",
        ("FID-1",),
        "a fork time of 2^64",
        at_head(configuration(times=(UINT64_MAX + 1,)), 0),
    )
    yield (
        "invalid-time-fork-negative",
        ("FID-1",),
        "a fork time below 0",
        at_head(configuration(times=(-1,)), 0),
    )
    yield (
        "invalid-genesis-time-too-high",
        ("FID-1",),
        "a genesis time of 2^64",
        at_head(configuration(genesis_time=UINT64_MAX + 1), 0),
    )
    yield (
        "invalid-range-before-order",
        ("FID-1", "FID-6"),
        "a time out of range in a list out of order: the ranges are checked first",
        at_head(configuration(blocks=(9, 3), times=(-1,)), 0),
    )
    yield (
        "invalid-block-forks-descending",
        ("FID-2",),
        "block forks out of order",
        at_head(configuration(blocks=(1150000, 1920000, 1919999)), 0),
    )
    yield (
        "invalid-time-forks-descending",
        ("FID-2",),
        "time forks out of order",
        at_head(configuration(times=(1710338135, 1681338455)), 0),
    )
    yield (
        "invalid-order-before-ambiguity",
        ("FID-2", "FID-6"),
        "an ambiguous block fork in a list out of order: the order is checked first",
        at_head(configuration(blocks=(TIMESTAMP_THRESHOLD + 2, TIMESTAMP_THRESHOLD + 1)), 0),
    )
    yield (
        "invalid-block-fork-above-threshold",
        ("FID-3",),
        "a block fork above the threshold would be read as a time",
        at_head(configuration(blocks=(1, TIMESTAMP_THRESHOLD + 1)), 0),
    )
    yield (
        "invalid-time-fork-at-threshold",
        ("FID-3",),
        "a time fork after genesis at the threshold would be read as a height",
        at_head(configuration(times=(TIMESTAMP_THRESHOLD,)), 0),
    )
    yield (
        "invalid-head-height-too-high",
        ("FID-4",),
        "a head height of 2^32",
        at_head(configuration(), UINT32_MAX + 1),
    )
    yield "invalid-head-time-negative", ("FID-4",), "a head time below 0", at_head(configuration(), 0, -1)
    yield "invalid-head-height-negative", ("FID-4",), "a head height below 0", at_head(configuration(), -1)
    yield (
        "invalid-genesis-time-negative",
        ("FID-1",),
        "a genesis time below 0",
        at_head(configuration(genesis_time=-1), 0),
    )
    yield (
        "invalid-forks-before-head",
        ("FID-6",),
        "a fork list out of order and a head out of range: the configuration is checked first",
        at_head(configuration(blocks=(2, 1)), -1),
    )


def _boundary_configurations() -> Iterator[tuple[str, tuple[str, ...], str, dict[str, Any]]]:
    """Valid configurations at the edges of FID-1 and FID-3."""
    yield (
        "time-fork-at-zero",
        ("FID-1", "FID-2"),
        "a time fork at time 0, in force from a genesis at time 0",
        at_head(configuration(times=(0,)), 0),
    )
    yield (
        "block-fork-at-threshold",
        ("FID-3",),
        "a block fork at the threshold is still a height",
        at_head(configuration(blocks=(TIMESTAMP_THRESHOLD,)), TIMESTAMP_THRESHOLD),
    )
    yield (
        "time-fork-above-threshold",
        ("FID-3",),
        "a time fork just above the threshold",
        at_head(configuration(times=(TIMESTAMP_THRESHOLD + 1,)), 0, TIMESTAMP_THRESHOLD),
    )
    yield (
        "time-fork-at-threshold-from-genesis",
        ("FID-2", "FID-3"),
        "a time fork at the threshold but not after genesis is in force from genesis, not ambiguous",
        at_head(
            configuration(times=(TIMESTAMP_THRESHOLD,), genesis_time=TIMESTAMP_THRESHOLD),
            0,
            TIMESTAMP_THRESHOLD,
        ),
    )
    yield (
        "largest-values",
        ("FID-1", "FID-4"),
        "the largest time fork, head height and head time",
        at_head(configuration(times=(UINT64_MAX,)), UINT32_MAX, UINT64_MAX),
    )


def _validation_cases() -> Iterator[CaseSpec]:
    petersburg = configuration()
    # EIP-2124's examples, a local mainnet node at Petersburg or before it: head, remote, what it shows.
    for slug, height, remote_hash, remote_next, requirements, description in (
        ("eip2124-same-no-next", 7987396, "668db0af", 0, ("FID-7",), "both at Petersburg, no next fork"),
        (
            "eip2124-same-unknown-next",
            7987396,
            "668db0af",
            UINT64_MAX,
            ("FID-7",),
            "both at Petersburg, a remote next fork not yet reached",
        ),
        (
            "eip2124-byzantium-remote-unaware",
            7279999,
            "a00bc324",
            0,
            ("FID-7",),
            "both at Byzantium, the remote unaware of Petersburg",
        ),
        (
            "eip2124-byzantium-remote-aware",
            7279999,
            "a00bc324",
            7280000,
            ("FID-7",),
            "both at Byzantium, both aware of Petersburg",
        ),
        (
            "eip2124-byzantium-remote-misconfigured",
            7279999,
            "a00bc324",
            UINT64_MAX,
            ("FID-7",),
            "both at Byzantium, the remote plans another fork",
        ),
        (
            "eip2124-remote-syncing-exactly-at-fork",
            7280000,
            "a00bc324",
            7280000,
            ("FID-8",),
            "local exactly at Petersburg, remote at Byzantium aware of it",
        ),
        (
            "eip2124-remote-syncing",
            7987396,
            "a00bc324",
            7280000,
            ("FID-8",),
            "local at Petersburg, remote at Byzantium aware of it",
        ),
        (
            "eip2124-remote-far-behind",
            7987396,
            "3edd5b10",
            4370000,
            ("FID-8",),
            "local at Petersburg, remote at Spurious Dragon aware of Byzantium",
        ),
        (
            "eip2124-local-syncing",
            7279999,
            "668db0af",
            0,
            ("FID-9",),
            "local at Byzantium, remote at Petersburg",
        ),
        (
            "eip2124-local-far-behind",
            4369999,
            "a00bc324",
            0,
            ("FID-9",),
            "local at Spurious Dragon, remote at Byzantium",
        ),
        (
            "invalid-eip2124-remote-stale",
            7987396,
            "a00bc324",
            0,
            ("FID-8",),
            "local at Petersburg, remote at Byzantium unaware of Petersburg",
        ),
        (
            "invalid-eip2124-local-stale",
            7987396,
            "5cddc0e1",
            0,
            ("FID-10",),
            "the remote passed a fork at 2^32-1 that the local node does not know",
        ),
        (
            "invalid-eip2124-local-stale-before-fork",
            7279999,
            "5cddc0e1",
            0,
            ("FID-10",),
            "the same, with the local node before Petersburg",
        ),
        (
            "invalid-eip2124-other-chain",
            7987396,
            "afec6b27",
            0,
            ("FID-10",),
            "the remote is Rinkeby at Petersburg",
        ),
        (
            "invalid-eip2124-remote-fork-passed",
            88888888,
            "668db0af",
            88888888,
            ("FID-7",),
            "the remote's next fork is passed locally without it",
        ),
        (
            "invalid-eip2124-remote-fork-before-local",
            7279999,
            "a00bc324",
            7279999,
            ("FID-7",),
            "the remote forks at Byzantium's last block, passed locally",
        ),
    ):
        yield CaseSpec(
            "fork_id_check",
            slug,
            (*requirements, "FID-6"),
            f"EIP-2124: {description}",
            {**at_head(petersburg, height), "remote": {"hash": remote_hash, "next": remote_next}},
        )
    full = configuration(blocks=MAINNET_BLOCKS, times=MAINNET_TIMES)
    shanghai, cancun, prague = MAINNET_TIMES
    for slug, height, time, remote_hash, remote_next, cited, description in (
        (
            "eip6122-same-by-time",
            20000000,
            cancun,
            "9f3d2254",
            prague,
            ("FID-7",),
            "both at Cancun, aware of Prague",
        ),
        (
            "invalid-eip6122-time-fork-passed",
            20000000,
            1740000000,
            "9f3d2254",
            1730000000,
            ("FID-7",),
            "rule 1a by time: the remote's next fork time is passed locally",
        ),
        (
            "invalid-eip6122-time-fork-passed-exactly",
            20000000,
            1700000000,
            "dce96c2d",
            1700000000,
            ("FID-7",),
            "rule 1a by time, at the remote's next fork time",
        ),
        (
            "eip6122-remote-next-at-threshold",
            20000000,
            shanghai - 1,
            "f0afd0e3",
            TIMESTAMP_THRESHOLD,
            ("FID-3", "FID-7"),
            "a FORK_NEXT at the threshold is a height only",
        ),
        (
            "invalid-eip6122-remote-next-above-threshold",
            20000000,
            shanghai - 1,
            "f0afd0e3",
            TIMESTAMP_THRESHOLD + 1,
            ("FID-3", "FID-7"),
            "a FORK_NEXT just above the threshold is also a time",
        ),
        (
            "eip6122-remote-syncing-by-time",
            20000000,
            prague,
            "dce96c2d",
            cancun,
            ("FID-8",),
            "local at Prague, remote at Shanghai aware of Cancun",
        ),
        (
            "invalid-eip6122-remote-stale-by-time",
            20000000,
            prague,
            "dce96c2d",
            0,
            ("FID-8",),
            "local at Prague, remote at Shanghai unaware of Cancun",
        ),
        (
            "invalid-eip6122-remote-stale-wrong-next",
            20000000,
            prague,
            "f0afd0e3",
            1700000000,
            ("FID-8",),
            "remote at Gray Glacier announcing another Shanghai time",
        ),
        (
            "eip6122-local-syncing-by-time",
            17000000,
            shanghai - 1,
            "c376cf8b",
            0,
            ("FID-9",),
            "local before Shanghai, remote at Prague",
        ),
        (
            "eip6122-local-syncing-by-height",
            15049999,
            cancun,
            "dce96c2d",
            cancun,
            ("FID-4", "FID-9"),
            "local before Gray Glacier by height, its time already past Shanghai",
        ),
        (
            "invalid-eip6122-other-genesis",
            20000000,
            prague,
            "3b8e0691",
            1,
            ("FID-10",),
            "a remote at another genesis (Rinkeby's)",
        ),
    ):
        yield CaseSpec(
            "fork_id_check",
            slug,
            (*cited, "FID-6"),
            f"mainnet with time forks: {description}",
            {**at_head(full, height, time), "remote": {"hash": remote_hash, "next": remote_next}},
        )
    no_forks = configuration(blocks=())
    yield CaseSpec(
        "fork_id_check",
        "no-forks-same-genesis",
        ("FID-7",),
        "a chain without forks accepts a remote with its genesis and no next fork",
        {**at_head(no_forks, 10), "remote": {"hash": "fc64ec04", "next": 0}},
    )
    yield CaseSpec(
        "fork_id_check",
        "invalid-own-id-height-above-threshold",
        ("FID-3", "FID-7", "FID-11"),
        "a head height above the threshold: its own time FORK_NEXT read as a height",
        {
            **at_head(configuration(blocks=(), times=(3000000000,)), 3000000000, 2999999999),
            "remote": {"hash": "fc64ec04", "next": 3000000000},
        },
    )
    for slug, remote_next, description in (
        ("invalid-remote-next-too-high", UINT64_MAX + 1, "a remote FORK_NEXT of 2^64"),
        ("invalid-remote-next-negative", -1, "a remote FORK_NEXT below 0"),
    ):
        yield CaseSpec(
            "fork_id_check",
            slug,
            ("FID-6",),
            description,
            {**at_head(petersburg, 7987396), "remote": {"hash": "668db0af", "next": remote_next}},
        )
    yield CaseSpec(
        "fork_id_check",
        "invalid-head-before-remote",
        ("FID-6",),
        "a head out of range and a remote FORK_NEXT out of range: the head is checked first",
        {**at_head(petersburg, UINT32_MAX + 1), "remote": {"hash": "668db0af", "next": -1}},
    )


def _own_identifier_cases() -> Iterator[CaseSpec]:
    """FID-11 on the published networks: each node at each stage accepts what it announces."""
    petersburg = configuration()
    for height, announced in (
        (0, ("fc64ec04", 1150000)),
        (4370000, ("a00bc324", 7280000)),
        (7987396, ("668db0af", 0)),
    ):
        yield CaseSpec(
            "fork_id_check",
            f"own-id-mainnet-{height}",
            ("FID-11",),
            f"mainnet at height {height} accepts its own identifier",
            {**at_head(petersburg, height), "remote": {"hash": announced[0], "next": announced[1]}},
        )


def case_specs() -> Iterator[CaseSpec]:
    """The fork-identifier cases."""
    yield from _creation_cases()
    for slug, requirements, description, data in _boundary_configurations():
        yield CaseSpec("fork_id", slug, requirements, description, data)
    for slug, requirements, description, data in _invalid_configurations():
        yield CaseSpec("fork_id", slug, requirements, description, data)
        yield CaseSpec(
            "fork_id_check",
            slug,
            requirements,
            description,
            {**data, "remote": {"hash": "fc64ec04", "next": 0}},
        )
    for slug, genesis, description in (
        ("invalid-genesis-hash-upper-case", MAINNET_GENESIS.upper(), "hex digits are lower case"),
        ("invalid-genesis-hash-short", MAINNET_GENESIS[:-2], "a genesis hash of 31 bytes"),
        ("invalid-genesis-hash-prefixed", "0x" + MAINNET_GENESIS[2:], "no 0x prefix"),
    ):
        yield CaseSpec("fork_id", slug, ("FID-6", "GEN-7"), description, at_head(configuration(genesis), 0))
    yield from _validation_cases()
    yield from _own_identifier_cases()
    yield CaseSpec(
        "fork_id_check",
        "invalid-remote-hash-long",
        ("FID-6", "GEN-7"),
        "a FORK_HASH of 5 bytes",
        {**at_head(configuration(), 0), "remote": {"hash": "fc64ec0400", "next": 0}},
    )
    valid = at_head(configuration(), 7987396)
    yield from generic_invalid_cases("fork_id", valid)
    yield from generic_invalid_cases("fork_id_check", {**valid, "remote": {"hash": "668db0af", "next": 0}})
