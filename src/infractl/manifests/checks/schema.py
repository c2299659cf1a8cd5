"""Offline validation against the Kubernetes OpenAPI-derived JSON schemas that ``kubernetes-validate`` ships
(the ``-strict`` variants: unknown fields are errors).

kubernetes_validate.validate() reads the 1.5 MB definitions file and builds a jsonschema validator on
every call, and importing jsonschema alone costs more than kustomize takes to render a small directory.
These schemas use a small closed set of keywords (type, properties, additionalProperties, items,
required, enum, oneOf, $ref; format is an annotation in draft 2020-12), so each kind's schema is compiled
once into plain Python checks that give the same errors as jsonschema (tests/manifests compare them on
real manifests). A schema with any other keyword falls back to jsonschema itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from infractl.errors import InfractlError

MAX_ERRORS_PER_OBJECT = 5
Errors = list[tuple[tuple, str]]
Check = Callable[[Any, tuple, Errors], None]

_IGNORED = {"description", "format", "$schema", "$id", "default", "title", "example", "examples"}
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


class UnsupportedSchema(Exception):
    """A keyword this compiler does not implement: use jsonschema for the kind."""


@cache
def schema_root() -> Path:
    spec = find_spec("kubernetes_validate")  # located, not imported: its import pulls in jsonschema
    if spec is None or not spec.submodule_search_locations:
        raise InfractlError("kubernetes-validate is not installed (pip install kubernetes-validate)")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@cache
def schema_dir(kube_version: str) -> Path:
    """The strict schema directory for ``kube_version``: the newest bundled minor not newer than it."""
    wanted = _minor(kube_version) if re.fullmatch(r"v?\d+\.\d+(\.\d+)?", kube_version) else None
    if wanted is None:
        raise InfractlError(f"kube version {kube_version!r}: expected a version such as 1.33 or 1.33.0")
    available = sorted((minor, path) for path in schema_root().glob("v*-local-strict")
                       if (minor := _minor(path.name[1:].split("-")[0])) is not None)
    if not available:
        raise InfractlError(f"no schemas found in {schema_root()}")
    if wanted > available[-1][0]:
        newest = ".".join(map(str, available[-1][0]))
        raise InfractlError(f"kube version {kube_version} is newer than the newest bundled schemas ({newest}): "
                            "upgrade kubernetes-validate")
    usable = [path for minor, path in available if minor <= wanted]
    if not usable:
        oldest = ".".join(map(str, available[0][0]))
        raise InfractlError(f"kube version {kube_version} is older than the oldest bundled schemas ({oldest})")
    return usable[-1]


def _minor(version: str) -> tuple[int, int] | None:
    match = re.match(r"^v?(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else None


@cache
def definitions(directory: Path) -> dict[str, Any]:
    with open(directory / "_definitions.json", encoding="utf-8") as handle:
        return json.load(handle)


class Compiler:
    """Compiles schemas of one directory; ``$ref``s are compiled once, on first use (they recurse)."""

    def __init__(self, directory: Path):
        self.defs = definitions(directory)["$defs"]
        self.refs: dict[str, Check] = {}

    def ref(self, reference: str) -> Check:
        name = reference.rsplit("/", 1)[-1]
        if name not in self.defs:
            raise UnsupportedSchema(reference)
        compiled = self.refs.get(name)
        if compiled is None:
            slot: list[Check] = []
            self.refs[name] = lambda value, path, errors: slot[0](value, path, errors)  # recursion guard
            compiled = self.compile(self.defs[name])
            slot.append(compiled)
            self.refs[name] = compiled
        return compiled

    def compile(self, schema: dict) -> Check:
        checks: list[Check] = []
        for keyword, argument in schema.items():
            if keyword in _IGNORED or keyword.startswith("x-kubernetes") or keyword in ("properties",
                                                                                        "additionalProperties"):
                continue
            builder = getattr(self, "_" + keyword.lstrip("$"), None)
            if builder is None:
                raise UnsupportedSchema(keyword)
            checks.append(builder(argument))
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object(schema.get("properties") or {}, schema.get("additionalProperties", True)))
        if len(checks) == 1:
            return checks[0]

        def all_of(value, path, errors):
            for check in checks:
                check(value, path, errors)
        return all_of

    def _ref(self, reference: str) -> Check:
        return lambda value, path, errors: self.ref(reference)(value, path, errors)

    def _type(self, names) -> Check:
        names = [names] if isinstance(names, str) else list(names)
        tests = [_TYPES[name] for name in names]
        shown = ", ".join(repr(name) for name in names)

        def check(value, path, errors):
            if not any(test(value) for test in tests):
                errors.append((path, f"{_described(value)} is not of type {shown}"))
        return check

    def _enum(self, allowed: list) -> Check:
        def check(value, path, errors):
            if value not in allowed:
                errors.append((path, f"{_described(value)} is not one of {allowed!r}"))
        return check

    def _required(self, names: list) -> Check:
        def check(value, path, errors):
            if isinstance(value, dict):
                for name in names:
                    if name not in value:
                        errors.append((path, f"{name!r} is a required property"))
        return check

    def _items(self, schema: dict) -> Check:
        item = self.compile(schema)

        def check(value, path, errors):
            if isinstance(value, list):
                for index, element in enumerate(value):
                    item(element, (*path, index), errors)
        return check

    def _oneOf(self, schemas: list) -> Check:
        options = [self.compile(schema) for schema in schemas]

        def check(value, path, errors):
            matched = sum(1 for option in options if not _failures(option, value))
            if matched == 0:
                errors.append((path, f"{_described(value)} is not valid under any of the given schemas"))
            elif matched > 1:
                errors.append((path, (f"{_described(value)} is valid under each of more than one of the "
                                      "given schemas")))
        return check

    def _object(self, properties: dict, additional) -> Check:
        compiled = {name: self.compile(schema) for name, schema in properties.items()}
        extra = self.compile(additional) if isinstance(additional, dict) else None
        closed = additional is False

        def check(value, path, errors):
            if not isinstance(value, dict):
                return
            unexpected = []
            for key, item in value.items():
                own = compiled.get(key)
                if own is not None:
                    own(item, (*path, key), errors)
                elif extra is not None:
                    extra(item, (*path, key), errors)
                elif closed:
                    unexpected.append(key)
            if unexpected:
                listed = ", ".join(repr(key) for key in unexpected)
                verb = "was" if len(unexpected) == 1 else "were"
                errors.append((path, f"Additional properties are not allowed ({listed} {verb} unexpected)"))
        return check


def _failures(check: Check, value) -> Errors:
    errors: Errors = []
    check(value, (), errors)
    return errors


@cache
def _compiler(directory: Path) -> Compiler:
    return Compiler(directory)


@cache
def kind_checker(directory: Path, api_version: str, kind: str) -> Check | None:
    """The compiled check for one kind, or None when no schema is bundled for it (a custom resource)."""
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        with open(directory / f"{kind.lower()}-{group_version}.json", encoding="utf-8") as handle:
            schema = json.load(handle)
    except FileNotFoundError:
        return None
    try:
        return _compiler(directory).compile(schema)
    except UnsupportedSchema:
        return _jsonschema_check(directory, schema)


def _jsonschema_check(directory: Path, schema: dict) -> Check:
    import jsonschema
    from referencing import Registry, Resource

    registry = Resource.from_contents(definitions(directory)) @ Registry()
    validator = jsonschema.Draft202012Validator(schema, registry=registry)

    def check(value, path, errors):
        for error in validator.iter_errors(value):
            errors.append(((*path, *error.absolute_path), message_without_value(error)))
    return check


# Schema errors never quote the value they are about: it may be an env var's value, a Secret's data, a
# token under any key, and no rule on the path can know every place a secret hides (an env var named
# DB_PASS, a ConfigMap holding a DSN). The finding points at the file and line, where the value is; the
# message names the field and what kind of value it found ("a string", "an integer"). Keys (an
# unexpected field) and names from the schema (a required property) are still quoted.
_KINDS = ((bool, "a boolean"), (int, "an integer"), (float, "a number"), (str, "a string"), (dict, "an object"),
          (list, "an array"))


def _described(value: Any) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _KINDS if isinstance(value, kind)), "a value")


def message_without_value(error) -> str:
    """jsonschema's message, rebuilt where it would quote the instance."""
    if error.validator in ("required", "additionalProperties"):
        return error.message
    if error.validator == "type":
        types = [error.validator_value] if isinstance(error.validator_value, str) else error.validator_value
        return f"{_described(error.instance)} is not of type {', '.join(map(repr, types))}"
    if error.validator == "enum":
        return f"{_described(error.instance)} is not one of {error.validator_value!r}"
    if error.validator in ("oneOf", "anyOf"):  # its value is a list of whole schemas
        return f"{_described(error.instance)} is not valid under the given schemas ({error.validator})"
    return f"{_described(error.instance)} does not satisfy {error.validator} {error.validator_value!r}"


def schema_errors(obj: dict[str, Any], kube_version: str) -> Errors | None:
    """(path inside the object, message) per schema error, at most MAX_ERRORS_PER_OBJECT; None when no
    schema exists for the object's kind."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [((), "the object has no apiVersion or kind")]
    check = kind_checker(schema_dir(kube_version), api_version, kind)
    if check is None:
        return None
    errors: Errors = []
    check(obj, (), errors)
    errors.sort(key=lambda error: [str(part) for part in error[0]])
    return [(path, f"{'.'.join(map(str, path)) or '(top level)'}: {_short(message)}")
            for path, message in errors[:MAX_ERRORS_PER_OBJECT]]


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."
