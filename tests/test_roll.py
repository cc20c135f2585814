"""The roll of coordination (auditors, votes): a value that never changes, whatever is entered later."""

from __future__ import annotations

import pytest
from forkspec.coordination import Roll
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f"])


@settings(max_examples=200, derandomize=True, database=None)
@given(st.lists(st.tuples(NAMES, st.booleans()), max_size=20))
def test_every_roll_keeps_exactly_what_was_entered_before_it(steps: list[tuple[str, bool]]) -> None:
    """Entering on the newest roll leaves every earlier roll as it was."""
    rolls: list[Roll[bool]] = [Roll()]
    models: list[dict[str, bool]] = [{}]
    for name, value in steps:
        if name in models[-1]:
            assert name in rolls[-1]
            continue
        rolls.append(rolls[-1].entered(name, value))
        models.append({**models[-1], name: value})
    for roll, model in zip(rolls, models, strict=True):
        assert len(roll) == len(model)
        assert all((name in roll) == (name in model) for name in "abcdefg")
        assert all(roll.get(name, None) == model.get(name) for name in "abcdefg")


def test_a_name_is_entered_once_and_on_the_newest_roll_only() -> None:
    first: Roll[bool] = Roll()
    second = first.entered("a", True)
    with pytest.raises(AssertionError):
        second.entered("a", False)
    with pytest.raises(AssertionError):
        first.entered("b", True)
