"""Peer selection and the cross-version matrix (spec/peers.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from forkspec.errors import SpecError
from forkspec.handlers import handshake_from_json, node_from_json, run_handler
from forkspec.negotiation import negotiate
from forkspec.peers import FEATURE_SCALE, select_peers
from forkspec.tools.cases.negotiation import handshake, node
from forkspec.tools.cases.peers import MATRIX_VERSIONS, matrix_node
from forkspec.versioning import UINT64_MAX, parse_version
from hypothesis import given
from hypothesis import strategies as st

from tests.support import run_forkspec

LOCAL = node_from_json(node())
candidates = st.lists(
    st.builds(
        lambda version, supported, required, chain: handshake_from_json(
            handshake(
                protocol_version=version, supported=supported, required=required & supported, chain_id=chain
            )
        ),
        st.sampled_from(["3.1.0", "3.0.2", "3.2.0", "3.1.9+x", "2.1.0", "3.1"]),
        st.sampled_from([1, 3, 7, 15]),
        st.integers(0, 15),
        st.sampled_from([1, 1, 1, 2]),
    ),
    max_size=12,
)


@given(candidates, st.integers(0, 15))
def test_selection_is_the_best_accepted_candidates_in_rank_order(pool: list[Any], count: int) -> None:
    """PEER-2 to PEER-5: every candidate is selected, refused or ranked below the selection;
    the selection is in rank order; each score is the formula's."""
    selection = select_peers(LOCAL, pool, count)
    refused = {refusal.index for refusal in selection.refused}
    chosen = [entry.index for entry in selection.selected]
    assert not refused & set(chosen)
    accepted = len(pool) - len(refused)
    assert len(chosen) == min(count, accepted)
    keys = [(-entry.score, entry.index) for entry in selection.selected]
    assert keys == sorted(keys)
    for entry in selection.selected:
        candidate = pool[entry.index]
        distance = abs(parse_version(candidate.protocol_version).minor - 1)
        assert entry.score == (UINT64_MAX - distance) * FEATURE_SCALE + entry.negotiation.features.bit_count()
    # Every accepted candidate left out ranks after the last one selected.
    ranks = {
        entry.index: (-entry.score, entry.index) for entry in select_peers(LOCAL, pool, len(pool)).selected
    }
    for index in set(ranks) - set(chosen):
        assert not keys or ranks[index] > keys[-1]


@given(candidates)
def test_refusals_are_those_of_the_handshake_checks_and_negotiation(pool: list[Any]) -> None:
    """PEER-2: a candidate is refused exactly when a node with its handshake would be refused
    by the local node's own checks, with the same code."""
    selection = select_peers(LOCAL, pool, len(pool))
    codes = {refusal.index: refusal.code for refusal in selection.refused}
    for index, candidate in enumerate(pool):
        as_node = node_from_json(
            node(
                protocol_version=candidate.protocol_version,
                supported=candidate.supported,
                required=candidate.required,
                chain_id=candidate.chain_id,
            )
        )
        try:
            negotiate(LOCAL, as_node)
            expected = None
        except SpecError as refusal:
            expected = refusal.code
        assert codes.get(index) == expected


def test_the_matrix_command_prints_what_negotiate_answers(tmp_path: Path) -> None:
    """PEER-6: `forkspec matrix --json` is the reference's negotiate over every ordered pair."""
    run = run_forkspec("matrix", "--json", tmp_path=tmp_path)
    assert run.exit_code == 0, run.stderr
    printed = json.loads(run.stdout)
    assert printed["versions"] == list(MATRIX_VERSIONS)
    for left, row in zip(MATRIX_VERSIONS, printed["outcomes"], strict=True):
        for right, cell in zip(MATRIX_VERSIONS, row, strict=True):
            try:
                expected = run_handler(
                    "negotiate", "mainnet", {"a": matrix_node(left), "b": matrix_node(right)}
                )["protocol_version"]
            except SpecError as refusal:
                expected = refusal.code.value
            assert cell == expected
    # NEG-10: the matrix is its own transpose.
    assert [list(column) for column in zip(*printed["outcomes"], strict=True)] == printed["outcomes"]


def test_the_matrix_command_refuses_a_bad_version(tmp_path: Path) -> None:
    run = run_forkspec("matrix", "--version", "3.1", tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "INVALID_VERSION" in run.stderr
