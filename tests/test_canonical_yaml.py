"""The canonical YAML renderer and the cold load that rests on it (VEC-3, VEC-9, VEC-13).

A vector file whose YAML bytes are the canonical rendering of its compiled form is read from the
compiled form without parsing the YAML; these tests pin that the renderer writes exactly the
dumper's bytes, that a cold load of a generated set parses no vector file as YAML, and that a
file in any other form is still read by parsing and judged as before.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from forkspec.conformance import canonical_yaml, vectorfile
from forkspec.conformance.vectorfile import VectorSetError, load_vector_set
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_vectors import COMPARE, REPOSITORY_VECTORS, _refresh_manifest

pytestmark = pytest.mark.skipif(not hasattr(yaml, "CSafeDumper"), reason="libyaml is not installed")

# Strings where libyaml's choice of style turns on one character: indicators at the start, in the
# middle and at the end, words the resolver reads as another type, spaces at either end.
TRICKY_STRINGS = [
    "",
    " ",
    "a",
    " a",
    "a ",
    "a  b",
    "-",
    "-a",
    "- a",
    "--",
    "---",
    "---a",
    "...",
    "...a",
    "?",
    "?a",
    "? a",
    ":",
    ":a",
    ": a",
    "a:",
    "a:b",
    "a: b",
    "#",
    "#a",
    "a#b",
    "a #b",
    ",",
    ",a",
    "a,b",
    "[a",
    "a]",
    "{",
    "a}",
    "&a",
    "*a",
    "!a",
    "|",
    ">",
    "'a",
    "a'b",
    '"a',
    'a"b',
    "%a",
    "@a",
    "`a",
    "a`",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "null",
    "Null",
    "~",
    "1",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1.0",
    "1e5",
    "1.0e+5",
    ".5",
    ".inf",
    "-.inf",
    ".nan",
    "12:30",
    "1:20:30",
    "2026-12-02",
    "2026-12-02 10:00:00",
    "=",
    "<<",
    "1.0.0",
    "v1.0.0-rc.1+build.5",
    "a\tb",
    "a\nb",
    "é",
    "\uff11",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(TRICKY_STRINGS),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=140),
    st.text(max_size=8),
)
KEYS = st.one_of(st.sampled_from(TRICKY_STRINGS), st.text(alphabet="abc_ :-#'", min_size=1, max_size=12))
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=6), st.dictionaries(KEYS, children, max_size=6)),
    max_leaves=24,
)
CASES = st.dictionaries(KEYS, VALUES, min_size=1, max_size=8)


def _rendered(document: dict[str, Any]) -> tuple[bytes, int]:
    """The renderer's bytes for `document`, and how many cases it left to the dumper."""
    dumped = 0

    def dump(value: object) -> bytes:
        nonlocal dumped
        dumped += 1
        return vectorfile.dump_yaml(value)

    return b"".join(canonical_yaml.rendered_chunks(document, dump)), dumped


@settings(max_examples=400, deadline=None)
@given(st.lists(CASES, min_size=1, max_size=4), st.sampled_from([*TRICKY_STRINGS[:6], "forkspec-vectors/1"]))
def test_the_renderer_writes_exactly_the_dumpers_bytes(cases: list[dict[str, Any]], format_name: str) -> None:
    document = {"format": format_name, "cases": cases}
    try:
        rendered, _ = _rendered(document)
    except canonical_yaml.NotRenderable:
        # Only a `format` that is not a one-line scalar may be refused; every case is rendered.
        assert "\n" in format_name or "\t" in format_name or not format_name
        return
    assert rendered == vectorfile.dump_yaml(document)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "count", "version", "time", "left", "state", "note"]),
            st.one_of(
                st.integers(min_value=-(2**70), max_value=2**70),
                st.booleans(),
                st.text(alphabet="abcxyz019_./-+:#'", min_size=1, max_size=30),
            ),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=30,
    )
)
def test_runs_of_scalars_need_no_dumper_even_where_it_breaks_a_line(runs: list[dict[str, Any]]) -> None:
    """Integers, booleans and strings without spaces in flow mappings in a block sequence: the
    renderer writes them itself, breaking a long run between members as libyaml does."""
    document = {"format": "forkspec-vectors/1", "cases": [{"id": "x", "input": {"chain": runs}}]}
    rendered, dumped = _rendered(document)
    assert rendered == vectorfile.dump_yaml(document)
    assert dumped == 0


def test_the_renderer_writes_the_shipped_files_byte_for_byte() -> None:
    dumped_total = cases_total = 0
    for compiled in sorted(REPOSITORY_VECTORS.rglob("*.json")):
        document = json.loads(compiled.read_bytes())
        rendered, dumped = _rendered(document)
        assert rendered == compiled.with_suffix(".yaml").read_bytes(), compiled
        dumped_total += dumped
        cases_total += len(document["cases"])
    # The dumper writes only cases with a character outside printable ASCII, an empty string, or
    # a scalar broken at a space.
    assert dumped_total < cases_total // 10


@pytest.fixture
def vector_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the committed vector set, loaded without the verification cache."""
    monkeypatch.setenv(vectorfile.CACHE_ENVIRONMENT_VARIABLE, "")
    copy = tmp_path / "vectors"
    shutil.copytree(REPOSITORY_VECTORS, copy, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return copy


def test_a_cold_load_of_a_generated_set_parses_only_the_manifest_as_yaml(
    vector_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    parse = vectorfile.parse_yaml

    def counting_parse(data: bytes, where: str) -> object:
        parsed.append(where)
        return parse(data, where)

    monkeypatch.setattr(vectorfile, "parse_yaml", counting_parse)
    loaded = load_vector_set(vector_copy)
    assert parsed == [str(vector_copy / vectorfile.MANIFEST_NAME)]
    assert loaded == load_vector_set(vector_copy, use_cache=False)
    assert len(loaded.cases) > 700


def test_a_yaml_file_in_another_layout_with_the_same_document_is_read_by_parsing(vector_copy: Path) -> None:
    """VEC-3: readers do not depend on layout; a file in another layout is parsed and checked."""
    original = load_vector_set(vector_copy)
    document = yaml.safe_load((vector_copy / COMPARE).read_bytes())
    (vector_copy / COMPARE).write_bytes(vectorfile.dump_yaml(document, flow_leaves=False))
    _refresh_manifest(vector_copy)
    assert load_vector_set(vector_copy).cases == original.cases


def test_a_compiled_form_with_the_same_document_but_other_bytes_is_refused(vector_copy: Path) -> None:
    """VEC-13: the compiled form is the canonical JSON, not merely the same document."""
    compiled = vector_copy / vectorfile.compiled_path(COMPARE)
    document = json.loads(compiled.read_bytes())
    compiled.write_text(json.dumps(document, indent=1) + "\n")
    _refresh_manifest(vector_copy)
    with pytest.raises(VectorSetError, match="is not the compiled form of"):
        load_vector_set(vector_copy)


def test_a_compiled_form_with_a_repeated_key_is_refused(vector_copy: Path) -> None:
    compiled = vector_copy / vectorfile.compiled_path(COMPARE)
    text = compiled.read_text()
    assert '"handler":"version_compare",' in text
    repeated = '"handler":"x","handler":"version_compare",'
    compiled.write_text(text.replace('"handler":"version_compare",', repeated, 1))
    _refresh_manifest(vector_copy)
    with pytest.raises(VectorSetError, match="is not the compiled form of"):
        load_vector_set(vector_copy)


def test_a_compiled_form_that_is_not_json_is_refused(vector_copy: Path) -> None:
    (vector_copy / vectorfile.compiled_path(COMPARE)).write_text("{not json\n")
    _refresh_manifest(vector_copy)
    with pytest.raises(VectorSetError, match="is not the compiled form of"):
        load_vector_set(vector_copy)
