"""Check a tool call's input against the JSON schema the tool declared, before the tool sees it.

A model may send ``start_line: "abc"``, a list for a path, ``10**30`` for a limit or a NUL inside a
path; each must come back to it as an error result it can correct, never reach ``int()`` or ``open()``
and end the run. Nothing is coerced: ``"12"`` is not an integer and ``true`` is not ``1``.

Written here rather than taken from a library: the claude extra does not install ``jsonschema``,
pydantic builds validators from types rather than from a JSON schema, and the schemas our tools declare
use a small part of JSON Schema (object, string, integer, boolean, array; required,
additionalProperties, minimum / maximum, maxLength, maxItems, enum). A keyword outside that part is not
checked here: the one tool whose schema uses more (``report_finding``) is validated by its pydantic model.
"""

from __future__ import annotations

from typing import Any

_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"),
               (dict, "object"), (type(None), "null"))


def json_type(value: Any) -> str:
    for kind, name in _JSON_TYPES:  # bool before int: True is an int in Python, a boolean in JSON
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def problems(schema: dict, value: Any, where: str = "") -> list[str]:
    """What is wrong with ``value`` for ``schema``, one message per problem (empty: it fits)."""
    label = where or "input"
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{label}: must be an object, got {json_type(value)}"]
        properties: dict = schema.get("properties", {})
        required = schema.get("required", [])
        found = [f"{name}: required" for name in required if value.get(name) is None]
        for name, item in value.items():
            path = f"{where}.{name}" if where else name
            if item is None and name in properties:
                continue  # null for an argument: not given (models send them); a required one is reported above
            if name in properties:
                found += problems(properties[name], item, path)
            elif schema.get("additionalProperties", True) is False:
                found.append(f"{path}: unknown argument (expected {', '.join(properties) or 'none'})")
        return found
    if kind == "string":
        if not isinstance(value, str):
            return [f"{label}: must be a string, got {json_type(value)} {_shown(value)}"]
        if "\x00" in value:  # no path, pattern or name holds one, and os functions raise on it
            return [f"{label}: contains a NUL character"]
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return [f"{label}: at most {schema['maxLength']} characters (got {len(value)})"]
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{label}: must be an integer, got {json_type(value)} {_shown(value)}"]
        if "minimum" in schema and value < schema["minimum"]:
            return [f"{label}: must be at least {schema['minimum']} (got {_shown(value)})"]
        if "maximum" in schema and value > schema["maximum"]:
            return [f"{label}: must be at most {schema['maximum']} (got {_shown(value)})"]
    elif kind == "boolean":
        if not isinstance(value, bool):
            return [f"{label}: must be true or false, got {json_type(value)} {_shown(value)}"]
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{label}: must be an array, got {json_type(value)} {_shown(value)}"]
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return [f"{label}: at most {schema['maxItems']} items (got {len(value)})"]
        found = []
        for index, item in enumerate(value):
            found += problems(schema.get("items", {}), item, f"{label}[{index}]")
        return found
    if "enum" in schema and value not in schema["enum"]:
        return [f"{label}: must be one of {', '.join(map(str, schema['enum']))}"]
    return []
