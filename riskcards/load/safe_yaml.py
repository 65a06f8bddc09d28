"""Safe YAML reading that records where every value was written (layer: load).

Imports only :mod:`riskcards.errors`, PyYAML and the standard library.

Catalogues, evidence mappings and project files are YAML that people write by hand, so
every problem must say exactly where it is. This module composes the YAML event stream
itself (PyYAML's safe parser, libyaml when available) into plain Python values while
recording where each node starts, and refuses what riskcards never needs and attackers
like: anchors and aliases (billion laughs), merge keys, custom tags, several documents,
duplicate keys and oversized files. :func:`riskcards.load.validate.validate` then maps
every pydantic error back to a ``file:line:col`` and a dotted path, in plain words.

Deliberate differences from ``yaml.safe_load``: an unquoted date such as ``2024-05-01``
stays the string the user wrote (data holds only dict, list, str, int, float, bool and
None), and the YAML 1.1 ``=`` "value" key is read as the string ``'='``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from riskcards.errors import ConfigError, Issue

__all__ = [
    "MAX_BYTES",
    "DocPath",
    "YamlDocument",
    "did_you_mean",
    "format_path",
    "load_yaml",
    "parse_yaml",
    "problems_heading",
]

DocPath = tuple[Any, ...]
"""A path into a document: mapping keys (normally str) and list indexes (int)."""

MAX_BYTES = 10 * 1024 * 1024
"""Largest YAML input riskcards reads; real catalogues are a few hundred KiB."""
MAX_DEPTH = 100
"""Deepest nesting of lists and mappings accepted (guards the recursive composer)."""
MAX_ISSUES = 100
"""Parsing stops collecting problems after this many (a hostile file can have millions)."""

# libyaml is ~30x faster on big files; both parsers give identical events and marks.
_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_Y + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _Y + "map", _Y + "seq"
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL})
# Implicitly resolved tags kept as the text the user wrote (see the module docstring).
_KEEP_TEXT = frozenset({_Y + "timestamp", _Y + "value", _Y + "merge"})

_RESOLVER: Any = yaml.resolver.Resolver()  # its methods are untyped in types-PyYAML
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class YamlDocument:
    """One parsed YAML file: plain data plus where every node of it was written."""

    file: str
    data: Any
    positions: Mapping[tuple[str | int, ...], tuple[int, int]]
    key_positions: Mapping[tuple[str | int, ...], tuple[int, int]]
    # path -> source text of every unquoted scalar YAML did not read as a string
    # (`6.10`, `no`, `~`, an empty value), for values and for mapping keys respectively.
    plain_values: Mapping[tuple[str | int, ...], str] = field(
        default_factory=dict, repr=False, compare=False
    )
    plain_keys: Mapping[tuple[str | int, ...], str] = field(
        default_factory=dict, repr=False, compare=False
    )

    def locate(self, path: Sequence[str | int]) -> tuple[int | None, int | None]:
        """(line, col) of the value at ``path``, else of its nearest known ancestor."""
        key = tuple(path)
        for end in range(len(key), -1, -1):
            pos = self.positions.get(key[:end])
            if pos is not None:
                return pos
        return None, None

    def issue(self, path: Sequence[str | int], message: str) -> Issue:
        """An :class:`Issue` located at ``path`` (or the nearest ancestor we know)."""
        line, col = self.locate(path)
        return Issue(self.file, line, col, format_path(path), message)


# --------------------------------------------------------------------------- helpers


def format_path(path: Sequence[Any]) -> str:
    """A readable path: ``("controls", 12, "maps_to", 0)`` -> ``controls[12].maps_to[0]``."""
    out = ""
    for seg in path:
        if isinstance(seg, str) and _SIMPLE_KEY.fullmatch(seg):
            out += f".{seg}" if out else seg
        elif isinstance(seg, int) and not isinstance(seg, bool):
            out += f"[{seg}]"
        else:
            out += f"[{seg!r}]"
    return out


def _loose(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", text.casefold())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'GOVERN 1.8'?"`` for the nearest choices, or ``""`` if none is near.

    Matches ignoring case, spaces, dashes and underscores first (``GOVERN-1.8`` and
    ``govern 1.8`` find ``GOVERN 1.8``), then by :func:`difflib.get_close_matches`.
    """
    word = str(word)
    pool = sorted({str(c) for c in choices} - {word})
    if not pool:
        return ""
    loose = _loose(word)
    # a match that differs only in case or separators is surely the one meant: offer it alone
    found = [c for c in pool if _loose(c) == loose]
    if not found:
        by_fold: dict[str, list[str]] = {}
        for c in pool:
            by_fold.setdefault(c.casefold(), []).append(c)
        for near in difflib.get_close_matches(word.casefold(), list(by_fold), n=3, cutoff=0.6):
            found += by_fold[near]
    if not found:
        return ""
    names = [f"'{c}'" for c in found[:3]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"; did you mean {listed}?"


def problems_heading(file: str, count: int, suffix: str = "") -> str:
    """The first line of a :class:`ConfigError` about one file: ``doc.yaml: 2 problems``."""
    return f"{file}: {count} problem{'' if count == 1 else 's'}{suffix}"


def _fail(file: str, message: str, line: int | None = None, col: int | None = None) -> ConfigError:
    return ConfigError(problems_heading(file, 1), [Issue(file, line, col, "", message)])


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_Y) :] if tag.startswith(_Y) else tag


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of a character index, counting line breaks as YAML does."""
    line, start = 1, 0
    for m in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


# --------------------------------------------------------------------------- reading


def load_yaml(path: Path, *, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML file; every failure is a :class:`ConfigError` naming it."""
    file = display if display is not None else str(path)
    try:
        with open(path, "rb") as fh:
            raw = _read_capped(fh)
    except FileNotFoundError:
        raise _fail(file, "file not found") from None
    except IsADirectoryError:
        raise _fail(file, "is a directory, not a YAML file") from None
    except PermissionError:
        raise _fail(file, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise _fail(file, f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(file, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB, the limit")
    return parse_yaml(_decode(raw, file), file)


def _read_capped(fh: BinaryIO) -> bytes:
    """At most MAX_BYTES + 1 bytes, in chunks (``read(n)`` would allocate n bytes at once)."""
    chunks: list[bytes] = []
    total = 0
    while total <= MAX_BYTES and (chunk := fh.read(1 << 16)):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "the file is UTF-16; save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        bad = raw[exc.start]
        raise _fail(
            file,
            f"not UTF-8: byte 0x{bad:02x} cannot be decoded; save the file as UTF-8",
            line,
            col,
        ) from None


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text (one document, plain values only) into a :class:`YamlDocument`."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise _fail(file, f"YAML text is larger than {MAX_BYTES // (1024 * 1024)} MiB, the limit")
    text = text.removeprefix("\ufeff")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        message = f"character U+{ord(bad.group()):04X} is not allowed in YAML"
        if bad.group() == "\x00":
            message += " (is the file UTF-16? save it as UTF-8)"
        raise _fail(file, message, line, col)
    composer = _Composer(text, file)
    data = composer.run()
    return YamlDocument(
        file=file,
        data=data,
        positions=composer.positions,
        key_positions=composer.key_positions,
        plain_values=composer.plain_values,
        plain_keys=composer.plain_keys,
    )


class _Abort(Exception):
    """Stop composing: the issues collected so far are all we will report."""


class _BadKey:
    """Stands in for a mapping key we refused (the document is rejected anyway)."""


class _Composer:
    """Builds plain values from parser events, recording positions and refusing the unsafe."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.parser = _LOADER(text)
        self.positions: dict[DocPath, tuple[int, int]] = {}
        self.key_positions: dict[DocPath, tuple[int, int]] = {}
        self.plain_values: dict[DocPath, str] = {}
        self.plain_keys: dict[DocPath, str] = {}
        # source text of every key, to explain duplicates such as `yes:` after `true:`
        self._key_text: dict[DocPath, str] = {}
        self.issues: list[Issue] = []
        self.truncated = False

    # -- driving

    def run(self) -> Any:
        data: Any = None
        try:
            data = self._document()
        except yaml.MarkedYAMLError as exc:
            self._syntax_error(exc)
        except yaml.YAMLError as exc:  # e.g. a libyaml reader error without a mark
            self.issues.append(Issue(self.file, None, None, "", f"YAML error: {exc}"))
        except _Abort:
            pass
        finally:
            self.parser.dispose()
        if self.issues:
            suffix = f" (stopped after the first {MAX_ISSUES})" if self.truncated else ""
            issues = sorted(self.issues, key=lambda i: (i.line or 0, i.col or 0))
            raise ConfigError(problems_heading(self.file, len(issues), suffix), issues)
        return data

    def _document(self) -> Any:
        p = self.parser
        p.get_event()  # StreamStart
        if p.check_event(yaml.StreamEndEvent):
            self._add((), None, "empty file")
            return None
        p.get_event()  # DocumentStart
        if self._empty_document():
            self._add((), None, "empty file")
            return None
        data = self._node((), 0)
        p.get_event()  # DocumentEnd
        if p.check_event(yaml.DocumentStartEvent):
            where = _mark(p.peek_event().start_mark)
            self._add(
                (),
                where,
                "a second YAML document starts here; a riskcards file holds exactly one",
            )
        return data

    def _empty_document(self) -> bool:
        event = self.parser.peek_event()
        return (
            isinstance(event, yaml.ScalarEvent)
            and event.value == ""
            and event.tag is None
            and event.anchor is None
            and event.implicit[0]
        )

    def _add(self, path: DocPath, pos: tuple[int, int] | None, message: str) -> None:
        if len(self.issues) >= MAX_ISSUES:
            self.truncated = True
            raise _Abort
        line, col = pos if pos is not None else (None, None)
        self.issues.append(Issue(self.file, line, col, format_path(path), message))

    def _syntax_error(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark is not None else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        message = f"YAML syntax error: {problem}"
        if exc.context and exc.problem:
            message += f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                cl, cc = _mark(exc.context_mark)
                message += f" started at {cl}:{cc}"
            message += ")"
        if line is not None and col is not None and self._char_at(line, col) == "\t":
            message += "; YAML does not allow tabs for indentation, use spaces"
        self.issues.append(Issue(self.file, line, col, "", message))

    def _char_at(self, line: int, col: int) -> str:
        lines = _LINE_BREAK.split(self.text)
        if 0 < line <= len(lines) and 0 < col <= len(lines[line - 1]):
            return lines[line - 1][col - 1]
        return ""

    # -- nodes

    def _node(self, path: DocPath, depth: int) -> Any:
        event = self.parser.get_event()
        pos = _mark(event.start_mark)
        self.positions[path] = pos
        if isinstance(event, yaml.AliasEvent):
            self._add(path, pos, f"alias '*{event.anchor}' is not allowed; write the value out")
            return None
        if event.anchor is not None:
            self._add(path, pos, f"anchor '&{event.anchor}' is not allowed; write values out")
        if isinstance(event, yaml.ScalarEvent):
            value, plain = self._scalar(event, path, pos)
            if plain:
                self.plain_values[path] = event.value
            return value
        if depth >= MAX_DEPTH:
            self._add(path, pos, f"nested more than {MAX_DEPTH} levels deep")
            raise _Abort
        if isinstance(event, yaml.SequenceStartEvent):
            self._collection_tag(event, _SEQ, "a list", path, pos)
            items: list[Any] = []
            while not self.parser.check_event(yaml.SequenceEndEvent):
                items.append(self._node((*path, len(items)), depth + 1))
            self.parser.get_event()
            return items
        self._collection_tag(event, _MAP, "a mapping", path, pos)
        return self._mapping(path, depth)

    def _mapping(self, path: DocPath, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        while not self.parser.check_event(yaml.MappingEndEvent):
            key = self._key(path, depth, result)
            result[key] = self._node((*path, key), depth + 1)
        self.parser.get_event()
        return result

    def _key(self, path: DocPath, depth: int, seen: dict[Any, Any]) -> Any:
        event = self.parser.peek_event()
        pos = _mark(event.start_mark)
        if not isinstance(event, yaml.ScalarEvent):
            kind = "an alias" if isinstance(event, yaml.AliasEvent) else "a list or mapping"
            self._add(path, pos, f"a mapping key must be a plain value, not {kind}")
            if isinstance(event, yaml.AliasEvent):
                self.parser.get_event()
            else:
                self._node((*path, "<key>"), depth + 1)
            return _BadKey()
        self.parser.get_event()
        if event.anchor is not None:
            self._add(path, pos, f"anchor '&{event.anchor}' is not allowed; write values out")
        if event.tag is None and event.implicit[0] and event.value == "<<":
            self._add(path, pos, "merge keys ('<<') are not allowed; write the keys out")
            return _BadKey()
        key, plain = self._scalar(event, path, pos)
        if key in seen:
            first_pos = self.key_positions[(*path, key)]
            first_text = self._key_text.get((*path, key), event.value)
            same = "" if first_text == event.value else f" as '{first_text}'"
            self._add(
                (*path, key),
                pos,
                f"duplicate key '{event.value}' (first at {first_pos[0]}:{first_pos[1]}{same})",
            )
            return _BadKey()
        self.key_positions[(*path, key)] = pos
        self._key_text[(*path, key)] = event.value
        if plain:
            self.plain_keys[(*path, key)] = event.value
        return key

    def _collection_tag(
        self, event: Any, allowed: str, kind: str, path: DocPath, pos: tuple[int, int]
    ) -> None:
        if event.tag not in (None, "!", allowed):
            self._add(path, pos, f"tag '{_short_tag(event.tag)}' is not allowed on {kind}")

    def _scalar(self, event: Any, path: DocPath, pos: tuple[int, int]) -> tuple[Any, bool]:
        """The plain value of a scalar, and whether YAML read unquoted text as a non-string."""
        tag = event.tag
        implicit = tag is None or tag == "!"
        if implicit:
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        elif tag not in _SCALAR_TAGS:
            self._add(
                path,
                pos,
                f"tag '{_short_tag(tag)}' is not allowed; riskcards reads plain YAML only "
                "(text, numbers, true/false, lists and mappings)",
            )
            return event.value, False
        if tag in _KEEP_TEXT or tag == _STR:
            return event.value, False
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = _CONSTRUCTOR.construct_object(node, deep=True)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            self._add(path, pos, f"cannot read {event.value!r} as {_short_tag(tag)}")
            return event.value, False
        return value, implicit
