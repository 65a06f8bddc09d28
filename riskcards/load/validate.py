"""Validate a YAML document as a model, with every error at its file:line:col (layer: load).

Imports only :mod:`riskcards.errors`, :mod:`riskcards.load.safe_yaml`, pydantic and the
standard library.

:func:`validate` runs pydantic over the plain data of a :class:`YamlDocument` and turns
each pydantic error into an :class:`~riskcards.errors.Issue` a person can act on: the
error's ``loc`` is followed through the data (dropping union tags and member names that
are not in it) to the line and column where the value or key was written, and the error
is said in plain words: "missing required key 'title'", "unknown key 'titel'; did you
mean 'title'?", "expected text, but YAML reads no as the boolean False; put it in
quotes: 'no'". To suggest the right key, the model's fields are found by walking the
same ``loc`` through the model's type annotations.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from riskcards.errors import ConfigError, Issue
from riskcards.load.safe_yaml import (
    DocPath,
    YamlDocument,
    did_you_mean,
    format_path,
    problems_heading,
)

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = ["validate"]

M = TypeVar("M", bound=BaseModel)


# --------------------------------------------------------------------------- validation


def validate(doc: YamlDocument, model: type[M], *, what: str = "file") -> M:
    """Validate ``doc.data`` as ``model``; on failure raise one :class:`ConfigError` holding
    every problem, each located at the line and column it comes from."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        issues = {
            _error_issue(doc, model, err)
            for err in exc.errors()
            if not _counts_failed_items(doc, err)
        }
    ordered = sorted(issues, key=lambda i: (i.line or 0, i.col or 0, i.path, i.message))
    suffix = "" if what == "file" else f" in this {what}"
    raise ConfigError(problems_heading(doc.file, len(ordered), suffix), ordered) from None


@dataclass
class _Located:
    path: DocPath  # the deepest data path the loc reaches
    key: bool  # the error is about the mapping key at ``path`` (not its value)
    missing: str | None  # the loc names a key absent from the mapping at ``path``


def _counts_failed_items(doc: YamlDocument, err: ErrorDetails) -> bool:
    """True for a "too short" error that only counted the items that validated: pydantic
    reports ``not 0`` for a list of four bad items; the item errors already say it all."""
    if err["type"] != "too_short":
        return False
    node = _value_at(doc.data, _walk(doc.data, tuple(err["loc"]), "too_short").path)
    min_length = (err.get("ctx") or {}).get("min_length")
    return isinstance(node, list) and isinstance(min_length, int) and len(node) >= min_length


def _find_key(mapping: dict[Any, Any], seg: Any) -> tuple[bool, Any]:
    if type(seg) is str and seg in mapping:
        return True, seg
    # pydantic puts a bool key into loc as an int and other non-string keys as str(key)
    for key in mapping:
        if key == seg if isinstance(seg, int) else str(key) == str(seg):
            return True, key
    return False, None


def _walk(data: Any, loc: tuple[Any, ...], error_type: str) -> _Located:
    """Follow a pydantic ``loc`` through the data, dropping segments that are not in it
    (union tags such as ``'metric_threshold'``, union member names such as ``'str'``)."""
    node, path, last = data, list[Any](), len(loc) - 1
    for i, seg in enumerate(loc):
        if seg == "[key]":
            return _Located(tuple(path), True, None)
        if isinstance(node, dict):
            found, key = _find_key(node, seg)
            if found:
                path.append(key)
                node = node[key]
            elif i == last and error_type == "missing":
                return _Located(tuple(path), False, str(seg))
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            path.append(seg)
            node = node[seg]
    return _Located(tuple(path), False, None)


def _error_issue(doc: YamlDocument, model: type[BaseModel], err: ErrorDetails) -> Issue:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = _walk(doc.data, loc, kind)
    path = where.path
    if where.missing is not None:
        return doc.issue(path, f"missing required key '{where.missing}'")
    if kind == "extra_forbidden" and path:
        names = _field_names(model, loc[:-1])
        present = _value_at(doc.data, path[:-1])
        if isinstance(present, dict):
            names -= {str(k) for k in present}
        message = f"unknown key '{path[-1]}'" + did_you_mean(str(path[-1]), names)
        return _key_issue(doc, path, message)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _union_tag_issue(doc, path, err)
    message = _message(doc, where, err)
    if where.key:
        return _key_issue(doc, path, message)
    return doc.issue(path, message)


def _key_issue(doc: YamlDocument, path: DocPath, message: str) -> Issue:
    pos = doc.key_positions.get(path)
    line, col = pos if pos is not None else doc.locate(path)
    return Issue(doc.file, line, col, format_path(path), message)


def _value_at(data: Any, path: DocPath) -> Any:
    for seg in path:
        data = data[seg]
    return data


def _quoted(text: str) -> list[str]:
    return re.findall(r"'((?:[^']|'')*)'", text)


def _union_tag_issue(doc: YamlDocument, path: DocPath, err: ErrorDetails) -> Issue:
    ctx = err.get("ctx") or {}
    disc = str(ctx.get("discriminator", "")).strip("'") or "kind"
    if err["type"] == "union_tag_not_found":
        return doc.issue(path, f"missing required key '{disc}'")
    expected = _quoted(str(ctx.get("expected_tags", "")))
    tag = str(ctx.get("tag", ""))
    message = f"unknown {disc} '{tag}'"
    if expected:
        listed = ", ".join(f"'{t}'" for t in expected)
        message += f"; expected one of {listed}" + did_you_mean(tag, expected)
    node = _value_at(doc.data, path)
    if isinstance(node, dict) and disc in node:
        path = (*path, disc)
    return doc.issue(path, message)


_STRINGY = frozenset({"string_type", "literal_error", "enum", "string_sub_type"})


def _message(doc: YamlDocument, where: _Located, err: ErrorDetails) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    source = (doc.plain_keys if where.key else doc.plain_values).get(where.path)
    if source is not None and not isinstance(value, str):
        if kind in ("string_type", "string_sub_type"):
            return "expected text, but " + _yaml_surprise(source, value)
        expected = str(ctx.get("expected", ""))
        if kind in ("literal_error", "enum") and "'" in expected:
            return f"expected {expected}, but " + _yaml_surprise(source, value)
    message = _plain_words(err)
    if kind in ("literal_error", "enum") and isinstance(value, str):
        message += did_you_mean(value, _quoted(str(ctx.get("expected", ""))))
    return message


def _yaml_surprise(source: str, value: Any) -> str:
    """Why unquoted text became a bool, number or null (YAML 1.1 rules), and the fix."""
    if source == "":
        return "the value is empty (YAML reads it as null)"
    if value is None:
        read = "null (no value)"
    elif isinstance(value, bool):
        read = f"the boolean {value}"
    else:
        read = f"the number {value}"
    quoted = "'" + source.replace("'", "''") + "'"
    return f"YAML reads {source} as {read}; put it in quotes: {quoted}"


def _plain_words(err: ErrorDetails) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "string_type":
        return f"expected text, got {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value), got {_describe(value)}"
    if kind in ("list_type", "tuple_type", "set_type", "frozen_set_type"):
        return f"expected a list, got {_describe(value)}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {_describe(value)}"
    if kind == "too_short" and "min_length" in ctx:
        n = ctx["min_length"]
        return f"needs at least {n} item{'' if n == 1 else 's'}, has {ctx.get('actual_length')}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg[:1].lower() + msg[1:] if msg[1:2].islower() else msg


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 40 else "text"
    return type(value).__name__


# ------------------------------------------------------------- model field discovery


def _flatten(tp: Any) -> list[Any]:
    """The concrete types a type stands for: Annotated stripped, unions opened."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _flatten(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(tp) for t in _flatten(arg)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _step(candidates: list[Any], seg: Any) -> list[Any]:
    """The types one ``loc`` segment leads to from each of the candidate types."""
    out = [found for tp in candidates for found in _inner_types(tp, seg)]
    if out or not isinstance(seg, str):
        return out
    # not a key: a union tag (a Literal value of the member) or a member's class name
    return [tp for tp in candidates if _is_model(tp) and (tp.__name__ == seg or _tagged(tp, seg))]


def _inner_types(tp: Any, seg: Any) -> list[Any]:
    """The types inside ``tp`` at ``seg``: a model's field, a list's or tuple's item at an
    index, a mapping's values."""
    origin, args = get_origin(tp), get_args(tp)
    out: list[Any] = []
    if _is_model(tp):
        out += _field_types(tp, seg)
    elif isinstance(seg, int) and isinstance(origin, type) and args:
        out += _item_types(origin, args, seg)
    if isinstance(origin, type) and issubclass(origin, Mapping) and len(args) == 2:
        out += _flatten(args[1])
    return out


def _field_types(model: type[BaseModel], seg: Any) -> list[Any]:
    """The types of the model's field named (or aliased) ``seg``."""
    return [
        tp
        for name, info in model.model_fields.items()
        if seg in (name, info.alias)
        for tp in _flatten(info.annotation)
    ]


def _item_types(origin: type, args: tuple[Any, ...], index: int) -> list[Any]:
    """The types of item ``index`` of a tuple, list or set type (``origin[args]``)."""
    if issubclass(origin, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return _flatten(args[0])
        if 0 <= index < len(args):
            return _flatten(args[index])
        return []
    if issubclass(origin, Sequence | set | frozenset):
        return _flatten(args[0])
    return []


def _tagged(model: type[BaseModel], tag: str) -> bool:
    for info in model.model_fields.values():
        ann = info.annotation
        if get_origin(ann) is Literal and tag in get_args(ann):
            return True
    return False


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """Field names (or aliases) of the model(s) a pydantic ``loc`` leads to; empty if lost."""
    candidates: list[Any] = [model]
    for seg in loc:
        candidates = _step(candidates, seg)
        if not candidates:
            return set()
    return {
        info.alias or name
        for tp in candidates
        if _is_model(tp)
        for name, info in tp.model_fields.items()
    }
