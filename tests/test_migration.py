"""The state root (spec/migration.md): RFC 6962's published trees, and the root against the
recursive definition of RFC 6962 section 2.1 on random leaves."""

from __future__ import annotations

import hashlib

import pytest
from forkspec.migration import merkle_root
from hypothesis import given
from hypothesis import strategies as st

# RFC 6962's test leaves and the roots of their first n, as Certificate Transparency publishes them.
TEST_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
PUBLISHED_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("count", range(1, len(TEST_LEAVES) + 1))
def test_published_rfc6962_roots(count: int) -> None:
    """MIG-5."""
    assert (
        merkle_root([bytes.fromhex(leaf) for leaf in TEST_LEAVES[:count]]).hex() == PUBLISHED_ROOTS[count - 1]
    )


def rfc6962(leaves: list[bytes]) -> bytes:
    """MTH of RFC 6962 section 2.1, written as the RFC writes it: split at the largest power of
    two smaller than n."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1 << (len(leaves) - 1).bit_length() - 1
    return hashlib.sha256(b"\x01" + rfc6962(leaves[:split]) + rfc6962(leaves[split:])).digest()


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70))
def test_the_root_is_rfc6962s_tree_hash(leaves: list[bytes]) -> None:
    """MIG-5: the reference's level-by-level pairing equals the recursive definition."""
    assert merkle_root(leaves) == rfc6962(leaves)
