"""Fixtures shared by the tests."""

from __future__ import annotations

import pytest
from forkspec.conformance.vectorfile import Case, load_vector_set
from forkspec.tools.conform import shipped_vectors


@pytest.fixture(scope="session")
def shipped_cases() -> list[Case]:
    """Every case of the shipped vector set."""
    return list(load_vector_set(shipped_vectors()).cases)
