"""The vector file format: cases, files, the manifest, and loading a vector set.

Specified in `spec/vectors.md` (VEC-1 to VEC-17). A vector set is a directory of
`<preset>/<area>/<handler>.yaml` files, each with its compiled JSON form beside it, and a
`manifest.yaml` that lists each file's SHA-256, the forkspec version that generated the set,
and a root hash over all of it. Loading checks everything and reports the first problem as a
`VectorSetError` that names the file; nothing malformed is ever half-loaded.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from forkspec import __version__, schemas
from forkspec.conformance import canonical_yaml, vectorfs
from forkspec.conformance.vectorfs import VectorSetError, list_set_files, read_set_file
from forkspec.errors import ErrorCode
from forkspec.handlers import HANDLERS, handler_schema_path
from forkspec.presets import preset_names
from forkspec.schemas import first_violation, validator

__all__ = ["Case", "VectorSet", "VectorSetError", "load_vector_set"]

VECTOR_FORMAT = "forkspec-vectors/1"
MANIFEST_FORMAT = "forkspec-manifest/2"
MANIFEST_NAME = "manifest.yaml"
CACHE_ENVIRONMENT_VARIABLE = "FORKSPEC_CACHE_DIR"

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_STRING_TAG = "tag:yaml.org,2002:str"


class YamlLoader(_BaseLoader):  # type: ignore[misc]
    """The safe loader (libyaml's when present) that refuses a mapping with a repeated key (VEC-9)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Plain string keys with distinct texts cannot repeat: only other keys need constructing first.
        key_nodes = [key for key, _ in node.value]
        if not (
            all(isinstance(key, yaml.ScalarNode) and key.tag == _STRING_TAG for key in key_nodes)
            and len({key.value for key in key_nodes}) == len(key_nodes)
        ):
            keys = [self.construct_object(key, deep=True) for key in key_nodes]
            repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"repeated key {', '.join(repeated)}", node.start_mark
                )
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


class YamlDumper(_BaseDumper):  # type: ignore[misc]
    """The safe dumper (libyaml's when present) that writes a repeated value out again (VEC-3).

    A vector file never holds an anchor or an alias, so that a reader can refuse them all.
    """

    def ignore_aliases(self, data: object) -> bool:
        return True


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


@dataclass(frozen=True)
class VectorSet:
    """A loaded vector set: its cases in file order and its identity (VEC-12).

    `root_sha256` and `version` are the manifest's; two sets with the same root hash hold the
    same files byte for byte, so a report that names the root hash names exactly what ran.
    """

    cases: tuple[Case, ...]
    root_sha256: str
    version: str
    path: Path


def case_file_path(case: Case) -> str:
    """Where a case is written, relative to the vector set's root (VEC-1)."""
    return f"{case.preset}/{case.area}/{case.handler}.yaml"


def compiled_path(path: str) -> str:
    """The path of a vector file's compiled JSON form (VEC-13)."""
    return path.removesuffix(".yaml") + ".json"


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


def dump_json(document: object) -> bytes:
    """The canonical JSON bytes of a vector file's compiled form (VEC-13)."""
    return json.dumps(document, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` as lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def root_hash(version: str, entries: Iterable[tuple[str, str]]) -> str:
    """The root hash over the generating version and the (path, sha256) pairs (VEC-5).

    It is the SHA-256 of the line `"forkspec-manifest/2 <version>\\n"` followed by the lines
    `"<sha256>  <path>\\n"`, sorted by path.
    """
    lines = "".join(f"{digest}  {path}\n" for path, digest in sorted(entries))
    return sha256_hex(f"{MANIFEST_FORMAT} {version}\n{lines}".encode())


def render_manifest(vector_files: Mapping[str, bytes], counts: Mapping[str, int], version: str) -> bytes:
    """The manifest of a set: `vector_files` maps every vector file and compiled form to its bytes,
    `counts` each vector file to its number of cases (VEC-5)."""
    digests = {path: sha256_hex(data) for path, data in vector_files.items()}
    manifest = {
        "format": MANIFEST_FORMAT,
        "forkspec_version": version,
        "files": [
            {
                "path": path,
                "sha256": digests[path],
                "cases": count,
                "compiled_sha256": digests[compiled_path(path)],
            }
            for path, count in sorted(counts.items())
        ],
        "root_sha256": root_hash(version, digests.items()),
    }
    return dump_yaml(manifest, flow_leaves=False)


def render_vector_set(cases: Iterable[Case]) -> dict[str, bytes]:
    """Every file of a vector set, compiled forms and manifest included, as path -> bytes.

    Implements: VEC-1 to VEC-5, VEC-13.
    """
    by_path: dict[str, list[Case]] = {}
    for case in cases:
        by_path.setdefault(case_file_path(case), []).append(case)
    rendered: dict[str, bytes] = {}
    for path, file_cases in sorted(by_path.items()):
        document = {"format": VECTOR_FORMAT, "cases": [case.to_document() for case in file_cases]}
        rendered[path] = dump_yaml(document)
        rendered[compiled_path(path)] = dump_json(document)
    counts = {path: len(file_cases) for path, file_cases in by_path.items()}
    return {**rendered, MANIFEST_NAME: render_manifest(rendered, counts, __version__)}


def _refuse_anchors(data: bytes, where: str) -> None:
    """Refuse any anchor or alias before anything is built from the document (VEC-9).

    Neither can appear without its indicator byte, so a document without `&` and `*` needs no
    look; otherwise libyaml's parser reads the events, which cost time linear in the bytes.
    """
    if b"&" not in data and b"*" not in data:
        return
    parser = _BaseLoader(data)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise VectorSetError(
                    f"{where}: holds a YAML anchor or alias, which a vector set never holds; "
                    "regenerate it with 'forkspec vectors generate'"
                )
    except yaml.YAMLError as error:
        raise VectorSetError(f"{where}: malformed YAML: {error}".replace("\n", " ")) from error
    except UnicodeDecodeError as error:
        raise VectorSetError(f"{where}: not UTF-8 text: {error}") from error
    finally:
        parser.dispose()


def parse_yaml(data: bytes, where: str) -> object:
    """The document in `data`, read with the strict loader; any problem is a VectorSetError naming `where`."""
    _refuse_anchors(data, where)
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


def _case(entry: Mapping[str, Any]) -> Case:
    return Case(
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


class _CaseChecker:
    """The per-case checks of VEC-9 step 8, with what they look up computed once per load."""

    def __init__(self) -> None:
        self.presets = frozenset(preset_names())
        self.codes = frozenset(ErrorCode.__members__)

    def checked(self, entry: Mapping[str, Any], path: str) -> Case:
        where = f"{path}: case {entry['id']}"
        if entry["handler"] not in HANDLERS:
            raise VectorSetError(f"{where}: unknown handler {entry['handler']!r}")
        if entry["preset"] not in self.presets and entry.get("error") != ErrorCode.UNKNOWN_PRESET:
            raise VectorSetError(
                f"{where}: unknown preset {entry['preset']!r} in a case that does not expect UNKNOWN_PRESET"
            )
        case = _case(entry)
        if case_file_path(case) != path:
            raise VectorSetError(f"{where}: belongs in {case_file_path(case)}")
        # VEC-8: the id names the preset and the handler; VEC-4: input and output follow the handler's
        # schema, except the input of a case about a broken input (INVALID_INPUT, which must break it)
        # or about an unknown preset (UNKNOWN_PRESET, resolved before the input is looked at).
        if not case.id.startswith(f"{case.preset}/{case.handler}/"):
            raise VectorSetError(f"{where}: id must start with '<preset>/<handler>/'")
        schema = handler_schema_path(case.handler)
        if case.error == ErrorCode.INVALID_INPUT:
            if first_violation(validator(schema, "input"), case.input) is None:
                raise VectorSetError(f"{where}: input is valid, but the case expects INVALID_INPUT")
        elif case.error != ErrorCode.UNKNOWN_PRESET:
            _checked(case.input, schema, f"{where}: input", "input")
        if case.error is None:
            _checked(case.output, schema, f"{where}: output", "output")
        elif case.error not in self.codes:
            raise VectorSetError(f"{where}: {case.error!r} is not a code of the error-code table")
        return case


@dataclass(frozen=True)
class _Manifest:
    sha256: str  # of the manifest's own bytes, which the root hash does not cover
    version: str
    root_sha256: str
    files: Mapping[str, tuple[str, int, str]]  # vector file -> (sha256, cases, compiled sha256)

    def listed_paths(self) -> set[str]:
        return set(self.files) | {compiled_path(path) for path in self.files}


def _read_manifest(root: Path) -> _Manifest:
    """The manifest, after checking its schema and root hash (VEC-5, VEC-9 steps 3 to 5)."""
    where = str(root / MANIFEST_NAME)
    data = read_set_file(root, MANIFEST_NAME)
    manifest = _checked(parse_yaml(data, where), "manifest.json", where)
    listed = {
        entry["path"]: (entry["sha256"], entry["cases"], entry["compiled_sha256"])
        for entry in manifest["files"]
    }
    if len(listed) != len(manifest["files"]):
        raise VectorSetError(f"{where}: a file is listed twice")
    entries = [(path, digest) for path, (digest, _, _) in listed.items()]
    entries += [(compiled_path(path), digest) for path, (_, _, digest) in listed.items()]
    if root_hash(manifest["forkspec_version"], entries) != manifest["root_sha256"]:
        raise VectorSetError(f"{where}: root_sha256 does not match the version and the listed files")
    return _Manifest(sha256_hex(data), manifest["forkspec_version"], manifest["root_sha256"], listed)


def _read_checked(root: Path, path: str, digest: str) -> bytes:
    data = read_set_file(root, path)
    if sha256_hex(data) != digest:
        raise VectorSetError(f"{root / path}: SHA-256 does not match the manifest")
    return data


def _canonical_document(data: bytes, compiled: bytes) -> Any | None:
    """The document of a vector file whose YAML is the canonical rendering (VEC-3) of its compiled
    form, which is canonical JSON (VEC-13); None for any other file.

    Bytes equal to the generator's rendering of a document are that document, so such a file
    needs no YAML parsing: its document is the compiled form's, and VEC-9 step 9 holds. The
    comparison goes case by case against both files, so nothing is built but the JSON document.

    Implements: VEC-17.
    """
    try:
        document = json.loads(compiled)
        if not isinstance(document, dict):
            return None
        position = 0
        for chunk in canonical_yaml.rendered_chunks(document, dump_yaml):
            if not data.startswith(chunk, position):
                return None
            position += len(chunk)
        if position != len(data) or dump_json(document) != compiled:
            return None
    except (ValueError, RecursionError, canonical_yaml.NotRenderable):
        return None
    return document


def _file_document(root: Path, path: str, digest: str, compiled_digest: str) -> tuple[Any, bytes | None]:
    """A vector file's document after the checks of VEC-9 step 7 up to its schema, and the compiled
    form still to compare with it (None when the document was read from the compiled form)."""
    data = _read_checked(root, path, digest)
    compiled = _read_checked(root, compiled_path(path), compiled_digest)
    document = _canonical_document(data, compiled)
    if document is not None:
        return document, None
    return parse_yaml(data, path), compiled


def _verified_cases(root: Path, manifest: _Manifest) -> list[Case]:
    """Every case, with the checks of VEC-9 steps 7 to 9 applied to each file's document."""
    checker = _CaseChecker()
    cases: list[Case] = []
    seen: set[str] = set()
    for path, (digest, count, compiled_digest) in sorted(manifest.files.items()):
        document, compiled = _file_document(root, path, digest, compiled_digest)
        _checked(document, "vector-file.json", path)
        if len(document["cases"]) != count:
            raise VectorSetError(
                f"{path}: the manifest counts {count} cases, the file has {len(document['cases'])}"
            )
        for entry in document["cases"]:
            case = checker.checked(entry, path)
            if case.id in seen:
                raise VectorSetError(f"{path}: case id {case.id} appears twice")
            seen.add(case.id)
            cases.append(case)
        if compiled is None:
            continue
        try:
            canonical = dump_json(document)
        except (TypeError, ValueError) as error:
            raise VectorSetError(f"{path}: holds a value that JSON cannot carry: {error}") from error
        if canonical != compiled:
            raise VectorSetError(
                f"{compiled_path(path)}: is not the compiled form of {path}; "
                "regenerate the set with 'forkspec vectors generate'"
            )
    return cases


def _compiled_cases(root: Path, manifest: _Manifest) -> list[Case]:
    """Every case, read from the compiled forms of a set already verified (VEC-13)."""
    cases: list[Case] = []
    for path, (digest, _, compiled_digest) in sorted(manifest.files.items()):
        _read_checked(root, path, digest)
        compiled = _read_checked(root, compiled_path(path), compiled_digest)
        try:
            cases.extend(_case(entry) for entry in json.loads(compiled)["cases"])
        except (ValueError, RecursionError, KeyError, TypeError) as error:
            raise VectorSetError(
                f"{compiled_path(path)}: does not match the verification record of this set; "
                f"remove the directory {verified_cache_dir()} and load again"
            ) from error
    return cases


def verified_cache_dir() -> Path | None:
    """Where the records of verified sets are kept (VEC-13); None when caching is turned off.

    `$FORKSPEC_CACHE_DIR` when set (empty: off), else `$XDG_CACHE_HOME/forkspec`, else
    `~/.cache/forkspec`.
    """
    chosen = os.environ.get(CACHE_ENVIRONMENT_VARIABLE)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "forkspec"


def _traverse(directory: Traversable) -> Iterator[Traversable]:
    for entry in sorted(directory.iterdir(), key=lambda entry: entry.name):
        if entry.is_dir():
            yield from _traverse(entry)
        else:
            yield entry


@cache
def _verifier_identity() -> str:
    """A digest of everything a verification depends on besides the set: this loader's code,
    the schemas, the handlers, the presets and the error codes (VEC-13)."""
    digest = hashlib.sha256(f"{__version__}\n".encode())
    for module in (__file__, canonical_yaml.__file__, vectorfs.__file__, schemas.__file__):
        digest.update(Path(module).read_bytes())
    for schema in _traverse(files("forkspec.spec") / "schemas"):
        digest.update(f"{schema.name}\n".encode() + schema.read_bytes())
    names = [*(f"{name}:{handler.area}" for name, handler in HANDLERS.items()), *preset_names()]
    digest.update("\n".join([*names, *ErrorCode.__members__]).encode())
    return digest.hexdigest()


def _verification_record(manifest_sha256: str) -> Path | None:
    """The record of a verified set, keyed by its manifest's bytes (which pin every file through
    the root hash, and the counts besides) and by the verifier's identity (VEC-13)."""
    directory = verified_cache_dir()
    if directory is None:
        return None
    key = sha256_hex(f"{manifest_sha256}\n{_verifier_identity()}".encode())
    return directory / "verified" / key


def _is_recorded(record: Path) -> bool:
    try:
        fd = os.open(record, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, 65) == record.name.encode()
    finally:
        os.close(fd)


def _record(record: Path) -> None:
    """Record a verified set; a cache that cannot be written only costs the next load time."""
    scratch = record.with_name(f".{record.name}.{os.getpid()}.tmp")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_bytes(record.name.encode())
        scratch.replace(record)
    except OSError:
        with contextlib.suppress(OSError):
            scratch.unlink()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the many small objects of a set are built: none of them is garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_vector_set(root: Path, *, use_cache: bool = True) -> VectorSet:
    """Load and check every case under `root` against the manifest and the schemas (VEC-1 to VEC-17).

    A set whose manifest a previous load by this same code verified (recorded in
    `verified_cache_dir()`) is read from its compiled JSON form after every file's SHA-256 is
    checked again; any other set is verified in full and then recorded.
    """
    if not root.is_dir():
        raise VectorSetError(f"{root}: not a directory")
    with _collector_paused():
        present = list_set_files(root)
        if MANIFEST_NAME not in present:
            raise VectorSetError(f"{root / MANIFEST_NAME}: cannot read the manifest: it does not exist")
        manifest = _read_manifest(root)
        in_set = {path for path in present if path.endswith((".yaml", ".json")) and path != MANIFEST_NAME}
        unlisted = sorted(in_set - manifest.listed_paths())
        missing = sorted(manifest.listed_paths() - in_set)
        if unlisted or missing:
            raise VectorSetError(
                f"{root}: files not in the manifest {unlisted}, listed but missing {missing}"
            )
        record = _verification_record(manifest.sha256) if use_cache else None
        if record is not None and _is_recorded(record):
            cases = _compiled_cases(root, manifest)
        else:
            cases = _verified_cases(root, manifest)
            if record is not None:
                _record(record)
    return VectorSet(tuple(cases), manifest.root_sha256, manifest.version, root)
