"""The JSON Schemas of `spec/schemas/` and the strict validator the whole project uses.

Every schema is compiled once into a Python function (fastjsonschema), which checks a
100,000-run chain in a fraction of a second where an interpreting validator takes seconds.
The compiled validator keeps the project's strict rules (GEN-3):

- `integer` is a true integer: never a boolean, never `1.0`;
- `pattern` follows ECMA-262, as JSON Schema does: `$` matches only at the end of the text,
  never before a final newline;
- `format` is an annotation, not an assertion (JSON Schema 2020-12);
- a `$ref` names a schema file by its `$id` (`urn:forkspec:schema:...`).

The compiler implements draft 7 and the schemas are draft 2020-12, so a schema may use only the
keywords whose meaning the two drafts share, and a `$ref` only alone in its object; `validator`
refuses any other schema rather than ignore a keyword silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, cast

from fastjsonschema import JsonSchemaValueException
from fastjsonschema.draft04 import CodeGeneratorDraft04
from fastjsonschema.draft07 import CodeGeneratorDraft07
from fastjsonschema.ref_resolver import RefResolver

# The keywords whose meaning is the same in draft 7 (the compiler) and draft 2020-12 (the schemas).
SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "format",
        "type", "enum", "const",
        "properties", "required", "additionalProperties",
        "items", "minItems", "maxItems", "uniqueItems",
        "minLength", "maxLength", "pattern",
        "minimum", "maximum",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    }
)  # fmt: skip
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description"})
# Subschemas under these keywords: one schema, a list of schemas, or a map of names to schemas.
SCHEMA_KEYWORDS = frozenset({"additionalProperties", "items", "not", "if", "then", "else"})
SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf"})
SCHEMA_MAP_KEYWORDS = frozenset({"properties", "$defs"})
SHARED_SCHEMAS = ("activation.json", "forkid.json", "negotiation.json", "schedule.json")
# How much of a violating value a message shows.
SHOWN_CHARACTERS = 60


class SchemaDefinitionError(Exception):
    """A schema under `spec/schemas/` that the validator cannot apply exactly as written."""


class _StrictGenerator(CodeGeneratorDraft07):
    """Draft 7 code generation with the `integer` of GEN-3 (draft 4's type test, which admits
    neither booleans nor floats without a fraction part), and three shortcuts that change no
    verdict and no first violation, only the cost per item of a large array (GEN-8):

    - an `if` that only compares one required property with a constant, as the spec's tagged
      unions do (`"if": {"properties": {"type": {"const": "vote"}}, "required": ["type"]}`),
      becomes a plain condition instead of trying the `if` schema out and catching the
      exception of every branch that does not apply;
    - an `allOf` of such `if`/`then` pairs on one property with distinct string constants (the
      events of a lifecycle) looks the value's tag up once and checks only the branch it names,
      which is the only one whose `if` can hold for an object;
    - a `oneOf` whose members only require properties (a case holds an `output` or an
      `error`) counts the members that hold by plain conditions instead of trying each out and
      catching the exception of those that fail;
    - a `$ref` is checked in place, not by a call of the referenced schema's function with the
      item's location formatted into a name on every item: the location is formatted only when
      a violation is raised. A `$ref` inside the schema it refers to stays a call.
    """

    generate_type = CodeGeneratorDraft04.generate_type

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        super().__init__(*arguments, **keywords)  # type: ignore[no-untyped-call]
        self._checked_in_place: list[str] = []

    # The generator's methods carry no type annotations, hence the ignores below.
    def generate_ref(self) -> None:
        """Check the referenced schema in place, unless this is a reference inside it."""
        reference = cast("dict[str, Any]", self._definition)["$ref"]
        if reference in self._checked_in_place:
            super().generate_ref()  # type: ignore[no-untyped-call]
            return
        self._checked_in_place.append(reference)
        with self._resolver.resolving(reference) as definition:
            self._block(definition)
        self._checked_in_place.pop()

    def generate_all_of(self) -> None:
        """A tagged union in one look-up of the tag, any other `allOf` item by item."""
        branches = [_tagged_branch(item) for item in cast("dict[str, Any]", self._definition)["allOf"]]
        tags = {branch[0] for branch in branches if branch is not None}
        constants = [branch[1] for branch in branches if branch is not None]
        if None in branches or len(tags) != 1 or len(set(constants)) != len(constants):
            super().generate_all_of()  # type: ignore[no-untyped-call]
            return
        (tag,) = tags
        value = f"{self._variable}_union_tag"
        with self.l("if not isinstance({}, dict):", self._variable):
            # Not an object: `properties` and `required` ignore it, so every `if` holds.
            for _tag, _constant, then in cast("list[tuple[str, str, object]]", branches):
                self._block(then)
        with self.l("elif isinstance({}.get({!r}), str):", self._variable, tag):
            self.l("{} = {}[{!r}]", value, self._variable, tag)
            keyword = "if"
            for _tag, constant, then in cast("list[tuple[str, str, object]]", branches):
                with self.l("{} {} == {!r}:", keyword, value, constant):
                    self._block(then)
                keyword = "elif"

    def generate_one_of(self) -> None:
        """A `oneOf` of `required`-only members counted by conditions; any other as the compiler tries it."""
        members = cast("dict[str, Any]", self._definition)["oneOf"]
        if not all(_required_only(member) for member in members):
            super().generate_one_of()  # type: ignore[no-untyped-call]
            return
        self._any_or_one_of_count += 1
        count = self._any_or_one_of_count
        # Not an object: `required` ignores it, so every member holds.
        holds = " + ".join(
            f"all(name in {self._variable} for name in {member['required']!r})" for member in members
        )
        self.l(
            "{variable}_one_of_count{count} = ({holds}) if isinstance({variable}, dict) else {members}",
            count=count,
            holds=holds,
            members=len(members),
        )
        with self.l("if {variable}_one_of_count{count} != 1:", count=count):
            found = '" (" + str({variable}_one_of_count{}) + " matches found)"'
            message = "{name} must be valid exactly by one definition"
            self.exc(message, count, append_to_msg=found, rule="oneOf")  # type: ignore[no-untyped-call]

    def generate_if_then_else(self) -> None:
        """An `if` of the tag form as a plain condition; any other `if` as the compiler tries it."""
        definition = cast("dict[str, Any]", self._definition)
        condition = self._tag_condition(definition["if"])
        if condition is None:
            super().generate_if_then_else()  # type: ignore[no-untyped-call]
            return
        for keyword, test in (("then", condition), ("else", f"not {condition}")):
            if keyword in definition:
                with self.l("if {}:", test):
                    self._block(definition[keyword])

    def _block(self, schema: object) -> None:
        """The checks of `schema` on the current value, in a block of their own."""
        self.generate_func_code_block(  # type: ignore[no-untyped-call]
            schema, self._variable, self._variable_name, clear_variables=True
        )
        self.l("pass")

    def _tag_condition(self, schema: object) -> str | None:
        """The Python condition that holds exactly when `schema`, of the tag form, accepts the value."""
        tagged = _tag(schema)
        if tagged is None:
            return None
        tag, constant = tagged
        value = f"{self._variable}[{tag!r}]"
        matches: str = self._enum_value_matches(value, constant)  # type: ignore[no-untyped-call]
        # Not an object: `properties` and `required` ignore it, so the `if` holds.
        return f"(not isinstance({self._variable}, dict) or ({tag!r} in {self._variable} and ({matches})))"


def _tag(schema: object) -> tuple[str, object] | None:
    """(property, constant) when `schema` only requires one property to equal a constant."""
    if not isinstance(schema, dict) or set(schema) != {"properties", "required"}:
        return None
    properties, required = schema["properties"], schema["required"]
    if len(properties) != 1 or list(properties) != required:
        return None
    ((tag, constraint),) = properties.items()
    if not isinstance(tag, str) or not isinstance(constraint, dict) or set(constraint) != {"const"}:
        return None
    return tag, constraint["const"]


def _required_only(schema: object) -> bool:
    """Whether `schema` is `{"required": [names]}` and nothing else."""
    return (
        isinstance(schema, dict)
        and set(schema) == {"required"}
        and isinstance(schema["required"], list)
        and all(isinstance(name, str) for name in schema["required"])
    )


def _tagged_branch(schema: object) -> tuple[str, str, object] | None:
    """(property, string constant, `then` schema) for an `allOf` item `{"if": <tag form>, "then": ...}`."""
    if not isinstance(schema, dict) or set(schema) != {"if", "then"}:
        return None
    tagged = _tag(schema["if"])
    if tagged is None or not isinstance(tagged[1], str):
        return None
    return tagged[0], tagged[1], schema["then"]


@dataclass(frozen=True)
class Validator:
    """A compiled schema: `check` raises JsonSchemaValueException at the first violation."""

    schema_id: str
    check: Callable[[Any], Any]


@cache
def load_schema(relative_path: str) -> dict[str, Any]:
    """The schema at `spec/schemas/<relative_path>`."""
    document: dict[str, Any] = json.loads(
        (files("forkspec.spec") / "schemas" / relative_path).read_text("utf-8")
    )
    return document


def check_definition(schema: object, where: str) -> None:
    """Refuse a keyword the compiler would not apply as draft 2020-12 does."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise SchemaDefinitionError(f"{where}: a schema must be an object or a boolean")
    unknown = sorted(set(schema) - SUPPORTED_KEYWORDS)
    if unknown:
        raise SchemaDefinitionError(f"{where}: unsupported keywords {unknown}")
    if "$ref" in schema and set(schema) - ANNOTATIONS - {"$ref"}:
        raise SchemaDefinitionError(f"{where}: a $ref must stand alone beside annotations")
    for keyword, value in schema.items():
        if keyword in SCHEMA_KEYWORDS:
            check_definition(value, f"{where}/{keyword}")
        elif keyword in SCHEMA_LIST_KEYWORDS:
            for index, item in enumerate(value):
                check_definition(item, f"{where}/{keyword}/{index}")
        elif keyword in SCHEMA_MAP_KEYWORDS:
            for name, item in value.items():
                check_definition(item, f"{where}/{keyword}/{name}")


def _absolute_refs(node: Any, base: str) -> Any:
    """`node` with every `$ref` of the form `#/...` prefixed by its document's `$id`: the compiler
    cannot join a fragment to a `urn:` base itself."""
    if isinstance(node, dict):
        return {
            key: base + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else _absolute_refs(value, base)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(item, base) for item in node]
    return node


def _resolvable(relative_path: str) -> dict[str, Any]:
    """A checked document with absolute references."""
    document = load_schema(relative_path)
    check_definition(document, relative_path)
    return dict(_absolute_refs(document, document["$id"]))


@cache
def validator(relative_path: str, definition: str | None = None) -> Validator:
    """A strict validator for a schema file, or for one of its `$defs` (GEN-3, VEC-4)."""
    document = _resolvable(relative_path)
    store = {document["$id"]: document}
    store |= {shared["$id"]: shared for shared in map(_resolvable, SHARED_SCHEMAS)}
    target = document["$id"] if definition is None else f"{document['$id']}#/$defs/{definition}"
    if definition is not None and definition not in document.get("$defs", {}):
        raise SchemaDefinitionError(f"{relative_path} has no $defs/{definition}")
    root = {"$ref": target}
    # No handler for remote references: a $ref outside the store is a definition error, never a fetch.
    resolver = RefResolver.from_schema(root, handlers={"urn": _unknown_reference}, store=store)
    generator = _StrictGenerator(root, resolver=resolver, use_default=False, use_formats=False)
    namespace = generator.global_state
    exec(generator.func_code, namespace)
    return Validator(target, namespace[resolver.get_scope_name()])


def _unknown_reference(uri: str) -> Any:
    raise SchemaDefinitionError(f"$ref to {uri}, which is not a schema of spec/schemas/")


def _shown(value: object) -> str:
    """A short, one-line picture of a violating value, linear in its size at worst."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else f"an integer of {value.bit_length()} bits"
    if isinstance(value, str):
        shown = json.dumps(value[:SHOWN_CHARACTERS], ensure_ascii=False)
        return shown if len(value) <= SHOWN_CHARACTERS else f'{shown[:-1]}…" ({len(value)} characters)'
    if isinstance(value, dict):
        return f"an object of {len(value)} properties"
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    return f"a {type(value).__name__}"


def _names(keys: Iterable[object]) -> str:
    """Property names, sorted and abbreviated."""
    return ", ".join(sorted(_shown(key) for key in keys))


def _describe(error: JsonSchemaValueException) -> str:
    """What is wrong, in words, without the location."""
    value, rule, expected = error.value, error.rule, error.rule_definition
    definition = error.definition if isinstance(error.definition, dict) else {}
    match rule:
        case "type":
            return f"{_shown(value)} is not of type {expected}"
        case "enum":
            return f"{_shown(value)} is not one of {json.dumps(expected)}"
        case "const":
            return f"{_shown(value)} is not {json.dumps(expected)}"
        case "required" if isinstance(value, dict):
            return f"missing required properties {_names(set(expected) - value.keys())}"
        case "additionalProperties" if isinstance(value, dict):
            allowed = definition.get("properties", {}).keys()
            return f"properties not allowed here: {_names(value.keys() - allowed)}"
        case "pattern":
            return f"{_shown(value)} does not match {expected}"
        case "minLength" | "maxLength":
            bound = "at least" if rule == "minLength" else "at most"
            return f"{_shown(value)} is not {bound} {expected} characters long"
        case "minItems" | "maxItems":
            bound = "at least" if rule == "minItems" else "at most"
            return f"{_shown(value)} does not have {bound} {expected} items"
        case "minimum" | "maximum":
            bound = "less" if rule == "minimum" else "greater"
            return f"{_shown(value)} is {bound} than the {rule} {expected}"
        case "uniqueItems":
            return f"{_shown(value)} repeats an item"
        case _:
            return re.sub(r"^data\S*\s+", "", error.message)


def _location(error: JsonSchemaValueException) -> str:
    return "/".join(error.path[1:]) or "(root)"


def first_violation(checker: Validator, instance: object) -> str | None:
    """A one-line description of the first way `instance` violates the schema, or None (GEN-7)."""
    try:
        checker.check(instance)
    except JsonSchemaValueException as error:
        return f"{_location(error)}: {_describe(error)}"
    except (ValueError, RecursionError):
        # Describing some violations converts property names to text, which Python refuses for an
        # integer of more than 4300 digits; comparing array items for uniqueness descends into
        # them. Either way the value is where the schema does not allow it.
        return "(somewhere): a value too long or too deeply nested to print is not allowed where it is"
    return None
