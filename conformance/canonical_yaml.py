"""The canonical YAML of a vector file, rendered from its document without the YAML dumper (VEC-3).

Specified in `spec/vectors.md` (VEC-3, VEC-9, VEC-13). A loader that holds a file's compiled
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
- and only lines of at most 100 characters, so that libyaml's line wrapping (which starts
  only beyond that width) never applies.

Anything else in a case (a block sequence directly inside another, a long line, a string
with another character) makes that case rendered by the dumper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import yaml

WIDTH = 100  # the dumper's line width (VEC-3)
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
    tag: str = _resolver.resolve(yaml.ScalarNode, text, (True, False))
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
    """A JSON scalar as the dumper writes it; NotRenderable for anything else."""
    if isinstance(value, str):
        return _string(value, flow)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError as error:  # over Python's digit limit for conversion to text
            raise NotRenderable(type(value).__name__) from error
    if isinstance(value, float):
        text = repr(value)
        if _PLAIN_FLOAT.fullmatch(text) and _resolves_to(text) == _FLOAT_TAG:
            return text
    raise NotRenderable(type(value).__name__)


def _inline(value: object) -> str | None:
    """`value` in flow style, or None when the dumper writes it in block style: a scalar, or a
    collection whose members are all scalars (empty included)."""
    if isinstance(value, dict):
        members = []
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                return None
            members.append(f"{_string(key, True)}: {_scalar(item, True)}")
        return "{" + ", ".join(members) + "}"
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, (dict, list)):
                return None
            items.append(_scalar(item, True))
        return "[" + ", ".join(items) + "]"
    return _scalar(value, False)


def _block_mapping(mapping: Mapping[str, Any], indent: int, lead: str, lines: list[str]) -> None:
    """The lines of a block mapping at `indent`; its first line starts with `lead`."""
    margin = " " * indent
    for key, value in mapping.items():
        head = f"{lead}{_string(key, False)}:"
        lead = margin
        inline = _inline(value)
        if inline is not None:
            lines.append(f"{head} {inline}")
            continue
        lines.append(head)
        if isinstance(value, list):
            _block_sequence(value, indent, lines)
        else:
            _block_mapping(value, indent + 2, " " * (indent + 2), lines)


def _block_sequence(sequence: Sequence[Any], indent: int, lines: list[str]) -> None:
    """The lines of a block sequence whose items start at `indent` (indentless under a key)."""
    lead = " " * indent + "- "
    for item in sequence:
        inline = _inline(item)
        if inline is not None:
            lines.append(lead + inline)
        elif isinstance(item, dict):
            _block_mapping(item, indent + 2, lead, lines)
        else:
            raise NotRenderable("a block sequence inside a block sequence")


def _rendered(mapping: Mapping[str, Any], indent: int, lead: str) -> bytes:
    """A block mapping as newline-terminated lines; NotRenderable when it holds something this
    renderer does not write itself, or a line longer than the dumper's width."""
    lines: list[str] = []
    _block_mapping(mapping, indent, lead, lines)
    if not lines or max(map(len, lines)) > WIDTH:
        raise NotRenderable("a line beyond the width")
    lines.append("")
    return "\n".join(lines).encode("ascii")


def rendered_chunks(document: Mapping[str, Any], dump: Callable[[object], bytes]) -> Iterator[bytes]:
    """The canonical YAML of a vector-file document (`format`, then `cases`), in pieces: the
    lines before the first case, then each case. `dump` is the generator's dumper, used for a
    case this renderer does not write itself.

    NotRenderable when the document is not of that shape.
    """
    cases = document.get("cases")
    if list(document) != ["format", "cases"] or not isinstance(cases, list) or not cases:
        raise NotRenderable("not a vector-file document")
    yield _rendered({"format": document["format"]}, 0, "") + b"cases:\n"
    for case in cases:
        try:
            if not isinstance(case, dict):
                raise NotRenderable("a case that is not a mapping")
            yield _rendered(case, 2, "- ")
        except NotRenderable:
            yield dump({"cases": [case]}).removeprefix(b"cases:\n")
