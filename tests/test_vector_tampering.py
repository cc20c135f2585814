"""Hostile vector sets and hostile target directories: each reproduces an attack on a copy of the set.

VEC-9 to VEC-14: alias bombs, links, special files, oversized files, a deleted case with the
manifest re-hashed, the verification cache, and generating or checking from a checkout whose
code is not the code that runs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from forkspec import __version__
from forkspec.conformance import vectorfile, vectorfs
from forkspec.conformance.vectorfile import VectorSetError, load_vector_set, render_vector_set
from forkspec.tools.checkout import code_differences, find_checkout, package_folders
from forkspec.tools.conform import shipped_vectors
from forkspec.tools.generate import write_vector_set

from tests.support import run_forkspec
from tests.test_vectors import COMPARE, REPOSITORY_VECTORS, _refresh_manifest

CHECKOUT = REPOSITORY_VECTORS.parent
ALIAS_BOMB = "\n".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]
    + ["cases: *a11", ""]
)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test records verified sets in its own cache, so that no test sees another's records."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(vectorfile.CACHE_ENVIRONMENT_VARIABLE, str(cache))
    return cache


@pytest.fixture
def vector_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed vector set, without the package's Python files."""
    copy = tmp_path / "vectors"
    shutil.copytree(REPOSITORY_VECTORS, copy, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return copy


def _refused(root: Path, message: str) -> None:
    with pytest.raises(VectorSetError, match=message):
        load_vector_set(root)


# VEC-9: anchors and aliases are refused before anything is built from them.


def test_an_alias_bomb_in_a_vector_file_is_refused_before_expansion(vector_copy: Path) -> None:
    (vector_copy / COMPARE).write_text(ALIAS_BOMB)
    _refresh_manifest(vector_copy)
    _refused(vector_copy, f"{COMPARE}: holds a YAML anchor or alias")


def test_an_alias_bomb_as_the_manifest_is_refused_before_expansion(vector_copy: Path) -> None:
    (vector_copy / vectorfile.MANIFEST_NAME).write_text(ALIAS_BOMB)
    _refused(vector_copy, "manifest.yaml: holds a YAML anchor or alias")


def test_an_anchor_without_an_alias_is_refused(vector_copy: Path) -> None:
    text = (vector_copy / COMPARE).read_text()
    (vector_copy / COMPARE).write_text(text.replace("- id: ", "- &first id: ", 1))
    _refresh_manifest(vector_copy)
    _refused(vector_copy, "anchor or alias")


def test_the_generator_writes_a_repeated_value_out_without_an_alias() -> None:
    shared = {"count": 8, "version": 1, "time": 0}
    data = vectorfile.dump_yaml({"a": shared, "b": shared, "c": [shared, shared]})
    assert b"&" not in data and b"*" not in data
    assert yaml.safe_load(data) == {"a": shared, "b": shared, "c": [shared, shared]}


# VEC-10: only directories and regular files, bounded, opened without following links or blocking.


def test_a_fifo_in_place_of_a_vector_file_is_refused_without_blocking(vector_copy: Path) -> None:
    (vector_copy / COMPARE).unlink()
    os.mkfifo(vector_copy / COMPARE)
    _refused(vector_copy, f"{COMPARE}: is a FIFO")


def test_a_fifo_anywhere_in_the_set_is_refused(vector_copy: Path) -> None:
    os.mkfifo(vector_copy / "mainnet" / "notes")
    _refused(vector_copy, "notes: is a FIFO")


def test_a_socket_in_the_set_is_refused(vector_copy: Path) -> None:
    # A socket path must be short; bind relative to the directory.
    here = Path.cwd()
    os.chdir(vector_copy / "mainnet")
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind("sock")
            _refused(vector_copy, "sock: is a socket")
    finally:
        os.chdir(here)


def test_a_symlink_to_dev_zero_is_refused(vector_copy: Path) -> None:
    (vector_copy / COMPARE).unlink()
    (vector_copy / COMPARE).symlink_to("/dev/zero")
    _refused(vector_copy, f"{COMPARE}: is a symbolic link")


def test_a_symlink_out_of_the_set_is_refused(vector_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(vector_copy / COMPARE, outside)
    (vector_copy / COMPARE).unlink()
    (vector_copy / COMPARE).symlink_to(outside)
    _refused(vector_copy, "is a symbolic link")


def test_a_symlink_inside_the_set_is_refused_too(vector_copy: Path) -> None:
    (vector_copy / "mainnet" / "alias.yaml").symlink_to(vector_copy / COMPARE)
    _refused(vector_copy, "alias.yaml: is a symbolic link")


def test_a_symlinked_directory_is_refused(vector_copy: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere"
    shutil.move(vector_copy / "mainnet" / "versioning", moved)
    (vector_copy / "mainnet" / "versioning").symlink_to(moved)
    _refused(vector_copy, "versioning: is a symbolic link")


def test_a_rehashed_200_megabyte_file_is_refused_by_the_size_bound(vector_copy: Path) -> None:
    with (vector_copy / COMPARE).open("ab") as handle:
        handle.truncate(200 * 1024 * 1024)
    _refresh_manifest(vector_copy)
    _refused(vector_copy, f"{COMPARE}: 209715200 bytes, over the bound of {vectorfs.MAX_FILE_BYTES} per file")


def test_a_set_over_the_total_bound_is_refused(vector_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    total = sum(path.stat().st_size for path in vector_copy.rglob("*") if path.is_file())
    monkeypatch.setattr(vectorfs, "MAX_SET_BYTES", total - 1)
    _refused(vector_copy, f"{total} bytes, over the bound of {total - 1}$")


def test_a_directory_with_too_many_entries_is_refused(
    vector_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(20):
        (vector_copy / f"note-{n}.txt").write_text("x")
    monkeypatch.setattr(vectorfs, "MAX_ENTRIES", 50)
    _refused(vector_copy, "more than 50 entries")


def test_directories_nested_too_deep_are_refused(vector_copy: Path) -> None:
    (vector_copy / Path(*["d"] * (vectorfs.MAX_DEPTH + 2))).mkdir(parents=True)
    _refused(vector_copy, f"nested deeper than {vectorfs.MAX_DEPTH}")


# VEC-12: the identity of a set; a deleted case changes it.


def test_a_set_carries_its_root_hash_and_version(shipped_cases: list[vectorfile.Case]) -> None:
    loaded = load_vector_set(shipped_vectors())
    manifest = yaml.safe_load((shipped_vectors() / vectorfile.MANIFEST_NAME).read_bytes())
    assert loaded.root_sha256 == manifest["root_sha256"]
    assert loaded.version == manifest["forkspec_version"] == __version__
    assert list(loaded.cases) == shipped_cases
    assert loaded.path == shipped_vectors()


def test_a_deleted_case_with_the_manifest_rehashed_changes_the_identity(vector_copy: Path) -> None:
    original = load_vector_set(vector_copy)
    kept = [case for case in original.cases if case.id != "mainnet/version_compare/semver-chain-00-gt"]
    assert len(kept) == len(original.cases) - 1
    shutil.rmtree(vector_copy)
    write_vector_set(render_vector_set(kept), vector_copy)
    shortened = load_vector_set(vector_copy)
    assert len(shortened.cases) == len(kept)
    assert shortened.root_sha256 != original.root_sha256


def test_the_version_is_covered_by_the_root_hash(vector_copy: Path) -> None:
    manifest = vector_copy / vectorfile.MANIFEST_NAME
    manifest.write_text(
        manifest.read_text().replace(f"forkspec_version: {__version__}", "forkspec_version: 9.9.9")
    )
    _refused(vector_copy, "root_sha256 does not match the version and the listed files")


def test_a_manifest_of_the_first_format_is_refused(vector_copy: Path) -> None:
    manifest = vector_copy / vectorfile.MANIFEST_NAME
    manifest.write_text(manifest.read_text().replace("forkspec-manifest/2", "forkspec-manifest/1"))
    _refused(vector_copy, "forkspec-manifest/2")


# VEC-13: the compiled form and the record of verified sets.


def test_a_yaml_value_that_json_cannot_carry_is_refused(vector_copy: Path) -> None:
    # A date in the input of a case about a broken input: the schemas allow it there, JSON cannot hold it.
    parse = vector_copy / "mainnet/versioning/version_parse.yaml"
    text = parse.read_text()
    old = "  input: {version: '1'}\n  error: INVALID_VERSION\n"
    assert old in text
    parse.write_text(text.replace(old, "  input: {version: 2026-12-02}\n  error: INVALID_INPUT\n", 1))
    _refresh_manifest(vector_copy)
    _refused(vector_copy, "version_parse.yaml: holds a value that JSON cannot carry")


def test_a_compiled_form_that_differs_from_its_yaml_is_refused(vector_copy: Path) -> None:
    compiled = vector_copy / vectorfile.compiled_path(COMPARE)
    text = compiled.read_text()
    assert '"order":-1' in text
    compiled.write_text(text.replace('"order":-1', '"order":1', 1))
    _refresh_manifest(vector_copy)
    _refused(vector_copy, "is not the compiled form of")


def test_a_recorded_set_loads_the_same_cases_from_its_compiled_form(
    vector_copy: Path, private_cache: Path
) -> None:
    verified = load_vector_set(vector_copy)
    assert len(list((private_cache / "verified").iterdir())) == 1
    assert load_vector_set(vector_copy) == verified
    assert load_vector_set(vector_copy, use_cache=False) == verified


def test_a_record_never_lets_a_tampered_compiled_form_load(vector_copy: Path) -> None:
    load_vector_set(vector_copy)
    compiled = vector_copy / vectorfile.compiled_path(COMPARE)
    compiled.write_text(compiled.read_text().replace('"order":-1', '"order":1', 1))
    _refused(vector_copy, "SHA-256 does not match the manifest")
    _refresh_manifest(vector_copy)
    _refused(vector_copy, "is not the compiled form of")


def test_a_record_never_lets_a_tampered_yaml_load(vector_copy: Path) -> None:
    load_vector_set(vector_copy)
    edited = vector_copy / COMPARE
    edited.write_text(edited.read_text().replace("order: -1", "order: '-1'", 1))
    _refused(vector_copy, "SHA-256 does not match the manifest")
    _refresh_manifest(vector_copy)
    _refused(vector_copy, "output")


def test_a_record_never_hides_a_changed_case_count(vector_copy: Path) -> None:
    load_vector_set(vector_copy)
    manifest = vector_copy / vectorfile.MANIFEST_NAME
    text = manifest.read_text()
    entry = text.index(f"path: {COMPARE}")
    count = text.index("cases: ", entry)
    manifest.write_text(text[:count] + "cases: 1" + text[text.index("\n", count) :])
    _refused(vector_copy, "the manifest counts 1 cases")


def test_no_record_is_kept_when_caching_is_off(
    vector_copy: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(vectorfile.CACHE_ENVIRONMENT_VARIABLE, "")
    load_vector_set(vector_copy)
    assert vectorfile.verified_cache_dir() is None
    assert not private_cache.exists()


# VEC-11: generating never writes through a link; VEC-7: checking never blocks.


def test_generate_refuses_a_symlink_in_the_target_and_writes_nothing_outside(
    vector_copy: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "precious.yaml"
    outside.write_text("precious\n")
    (vector_copy / COMPARE).unlink()
    (vector_copy / COMPARE).symlink_to(outside)
    run = run_forkspec("vectors", "generate", "--out", str(vector_copy), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert f"{COMPARE}: is a symbolic link" in run.stderr
    assert outside.read_text() == "precious\n"
    assert (vector_copy / COMPARE).is_symlink()


def test_generate_refuses_a_symlinked_directory_in_the_target(vector_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(vector_copy / "minimal" / "schedule")
    (vector_copy / "minimal" / "schedule").symlink_to(elsewhere)
    run = run_forkspec("vectors", "generate", "--out", str(vector_copy), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "schedule: is a symbolic link" in run.stderr
    assert list(elsewhere.iterdir()) == []


def test_generate_replaces_files_and_leaves_no_scratch_file(vector_copy: Path, tmp_path: Path) -> None:
    (vector_copy / COMPARE).write_text("stale\n")
    run = run_forkspec("vectors", "generate", "--out", str(vector_copy), tmp_path=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert (vector_copy / COMPARE).read_bytes() == (REPOSITORY_VECTORS / COMPARE).read_bytes()
    assert not [path for path in vector_copy.rglob(".*")]


def test_check_refuses_a_fifo_without_blocking(vector_copy: Path, tmp_path: Path) -> None:
    (vector_copy / COMPARE).unlink()
    os.mkfifo(vector_copy / COMPARE)
    run = run_forkspec("vectors", "check", "--dir", str(vector_copy), tmp_path=tmp_path, timeout=60)
    assert run.exit_code == 2
    assert f"{COMPARE}: is a FIFO" in run.stderr


def test_check_refuses_a_symlink_out_of_the_set(vector_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.move(vector_copy / COMPARE, outside)
    (vector_copy / COMPARE).symlink_to(outside)
    run = run_forkspec("vectors", "check", "--dir", str(vector_copy), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "is a symbolic link" in run.stderr


# VEC-14: the checkout a spec author stands in, and the code that runs.


def _fake_checkout(root: Path, case_module: str = "# the cases\n") -> Path:
    (root / "vectors").mkdir(parents=True)
    (root / "tools" / "cases").mkdir(parents=True)
    (root / "spec" / "schemas").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "forkspec"\n[tool.setuptools]\n'
        'package-dir = { "forkspec" = "reference", "forkspec.tools" = "tools", "forkspec.spec" = "spec",'
        ' "forkspec.vectors" = "vectors" }\n'
        'packages = ["forkspec.tools", "forkspec.tools.cases", "forkspec.spec", "forkspec.vectors"]\n'
        '[tool.setuptools.package-data]\n"forkspec.spec" = ["schemas/*.json"]\n'
    )
    (root / "tools" / "generate.py").write_text("# the generator\n")
    (root / "tools" / "cases" / "versioning.py").write_text(case_module)
    (root / "spec" / "schemas" / "manifest.json").write_text("{}\n")
    return root


def _fake_installation(site: Path) -> dict[str, Path | None]:
    (site / "tools" / "cases").mkdir(parents=True)
    (site / "spec" / "schemas").mkdir(parents=True)
    (site / "tools" / "generate.py").write_text("# the generator\n")
    (site / "tools" / "cases" / "versioning.py").write_text("# the cases\n")
    (site / "spec" / "schemas" / "manifest.json").write_text("{}\n")
    return {
        "forkspec.tools": site / "tools",
        "forkspec.tools.cases": site / "tools" / "cases",
        "forkspec.spec": site / "spec",
    }


def test_the_checkout_is_found_from_any_directory_inside_it(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "repo")
    assert find_checkout(checkout / "tools" / "cases") == checkout.resolve()
    assert find_checkout(tmp_path) is None
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    (tmp_path / "other" / "vectors").mkdir()
    assert find_checkout(tmp_path / "other") is None


def test_the_packages_come_from_pyproject(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "repo")
    folders = package_folders(checkout)
    assert folders["forkspec.tools.cases"] == (checkout / "tools" / "cases", ("*.py",))
    assert folders["forkspec.spec"] == (checkout / "spec", ("*.py", "schemas/*.json"))
    assert "forkspec.vectors" not in folders


def test_an_installed_copy_equal_to_the_checkout_has_no_differences(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "repo")
    assert code_differences(checkout, _fake_installation(tmp_path / "site")) == []


def test_an_installed_copy_older_than_the_checkout_is_told_apart(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "repo", case_module="# the cases, edited\n")
    installed = _fake_installation(tmp_path / "site")
    (checkout / "spec" / "schemas" / "new.json").write_text("{}\n")
    assert code_differences(checkout, installed) == ["spec/schemas/new.json", "tools/cases/versioning.py"]
    assert code_differences(checkout, {**installed, "forkspec.spec": None}) == [
        "spec/schemas/manifest.json",
        "spec/schemas/new.json",
        "tools/cases/versioning.py",
    ]


def test_an_editable_install_is_the_checkout(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "repo", case_module="# edited\n")
    editable = {name: folder for name, (folder, _) in package_folders(checkout).items()}
    assert code_differences(checkout, dict(editable)) == []


def _install_non_editable(checkout: Path, site: Path) -> None:
    """Copy the checkout's packages into `site` in their import layout, as `pip install .` does."""
    folders = {name: folder for name, (folder, _) in package_folders(checkout).items()}
    for name, folder in {**folders, "forkspec.vectors": checkout / "vectors"}.items():
        target = site.joinpath(*name.split("."))
        shutil.copytree(folder, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))


def test_generate_and_check_refuse_a_non_editable_install_of_other_code(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("reference", "conformance", "tools", "spec", "vectors"):
        shutil.copytree(CHECKOUT / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CHECKOUT / "pyproject.toml", checkout)
    site = tmp_path / "site"
    _install_non_editable(checkout, site)

    def python_in_checkout(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *arguments],
            cwd=checkout / "tools",
            env={**os.environ, "PYTHONPATH": str(site)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def forkspec_in_checkout(*arguments: str) -> subprocess.CompletedProcess[str]:
        return python_in_checkout("-m", "forkspec.tools.cli", *arguments)

    located = python_in_checkout("-c", "import forkspec.tools.cases.versioning as m; print(m.__file__)")
    assert located.stdout.strip() == str(site / "forkspec" / "tools" / "cases" / "versioning.py")
    same = forkspec_in_checkout("vectors", "check")
    assert same.returncode == 0, same.stderr
    assert f"{checkout.resolve() / 'vectors'} matches the generator" in same.stdout

    edited = checkout / "tools" / "cases" / "versioning.py"
    edited.write_text(edited.read_text() + "\n# a spec author's edit\n")
    before = {path: path.read_bytes() for path in (checkout / "vectors").rglob("*") if path.is_file()}
    for command in (("vectors", "generate"), ("vectors", "check")):
        refused = forkspec_in_checkout(*command)
        assert refused.returncode == 2, refused.stdout
        assert "(differing: tools/cases/versioning.py)" in refused.stderr
        assert f"python3 -m pip install -e {checkout.resolve()}" in refused.stderr
    assert {path: path.read_bytes() for path in (checkout / "vectors").rglob("*") if path.is_file()} == before
