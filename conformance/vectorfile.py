"""The vector file format: cases, files, the manifest, and loading a vector set.

Specified in `spec/vectors.md` (VEC-1 to VEC-9). A vector set is a directory of
`<preset>/<area>/<handler>.yaml` files and a `manifest.yaml` that lists each file's SHA-256
and a root hash over all of them. Loading checks everything and reports the first problem as a
`VectorSetError` that names the file; nothing malformed is ever half-loaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from forkspec.errors import ErrorCode
from forkspec.handlers import HANDLERS, handler_schema_path
from forkspec.presets import preset_names
from forkspec.schemas import first_violation, validator

VECTOR_FORMAT = "forkspec-vectors/1"
MANIFEST_FORMAT = "forkspec-manifest/1"
MANIFEST_NAME = "manifest.yaml"

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLoader(_BaseLoader):  # type: ignore[misc]
    """The safe loader (libyaml's when present) that refuses a mapping with a repeated key (VEC-9)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=True) for key, _ in node.value]
        repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"repeated key {', '.join(repeated)}", node.start_mark
            )
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


YamlDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class VectorSetError(Exception):
    """A vector set that cannot be used: unreadable, malformed, inconsistent or tampered with."""


@dataclass(frozen=True)
class Case:
    """One self-describing test case (VEC-2). Exactly one of `output` and `error` is set."""

    id: str
    handler: str
    preset: str
    requirements: tuple[str, ...]
    description: str
    features: tuple[str, ...]
    input: Mapping[str, Any]
    output: Mapping[str, Any] | None = None
    error: str | None = None

    @property
    def area(self) -> str:
        """The spec area of the case's handler."""
        return HANDLERS[self.handler].area

    def to_document(self) -> dict[str, Any]:
        """The case as it is written in a vector file."""
        document: dict[str, Any] = {
            "id": self.id,
            "handler": self.handler,
            "preset": self.preset,
            "requirements": list(self.requirements),
            "description": self.description,
            "features": list(self.features),
            "input": self.input,
        }
        if self.error is None:
            document["output"] = self.output
        else:
            document["error"] = self.error
        return document


def case_file_path(case: Case) -> str:
    """Where a case is written, relative to the vector set's root (VEC-1)."""
    return f"{case.preset}/{case.area}/{case.handler}.yaml"


def dump_yaml(document: object, flow_leaves: bool = True) -> bytes:
    """The canonical YAML bytes of a document: key order kept, leaf collections in flow style (VEC-3)."""
    text: str = yaml.dump(
        document,
        Dumper=YamlDumper,
        sort_keys=False,
        default_flow_style=None if flow_leaves else False,
        width=100,
        allow_unicode=False,
    )
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` as lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def root_hash(entries: Iterable[tuple[str, str]]) -> str:
    """The root hash over (path, sha256) pairs (VEC-5).

    It is the SHA-256 of the lines `"<sha256>  <path>\\n"`, sorted by path.
    """
    lines = "".join(f"{digest}  {path}\n" for path, digest in sorted(entries))
    return sha256_hex(lines.encode("utf-8"))


def render_vector_set(cases: Iterable[Case]) -> dict[str, bytes]:
    """Every file of a vector set, manifest included, as path -> bytes (VEC-1 to VEC-5)."""
    by_path: dict[str, list[Case]] = {}
    for case in cases:
        by_path.setdefault(case_file_path(case), []).append(case)
    files = {
        path: dump_yaml({"format": VECTOR_FORMAT, "cases": [case.to_document() for case in file_cases]})
        for path, file_cases in sorted(by_path.items())
    }
    manifest = {
        "format": MANIFEST_FORMAT,
        "files": [
            {"path": path, "sha256": sha256_hex(data), "cases": len(by_path[path])}
            for path, data in files.items()
        ],
        "root_sha256": root_hash((path, sha256_hex(data)) for path, data in files.items()),
    }
    return {**files, MANIFEST_NAME: dump_yaml(manifest, flow_leaves=False)}


def parse_yaml(data: bytes, where: str) -> object:
    try:
        return yaml.load(data, Loader=YamlLoader)
    except yaml.YAMLError as error:
        raise VectorSetError(f"{where}: malformed YAML: {error}".replace("\n", " ")) from error
    except UnicodeDecodeError as error:
        raise VectorSetError(f"{where}: not UTF-8 text: {error}") from error
    except (ValueError, RecursionError) as error:
        raise VectorSetError(f"{where}: a value that cannot be read: {type(error).__name__}") from error


def _checked(document: object, schema_path: str, where: str, definition: str | None = None) -> Any:
    violation = first_violation(validator(schema_path, definition), document)
    if violation is not None:
        raise VectorSetError(f"{where}: {violation}")
    return document


def _read_case(entry: Mapping[str, Any], path: str) -> Case:
    where = f"{path}: case {entry['id']}"
    if entry["handler"] not in HANDLERS:
        raise VectorSetError(f"{where}: unknown handler {entry['handler']!r}")
    if entry["preset"] not in preset_names():
        raise VectorSetError(f"{where}: unknown preset {entry['preset']!r}")
    case = Case(
        id=entry["id"],
        handler=entry["handler"],
        preset=entry["preset"],
        requirements=tuple(entry["requirements"]),
        description=entry["description"],
        features=tuple(entry["features"]),
        input=entry["input"],
        output=entry.get("output"),
        error=entry.get("error"),
    )
    if case_file_path(case) != path:
        raise VectorSetError(f"{where}: belongs in {case_file_path(case)}")
    # VEC-8: the id names the preset and the handler; VEC-4: input and output follow the handler's schema.
    if not case.id.startswith(f"{case.preset}/{case.handler}/"):
        raise VectorSetError(f"{where}: id must start with '<preset>/<handler>/'")
    schema = handler_schema_path(case.handler)
    _checked(case.input, schema, f"{where}: input", "input")
    if case.error is None:
        _checked(case.output, schema, f"{where}: output", "output")
    elif case.error not in ErrorCode.__members__:
        raise VectorSetError(f"{where}: {case.error!r} is not a code of the error-code table")
    return case


def _read_manifest(root: Path) -> dict[str, tuple[str, int]]:
    """The manifest's path -> (sha256, number of cases), after checking its schema and root hash (VEC-5)."""
    where = str(root / MANIFEST_NAME)
    try:
        data = (root / MANIFEST_NAME).read_bytes()
    except OSError as error:
        raise VectorSetError(f"{where}: cannot read the manifest: {error.strerror}") from error
    manifest = _checked(parse_yaml(data, where), "manifest.json", where)
    listed = {entry["path"]: (entry["sha256"], entry["cases"]) for entry in manifest["files"]}
    if len(listed) != len(manifest["files"]):
        raise VectorSetError(f"{where}: a file is listed twice")
    if root_hash((path, digest) for path, (digest, _) in listed.items()) != manifest["root_sha256"]:
        raise VectorSetError(f"{where}: root_sha256 does not match the listed files")
    return listed


def vector_file_paths(root: Path) -> list[str]:
    """The vector files under `root`, as sorted POSIX paths relative to it."""
    return sorted(
        relative
        for relative in (path.relative_to(root).as_posix() for path in root.rglob("*.yaml"))
        if relative != MANIFEST_NAME
    )


@dataclass(frozen=True)
class VectorSet:
    """A loaded vector set: its cases and its identity."""

    cases: tuple[Case, ...]
    root_sha256: str
    version: str
    path: Path


def load_vector_set(root: Path) -> VectorSet:
    """Load and check every case under `root` against the manifest and the schemas (VEC-1 to VEC-9)."""
    if not root.is_dir():
        raise VectorSetError(f"{root}: not a directory")
    listed = _read_manifest(root)
    present = vector_file_paths(root)
    unlisted = sorted(set(present) - set(listed))
    missing = sorted(set(listed) - set(present))
    if unlisted or missing:
        raise VectorSetError(f"{root}: files not in the manifest {unlisted}, listed but missing {missing}")
    cases: list[Case] = []
    seen: set[str] = set()
    for path in present:
        try:
            data = (root / path).read_bytes()
        except OSError as error:
            raise VectorSetError(f"{root / path}: cannot read: {error.strerror}") from error
        digest, count = listed[path]
        if sha256_hex(data) != digest:
            raise VectorSetError(f"{root / path}: SHA-256 does not match the manifest")
        document = _checked(parse_yaml(data, path), "vector-file.json", path)
        if len(document["cases"]) != count:
            raise VectorSetError(
                f"{path}: the manifest counts {count} cases, the file has {len(document['cases'])}"
            )
        for entry in document["cases"]:
            case = _read_case(entry, path)
            if case.id in seen:
                raise VectorSetError(f"{path}: case id {case.id} appears twice")
            seen.add(case.id)
            cases.append(case)
    return VectorSet(tuple(cases), root_hash((path, digest) for path, (digest, _) in listed.items()), "1", root)
