"""The canonical YAML of a vector file, rendered from its document without the YAML dumper (VEC-3).

Specified in `spec/vectors.md` (VEC-3, VEC-17). A loader that holds a file's compiled
JSON document can show that the YAML file holds the same document by rendering the document
as the generator would and comparing bytes: bytes equal to the generator's rendering of a
document read back as that document. The generator's dumper (libyaml's emitter behind
PyYAML's representer) costs about 100 us per case; this renderer produces the same bytes for
the documents it knows how to render in a few microseconds, and for any other case asks the
dumper itself, so that its output is always the generator's.

It renders directly only what it can render exactly as libyaml does:
- null, booleans, integers, floats written with a fraction part and no exponent, and strings
  of printable ASCII (a non-empty string of the characters space to `~`), plain where
  libyaml's analysis allows a plain scalar and the resolver reads it back as a string,
  single-quoted otherwise;
- block mappings, block sequences (indentless under a mapping key), and flow collections
  whose members are all scalars (VEC-3);
- and libyaml's line breaks in flow collections: it compares its column with the width of
  100 before each member, and when the column is beyond it, continues the collection on a new
  line indented two more than the block it is in.

Anything else in a case (a block sequence directly inside another, a scalar that libyaml
would break at a space, a string with another character, an empty string) makes that case
rendered by the dumper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

WIDTH = 100  # the dumper's line width (VEC-3)
MAX_SIMPLE_KEY = 128  # libyaml's longest simple key
_STRING_TAG = "tag:yaml.org,2002:str"
_FLOAT_TAG = "tag:yaml.org,2002:float"
# Where libyaml's scalar analysis finds an indicator that rules a plain scalar out, for a
# non-empty string of printable ASCII: at the start, anywhere after it, or a space at either end.
_NOT_PLAIN_IN_BLOCK = re.compile(r"""^[ #,\[\]{}&*!|>'"%@`]|^(?:---|\.\.\.)|^[?:-](?: |$)|.:(?: |$)| #| $""")
_NOT_PLAIN_IN_FLOW = re.compile(r"""^[ #,\[\]{}&*!|>'"%@`?:]|^(?:---|\.\.\.)|^-(?: |$)|.[,?\[\]{}:]| #| $""")
_PLAIN_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")
_resolver = yaml.resolver.Resolver()


class NotRenderable(Exception):
    """A value this renderer does not render itself: the dumper renders its case."""


def _resolves_to(text: str) -> str:
    """The tag the dumper's resolver gives `text` written plain: a plain scalar is written only
    where it reads back with its own tag."""
    tag: str = _resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


@lru_cache(maxsize=8192)
def _string(text: str, flow: bool) -> str:
    """A string scalar as libyaml writes it on one line: plain or single-quoted."""
    if not text or not text.isascii() or not text.isprintable():
        raise NotRenderable(text)
    not_plain = _NOT_PLAIN_IN_FLOW if flow else _NOT_PLAIN_IN_BLOCK
    if not not_plain.search(text) and _resolves_to(text) == _STRING_TAG:
        return text
    return "'" + text.replace("'", "''") + "'"


def _scalar(value: object, flow: bool) -> str:
    """A JSON scalar as the dumper writes it; NotRenderable for anything else. A document read
    from JSON holds exactly the types str, int, float, bool, None, dict and list."""
    kind = type(value)
    if kind is str:
        return _string(value, flow)
    if kind is int:
        try:
            return str(value)
        except ValueError as error:  # over Python's digit limit for conversion to text
            raise NotRenderable("an integer too long to write") from error
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is float:
        text = repr(value)
        if _PLAIN_FLOAT.fullmatch(text) and _resolves_to(text) == _FLOAT_TAG:
            return text
    raise NotRenderable(kind.__name__)


@lru_cache(maxsize=1024)
def _key(key: str, flow: bool) -> str:
    """A mapping key, which libyaml writes as a simple key only up to 128 characters."""
    if len(key) > MAX_SIMPLE_KEY:
        raise NotRenderable("a key too long for a simple key")
    return _string(key, flow)


@dataclass(frozen=True)
class _Flow:
    """A flow collection of scalars: its brackets and its members, each with the offset of the
    last space inside its scalar value (-1 for none)."""

    brackets: str
    members: list[tuple[str, int]]


def _inline(value: Any) -> str | _Flow | None:
    """`value` in flow style: a scalar's text, or a collection whose members are all scalars
    (empty included); None when the dumper writes it in block style."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return _scalar(value, False)
    for item in value.values() if kind is dict else value:
        if type(item) is dict or type(item) is list:
            return None
    members: list[tuple[str, int]] = []
    if kind is dict:
        for key, item in value.items():
            written = _scalar(item, True)
            member = f"{_key(key, True)}: {written}"
            inner = written.rfind(" ")
            members.append((member, len(member) - len(written) + inner if inner >= 0 else -1))
        return _Flow("{}", members)
    for item in value:
        written = _scalar(item, True)
        members.append((written, written.rfind(" ")))
    return _Flow("[]", members)


def _block_mapping(mapping: Mapping[str, Any], indent: int, lead: str, lines: list[str]) -> None:
    """The lines of a block mapping at `indent`; its first line starts with `lead`."""
    margin = " " * indent
    for key, value in mapping.items():
        head = f"{lead}{_key(key, False)}: "
        lead = margin
        inline = _string(value, False) if type(value) is str else _inline(value)
        if inline is not None:
            _append(lines, head, inline, indent + 2)
            continue
        lines.append(head[:-1])
        if type(value) is list:
            _block_sequence(value, indent, lines)
        else:
            _block_mapping(value, indent + 2, " " * (indent + 2), lines)


def _block_sequence(sequence: Sequence[Any], indent: int, lines: list[str]) -> None:
    """The lines of a block sequence whose items start at `indent` (indentless under a key)."""
    lead = " " * indent + "- "
    for item in sequence:
        inline = _inline(item)
        if inline is not None:
            _append(lines, lead, inline, indent + 2)
        elif type(item) is dict:
            _block_mapping(item, indent + 2, lead, lines)
        else:
            raise NotRenderable("a block sequence inside a block sequence")


def _append(lines: list[str], prefix: str, inline: str | _Flow, flow_indent: int) -> None:
    """Add `prefix` and the flow text as libyaml writes them: it compares its column with the
    width before each member of a flow collection, and breaks the line there (continuing at
    `flow_indent`) when the column is beyond it; it also compares at each space of a scalar,
    where a break is left to the dumper (NotRenderable)."""
    if isinstance(inline, str):
        last_space = inline.rfind(" ")
        if last_space >= 0 and len(prefix) + last_space > WIDTH:
            raise NotRenderable("a scalar that the dumper breaks")
        lines.append(prefix + inline)
        return
    line = prefix + inline.brackets[0]
    for index, (member, last_space) in enumerate(inline.members):
        if index:
            line += ","
        if len(line) > WIDTH:
            lines.append(line)
            line = " " * flow_indent
        elif index:
            line += " "
        if last_space >= 0 and len(line) + last_space > WIDTH:
            raise NotRenderable("a scalar that the dumper breaks")
        line += member
    lines.append(line + inline.brackets[1])


def _rendered(lines: list[str]) -> bytes:
    return "\n".join([*lines, ""]).encode("ascii")


def rendered_chunks(document: Mapping[str, Any], dump: Callable[[object], bytes]) -> Iterator[bytes]:
    """The canonical YAML of a vector-file document (`format`, then `cases`, a list of mappings),
    in pieces: the lines before the first case, then each case. `dump` is the generator's
    dumper, used for a case this renderer does not write itself.

    NotRenderable when the document is not of that shape.
    """
    cases = document.get("cases")
    if list(document) != ["format", "cases"] or type(cases) is not list or not cases:
        raise NotRenderable("not a vector-file document")
    if any(type(case) is not dict for case in cases):
        raise NotRenderable("a case that is not a mapping")
    header: list[str] = []
    _block_mapping({"format": document["format"]}, 0, "", header)
    yield _rendered([*header, "cases:"])
    for case in cases:
        lines: list[str] = []
        try:
            _block_sequence([case], 0, lines)
            yield _rendered(lines)
        except NotRenderable:
            yield dump({"cases": [case]}).removeprefix(b"cases:\n")
