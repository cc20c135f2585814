"""The roll of coordination (auditors, votes): a value that never changes, whatever is entered later."""

from __future__ import annotations

from forkspec.coordination import Roll
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f"])


@settings(max_examples=200, derandomize=True, database=None)
@given(st.lists(st.tuples(st.integers(0, 20), NAMES, st.booleans()), max_size=20))
def test_every_roll_keeps_exactly_what_was_entered_on_it(steps: list[tuple[int, str, bool]]) -> None:
    """Entering on any earlier roll (a branch) leaves every other roll as it was."""
    rolls: list[Roll[bool]] = [Roll()]
    models: list[dict[str, bool]] = [{}]
    for pick, name, value in steps:
        index = pick % len(rolls)
        if name in models[index]:
            assert name in rolls[index]
            continue
        rolls.append(rolls[index].entered(name, value))
        models.append({**models[index], name: value})
    for roll, model in zip(rolls, models, strict=True):
        assert list(roll.items()) == list(model.items())
        assert len(roll) == len(model)
        assert all((name in roll) == (name in model) for name in "abcdefg")
        assert all(roll.get(name, None) == model.get(name) for name in "abcdefg")
        rebuilt: Roll[bool] = Roll()
        for name, value in model.items():
            rebuilt = rebuilt.entered(name, value)
        assert roll == rebuilt
