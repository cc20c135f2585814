"""The vector pipeline: determinism, schemas, manifest, the check, and rejection of bad sets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from forkspec.conformance import vectorfile
from forkspec.conformance.vectorfile import Case, VectorSetError, load_vector_set
from forkspec.errors import ErrorCode
from forkspec.handlers import HANDLERS, handler_schema_path
from forkspec.presets import preset_names
from forkspec.schemas import load_schema
from forkspec.tools.cases import UNDEFINED_PRESET
from forkspec.tools.conform import shipped_vectors
from forkspec.tools.generate import generate_vector_set, vector_set_differences, write_vector_set

from tests.support import run_forkspec

REPOSITORY_VECTORS = Path(__file__).parent.parent / "vectors"


@pytest.fixture
def vector_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed vector set."""
    copy = tmp_path / "vectors"
    shutil.copytree(REPOSITORY_VECTORS, copy, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return copy


def test_generation_is_deterministic() -> None:
    assert generate_vector_set() == generate_vector_set()


def test_committed_vectors_match_the_generator(tmp_path: Path) -> None:
    write_vector_set(generate_vector_set(), tmp_path)
    assert vector_set_differences(tmp_path, REPOSITORY_VECTORS) == []


@pytest.mark.skipif(not hasattr(yaml, "CSafeDumper"), reason="libyaml is not installed")
def test_libyaml_and_pure_python_dumpers_write_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    with_libyaml = generate_vector_set()
    pure_python = type(
        "PurePythonDumper", (yaml.SafeDumper,), {"ignore_aliases": vectorfile.YamlDumper.ignore_aliases}
    )
    monkeypatch.setattr(vectorfile, "YamlDumper", pure_python)
    assert generate_vector_set() == with_libyaml


def test_shipped_set_loads_with_every_handler_and_both_outcomes(shipped_cases: list[Case]) -> None:
    assert {case.handler for case in shipped_cases} == set(HANDLERS)
    assert {case.preset for case in shipped_cases} == {*preset_names(), UNDEFINED_PRESET}
    for handler in HANDLERS:
        outcomes = {case.error is None for case in shipped_cases if case.handler == handler}
        assert outcomes == {True, False}, handler


def test_shipped_vectors_are_the_repository_vectors() -> None:
    assert vector_set_differences(REPOSITORY_VECTORS, shipped_vectors()) == []


def test_check_command_reports_edit_addition_and_removal(vector_copy: Path, tmp_path: Path) -> None:
    edited = vector_copy / "mainnet" / "versioning" / "version_compare.yaml"
    edited.write_text(edited.read_text().replace("order: -1", "order: 1", 1))
    (vector_copy / "mainnet" / "versioning" / "extra.yaml").write_text("format: x\n")
    (vector_copy / "mainnet" / "flags" / "flags_subset.yaml").unlink()
    run = run_forkspec("vectors", "check", "--dir", str(vector_copy), tmp_path=tmp_path)
    assert run.exit_code == 1
    assert "differs: mainnet/versioning/version_compare.yaml" in run.stdout
    assert "not generated: mainnet/versioning/extra.yaml" in run.stdout
    assert "missing: mainnet/flags/flags_subset.yaml" in run.stdout


def test_check_command_accepts_a_fresh_generation(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    assert run_forkspec("vectors", "generate", "--out", str(out), tmp_path=tmp_path).exit_code == 0
    run = run_forkspec("vectors", "check", "--dir", str(out), tmp_path=tmp_path)
    assert run.exit_code == 0, run.stdout


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _case_count(data: bytes) -> int:
    """The number of cases in a vector file, or 1 for a file too broken to count."""
    try:
        return len(yaml.safe_load(data)["cases"])
    except (yaml.YAMLError, UnicodeDecodeError, TypeError, KeyError):
        return 1


def _refresh_manifest(root: Path) -> None:
    """Recompute the manifest so that only the deliberate defect remains."""
    files = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.json")])
    }
    files.pop(vectorfile.MANIFEST_NAME)
    counts = {path: _case_count(data) for path, data in files.items() if path.endswith(".yaml")}
    manifest = vectorfile.render_manifest(files, counts, "0.1.0")
    (root / vectorfile.MANIFEST_NAME).write_bytes(manifest)


COMPARE = "mainnet/versioning/version_compare.yaml"


def _miscount(root: Path, path: str) -> None:
    manifest = yaml.safe_load((root / vectorfile.MANIFEST_NAME).read_bytes())
    for entry in manifest["files"]:
        if entry["path"] == path:
            entry["cases"] += 1
    (root / vectorfile.MANIFEST_NAME).write_bytes(vectorfile.dump_yaml(manifest, flow_leaves=False))


def _move_to_preset(root: Path, path: str, preset: str) -> None:
    for moved in (path, vectorfile.compiled_path(path)):
        text = (root / moved).read_text().replace("mainnet", preset)
        target = root / moved.replace("mainnet", preset)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        (root / moved).unlink()


DEFECTS = [
    (
        "tampered file",
        lambda root: _rewrite(root / COMPARE, "order: -1", "order: 1"),
        False,
        "SHA-256 does not match",
    ),
    (
        "malformed YAML",
        lambda root: (root / COMPARE).write_text("cases: [unclosed\n"),
        True,
        "malformed YAML",
    ),
    ("not UTF-8", lambda root: (root / COMPARE).write_bytes(b"\xff\xfe\x00"), True, COMPARE),
    ("wrong type", lambda root: _rewrite(root / COMPARE, "order: -1", "order: '-1'"), True, "output"),
    ("float for integer", lambda root: _rewrite(root / COMPARE, "order: -1", "order: -1.0"), True, "output"),
    (
        "unknown error code",
        lambda root: _rewrite(
            root / "mainnet/versioning/version_parse.yaml", "error: INVALID_VERSION", "error: NOT_A_CODE"
        ),
        True,
        "NOT_A_CODE",
    ),
    (
        "unknown handler",
        lambda root: _rewrite(root / COMPARE, "handler: version_compare", "handler: version_sort"),
        True,
        "unknown handler",
    ),
    (
        "case in the wrong file",
        lambda root: _rewrite(root / COMPARE, "preset: mainnet", "preset: minimal"),
        True,
        "belongs in",
    ),
    (
        "unlisted file",
        lambda root: shutil.copy(root / COMPARE, root / "mainnet/versioning/copy.yaml"),
        False,
        "not in the manifest",
    ),
    (
        "duplicate id",
        lambda root: _rewrite(root / COMPARE, "semver-chain-00-gt", "semver-chain-00-lt"),
        True,
        "appears twice",
    ),
    (
        "missing manifest",
        lambda root: (root / vectorfile.MANIFEST_NAME).unlink(),
        False,
        "cannot read the manifest",
    ),
    (
        "repeated key",
        lambda root: _rewrite(
            root / COMPARE,
            "  handler: version_compare\n",
            "  handler: version_compare\n  handler: version_compare\n",
        ),
        True,
        "repeated key handler",
    ),
    ("case count differs from the manifest", lambda root: _miscount(root, COMPARE), False, "counts"),
    (
        "unknown preset",
        lambda root: _move_to_preset(root, COMPARE, "testnet"),
        True,
        "unknown preset 'testnet'",
    ),
    (
        "valid input in an INVALID_INPUT case",
        lambda root: _rewrite(
            root / "mainnet/versioning/version_parse.yaml",
            "input: {version: 0}\n  error: INVALID_INPUT",
            "input: {version: '1.0.0'}\n  error: INVALID_INPUT",
        ),
        True,
        "input is valid, but the case expects INVALID_INPUT",
    ),
    (
        "bad root hash",
        lambda root: _rewrite(root / vectorfile.MANIFEST_NAME, "root_sha256: ", "root_sha256: 0"),
        False,
        "root_sha256",
    ),
]


@pytest.mark.parametrize(
    ("defect", "refresh", "message"), [(d[1], d[2], d[3]) for d in DEFECTS], ids=[d[0] for d in DEFECTS]
)
def test_a_defective_vector_set_is_rejected_whole(
    vector_copy: Path, defect, refresh: bool, message: str
) -> None:  # type: ignore[no-untyped-def]
    defect(vector_copy)
    if refresh:
        _refresh_manifest(vector_copy)
    with pytest.raises(VectorSetError, match=message.replace("[", r"\[")):
        load_vector_set(vector_copy)


def test_generate_refuses_a_directory_that_is_not_a_vector_set(tmp_path: Path) -> None:
    target = tmp_path / "not-vectors"
    (target / "presets").mkdir(parents=True)
    precious = target / "presets" / "mainnet.yaml"
    precious.write_text("name: mainnet\n")
    run = run_forkspec("vectors", "generate", "--out", str(target), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "has no manifest.yaml" in run.stderr
    assert precious.read_text() == "name: mainnet\n"


def test_exactly_the_invalid_cases_expect_an_error(shipped_cases: list[Case]) -> None:
    """VEC-16: a case author's slip (a height past the chain, a typo) never becomes a vector."""
    assert {case.area for case in shipped_cases} == {handler.area for handler in HANDLERS.values()}
    for case in shipped_cases:
        assert (case.error is not None) == case.id.split("/")[2].startswith("invalid-"), case.id


GENERIC_SLUGS = {
    "invalid-input-extra-field": ErrorCode.INVALID_INPUT,
    "invalid-input-wrong-type-": ErrorCode.INVALID_INPUT,
    "invalid-input-missing-": ErrorCode.INVALID_INPUT,
    "invalid-preset-unknown": ErrorCode.UNKNOWN_PRESET,
    "invalid-preset-before-input": ErrorCode.UNKNOWN_PRESET,
}


@pytest.mark.parametrize("handler", sorted(HANDLERS))
def test_every_handler_has_the_generic_invalid_cases(shipped_cases: list[Case], handler: str) -> None:
    """GEN-3, GEN-6, GEN-7: a wrong type, a missing and an extra field, and an unknown preset, per handler;
    `true` and `1.0` for an integer wherever the handler's input holds one."""
    slugs = {case.id.split("/")[2]: case for case in shipped_cases if case.handler == handler}
    for prefix, code in GENERIC_SLUGS.items():
        matching = [case for slug, case in slugs.items() if slug.startswith(prefix)]
        assert matching, (handler, prefix)
        assert {case.error for case in matching} == {code}, (handler, prefix)
    required = load_schema(handler_schema_path(handler))["$defs"]["input"]["required"]
    assert {slug.removeprefix("invalid-input-missing-") for slug in slugs if "-missing-" in slug} >= {
        field.replace("_", "-") for field in required
    }
    for kind in ("bool", "float"):
        integer_cases = [
            case for slug, case in slugs.items() if slug.startswith(f"invalid-input-{kind}-for-")
        ]
        assert all(case.error == ErrorCode.INVALID_INPUT for case in integer_cases)
        if handler not in TEXT_ONLY_HANDLERS:
            assert integer_cases, (handler, kind)


# Handlers whose input holds no integer at all, so that no boolean or 1.0 can stand in for one.
TEXT_ONLY_HANDLERS = {
    "endpoint_status",
    "report_open",
    "report_seal",
    "handshake_decode",
    "version_parse",
    "version_compare",
    "version_bump",
    "upgrade_policy",
    "flags_encode",
    "flags_in_force",
}


def test_undefined_preset_cases_expect_unknown_preset(shipped_cases: list[Case]) -> None:
    """GEN-6: every case under a preset no file defines expects UNKNOWN_PRESET, and such cases exist."""
    undefined = [case for case in shipped_cases if case.preset not in preset_names()]
    assert {case.handler for case in undefined} == set(HANDLERS)
    assert {(case.preset, case.error) for case in undefined} == {(UNDEFINED_PRESET, ErrorCode.UNKNOWN_PRESET)}
