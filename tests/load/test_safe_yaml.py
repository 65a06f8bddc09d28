"""riskcards.load.safe_yaml: safe YAML reading with positions, every refusal located."""

from __future__ import annotations

import os
import signal
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcards.errors import ConfigError, Issue
from riskcards.load import safe_yaml
from riskcards.load.safe_yaml import (
    YamlDocument,
    did_you_mean,
    format_path,
    load_yaml,
    parse_yaml,
)
from tests.load.conftest import imported_modules, load, write


def problems(call: Callable[[], object]) -> list[str]:
    """The issues of the ConfigError ``call`` raises, as printed (file:line:col path: msg)."""
    with pytest.raises(ConfigError) as info:
        call()
    return [str(issue) for issue in info.value.issues]


def load_problems(tmp_path: Path, text: str) -> list[str]:
    return problems(lambda: load(tmp_path, text))


# --------------------------------------------------------------------------- positions

NESTED = """\
title: Example
controls:
  - id: GOVERN 1.1
    maps_to: [a, b]
    meta:
      owner: "x"
      tags:
        - t1
        - {k: v}
  - id: MAP 2.3
empty:
"""


def test_positions_of_nested_values_and_keys(tmp_path: Path, parser: str) -> None:
    doc = load(tmp_path, NESTED)
    assert doc.data == {
        "title": "Example",
        "controls": [
            {
                "id": "GOVERN 1.1",
                "maps_to": ["a", "b"],
                "meta": {"owner": "x", "tags": ["t1", {"k": "v"}]},
            },
            {"id": "MAP 2.3"},
        ],
        "empty": None,
    }
    assert doc.positions == {
        (): (1, 1),
        ("title",): (1, 8),
        ("controls",): (3, 3),
        ("controls", 0): (3, 5),
        ("controls", 0, "id"): (3, 9),
        ("controls", 0, "maps_to"): (4, 14),
        ("controls", 0, "maps_to", 0): (4, 15),
        ("controls", 0, "maps_to", 1): (4, 18),
        ("controls", 0, "meta"): (6, 7),
        ("controls", 0, "meta", "owner"): (6, 14),
        ("controls", 0, "meta", "tags"): (8, 9),
        ("controls", 0, "meta", "tags", 0): (8, 11),
        ("controls", 0, "meta", "tags", 1): (9, 11),
        ("controls", 0, "meta", "tags", 1, "k"): (9, 15),
        ("controls", 1): (10, 5),
        ("controls", 1, "id"): (10, 9),
        ("empty",): (11, 7),
    }
    assert doc.key_positions == {
        ("title",): (1, 1),
        ("controls",): (2, 1),
        ("controls", 0, "id"): (3, 5),
        ("controls", 0, "maps_to"): (4, 5),
        ("controls", 0, "meta"): (5, 5),
        ("controls", 0, "meta", "owner"): (6, 7),
        ("controls", 0, "meta", "tags"): (7, 7),
        ("controls", 0, "meta", "tags", 1, "k"): (9, 12),
        ("controls", 1, "id"): (10, 5),
        ("empty",): (11, 1),
    }
    assert doc.file == "doc.yaml"


def test_crlf_bom_and_wide_characters_keep_columns_right(tmp_path: Path, parser: str) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes("\ufeffa: 1\r\nb:\r\n  - é€😀: x\r\n".encode())
    doc = load_yaml(path)
    assert doc.data == {"a": 1, "b": [{"é€😀": "x"}]}
    assert doc.positions[("a",)] == (1, 4)
    assert doc.positions[("b", 0, "é€😀")] == (3, 10)
    assert doc.file == str(path)


def test_locate_falls_back_to_the_nearest_ancestor(tmp_path: Path) -> None:
    doc = load(tmp_path, NESTED)
    assert doc.locate(("controls", 0, "meta", "owner")) == (6, 14)
    assert doc.locate(("controls", 0, "meta", "missing", 3)) == (6, 7)
    assert doc.locate(("nowhere",)) == (1, 1)
    issue = doc.issue(("controls", 0, "maps_to", 1), "unknown control 'b'")
    assert issue == Issue("doc.yaml", 4, 18, "controls[0].maps_to[1]", "unknown control 'b'")
    assert str(issue) == "doc.yaml:4:18 controls[0].maps_to[1]: unknown control 'b'"


def test_locate_without_positions() -> None:
    doc = YamlDocument(file="x.yaml", data=None, positions={}, key_positions={})
    assert doc.locate(("a",)) == (None, None)
    assert str(doc.issue((), "boom")) == "x.yaml: boom"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), ""),
        (("controls", 12, "maps_to", 0), "controls[12].maps_to[0]"),
        ((0, "id"), "[0].id"),
        (("checks", 0, "controls", "nist-ai-rmf"), "checks[0].controls.nist-ai-rmf"),
        (("controls", "GOVERN 1.1"), "controls['GOVERN 1.1']"),
        (("a", ""), "a['']"),
        (("m", 1.1, True, None), "m[1.1][True][None]"),
    ],
)
def test_format_path(path: tuple[Any, ...], expected: str) -> None:
    assert format_path(path) == expected


# --------------------------------------------------------------------------- did_you_mean

CONTROL_IDS = ["GOVERN 1.1", "GOVERN 1.8", "MAP 1.1", "MEASURE 2.11"]


@pytest.mark.parametrize("word", ["GOVERN-1.8", "govern 1.8", "Govern_1.8", "GOVRN 1.8"])
def test_did_you_mean_finds_govern_1_8(word: str) -> None:
    assert did_you_mean(word, CONTROL_IDS).startswith("; did you mean 'GOVERN 1.8'")


def test_did_you_mean_wording() -> None:
    assert did_you_mean("GOVERN-1.8", CONTROL_IDS) == "; did you mean 'GOVERN 1.8'?"
    assert did_you_mean("titel", ["title", "text", "summary"]) == "; did you mean 'title'?"
    assert did_you_mean("zzzz", CONTROL_IDS) == ""
    assert did_you_mean("x", []) == ""
    assert did_you_mean("GOVERN 1.8", ["GOVERN 1.8"]) == ""
    several = did_you_mean("GOVERN 1.", CONTROL_IDS)
    assert several == "; did you mean 'GOVERN 1.8' or 'GOVERN 1.1'?"  # difflib's order


# --------------------------------------------------------------------------- rejected input


def test_duplicate_key_names_both_positions(tmp_path: Path, parser: str) -> None:
    text = "items:\n  - id: a\n    title: t\n    id: b\n"
    assert load_problems(tmp_path, text) == [
        "doc.yaml:4:5 items[0].id: duplicate key 'id' (first at 2:5)"
    ]


def test_keys_that_yaml_reads_alike_are_duplicates(tmp_path: Path) -> None:
    assert load_problems(tmp_path, "yes: 1\ntrue: 2\n") == [
        "doc.yaml:2:1 [True]: duplicate key 'true' (first at 1:1 as 'yes')"
    ]


def test_anchors_and_aliases_are_rejected(tmp_path: Path, parser: str) -> None:
    text = "base: &b\n  x: 1\nother: *b\nlist: [&i 1, *i]\n"
    assert load_problems(tmp_path, text) == [
        "doc.yaml:1:7 base: anchor '&b' is not allowed; write values out",
        "doc.yaml:3:8 other: alias '*b' is not allowed; write the value out",
        "doc.yaml:4:8 list[0]: anchor '&i' is not allowed; write values out",
        "doc.yaml:4:14 list[1]: alias '*i' is not allowed; write the value out",
    ]


BILLION_LAUGHS = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 31)
)  # 10**31 "lol"s once expanded


@pytest.fixture
def hang_guard() -> Iterator[None]:
    """Turn a hang into a failure (this is no timing assertion: the limit is generous)."""

    def expired(signum: int, frame: object) -> None:
        raise AssertionError("parsing did not finish: aliases were expanded?")

    if not hasattr(signal, "SIGALRM"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_billion_laughs_is_rejected_without_expanding(
    tmp_path: Path, parser: str, hang_guard: None
) -> None:
    path = write(tmp_path, BILLION_LAUGHS)
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as info:
            load_yaml(path, display="bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # an expansion would need far more than any machine has
    issues = info.value.issues
    assert str(issues[0]) == "bomb.yaml:1:5 l0: anchor '&l0' is not allowed; write values out"
    assert len(issues) == safe_yaml.MAX_ISSUES
    assert str(info.value).startswith("bomb.yaml: 100 problems (stopped after the first 100)")


def test_merge_keys_are_rejected(tmp_path: Path, parser: str) -> None:
    text = "defaults:\n  level: x\nitem:\n  <<: {level: y}\n  id: a\n"
    assert load_problems(tmp_path, text) == [
        "doc.yaml:4:3 item: merge keys ('<<') are not allowed; write the keys out"
    ]
    assert load(tmp_path, "'<<': quoted is just text\n").data == {"<<": "quoted is just text"}


def test_python_tags_are_rejected_and_never_run(
    tmp_path: Path, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unsafe loader was used")

    monkeypatch.setattr(yaml, "load", never)
    monkeypatch.setattr(yaml, "unsafe_load", never)
    pwned = tmp_path / "pwned"
    text = (
        f"a: !!python/object/apply:os.system ['touch {pwned}']\n"
        f"b: !!python/object/apply:os.system\n  args: ['touch {pwned}']\n"
        "c: !!python/name:os.system ''\n"
    )
    assert load_problems(tmp_path, text) == [
        "doc.yaml:1:4 a: tag '!!python/object/apply:os.system' is not allowed on a list",
        "doc.yaml:2:4 b: tag '!!python/object/apply:os.system' is not allowed on a mapping",
        "doc.yaml:4:4 c: tag '!!python/name:os.system' is not allowed; riskcards reads plain "
        "YAML only (text, numbers, true/false, lists and mappings)",
    ]
    assert not pwned.exists()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !foo x\n", "!foo"),
        ("a: !!binary aGk=\n", "!!binary"),
        ("a: !!timestamp 2024-01-01\n", "!!timestamp"),
        ("a: !!set {x}\n", "!!set"),
        ("a: !!omap [x: 1]\n", "!!omap"),
        ("a: !<tag:example.com,2024:x> 1\n", "tag:example.com,2024:x"),
    ],
)
def test_non_standard_tags_are_rejected(tmp_path: Path, text: str, tag: str) -> None:
    [message] = load_problems(tmp_path, text)
    assert message.startswith(f"doc.yaml:1:4 a: tag '{tag}' is not allowed")


def test_standard_tags_are_read(tmp_path: Path) -> None:
    text = "a: !!str 6.10\nb: !!int '7'\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: !!map {}\n"
    doc = load(tmp_path, text)
    assert doc.data == {"a": "6.10", "b": 7, "c": 1.0, "d": True, "e": None, "f": {}}
    assert ("a",) not in doc.plain_values  # explicitly tagged: the user meant it


def test_a_value_that_does_not_fit_its_tag(tmp_path: Path) -> None:
    assert load_problems(tmp_path, "a: !!int abc\n") == [
        "doc.yaml:1:4 a: cannot read 'abc' as !!int"
    ]


def test_dates_stay_text(tmp_path: Path) -> None:
    doc = load(tmp_path, "published: 2023-01-26\nat: 2023-01-26 10:00:00\nv: =\n")
    assert doc.data == {"published": "2023-01-26", "at": "2023-01-26 10:00:00", "v": "="}


def test_keys_must_be_plain_values(tmp_path: Path, parser: str) -> None:
    text = "? [a, b]\n: 1\nok: 2\n"
    assert load_problems(tmp_path, text) == [
        "doc.yaml:1:3: a mapping key must be a plain value, not a list or mapping"
    ]


def test_deep_nesting_is_refused(tmp_path: Path, parser: str) -> None:
    depth = safe_yaml.MAX_DEPTH + 5
    [message] = load_problems(tmp_path, "[" * depth + "]" * depth + "\n")
    assert message.endswith(f": nested more than {safe_yaml.MAX_DEPTH} levels deep")
    assert load(tmp_path, "[" * 50 + "]" * 50).data is not None


def test_more_than_one_document(tmp_path: Path, parser: str) -> None:
    assert load_problems(tmp_path, "a: 1\n---\nb: 2\n") == [
        "doc.yaml:2:1: a second YAML document starts here; a riskcards file holds exactly one"
    ]
    assert load(tmp_path, "---\na: 1\n...\n").data == {"a": 1}


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n", "---\n", "  \n"])
def test_empty_file(tmp_path: Path, parser: str, text: str) -> None:
    assert load_problems(tmp_path, text) == ["doc.yaml: empty file"]


def test_a_document_that_is_only_null_is_not_empty(tmp_path: Path) -> None:
    assert load(tmp_path, "~\n").data is None


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ("a: [1,\nb: 2\n", 3, 1, "flow sequence started at 1:4"),
        ("a: 'unterminated\n", 2, 1, "quoted scalar started at 1:4"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "block mapping started at 1:1"),
        ("a:\n\t- b\n", 2, 1, "YAML does not allow tabs for indentation, use spaces"),
    ],
)
def test_syntax_errors_point_at_the_problem(
    tmp_path: Path, parser: str, text: str, line: int, col: int, words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    [issue] = info.value.issues
    assert (issue.file, issue.line, issue.col) == ("doc.yaml", line, col)
    assert issue.message.startswith("YAML syntax error: ")
    assert words in issue.message
    assert str(info.value).startswith("doc.yaml: 1 problem\n")


def test_control_characters_are_located(tmp_path: Path) -> None:
    assert load_problems(tmp_path, "a: 1\nb: x\x07y\n") == [
        "doc.yaml:2:5: character U+0007 is not allowed in YAML"
    ]


# --------------------------------------------------------------------------- files


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert [str(i) for i in info.value.issues] == [f"{path}: file not found"]
    assert str(info.value).startswith(f"{path}: 1 problem")


def test_directory(tmp_path: Path) -> None:
    assert problems(lambda: load_yaml(tmp_path, display="frameworks")) == [
        "frameworks: is a directory, not a YAML file"
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a: 1\n")
    path.chmod(0)
    try:
        assert problems(lambda: load_yaml(path, display="doc.yaml")) == [
            "doc.yaml: cannot read the file: permission denied"
        ]
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(13, "Permission denied"), "cannot read the file: permission denied"),
        (OSError(5, "Input/output error"), "cannot read the file: Input/output error"),
    ],
)
def test_read_failures_name_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, expected: str
) -> None:
    def failing_open(*args: object, **kwargs: object) -> None:
        raise error

    path = write(tmp_path, "a: 1\n")
    monkeypatch.setattr(safe_yaml, "open", failing_open, raising=False)  # runs as root too
    assert problems(lambda: load_yaml(path, display="doc.yaml")) == [f"doc.yaml: {expected}"]


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\ntitle: caf\u00e9\n".encode("latin-1"))
    assert problems(lambda: load_yaml(path, display="latin1.yaml")) == [
        "latin1.yaml:2:11: not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8"
    ]


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    assert problems(lambda: load_yaml(path, display="utf16.yaml")) == [
        "utf16.yaml: the file is UTF-16; save it as UTF-8"
    ]
    path.write_bytes("a: 1\n".encode("utf-16-le"))
    [message] = problems(lambda: load_yaml(path, display="utf16.yaml"))
    assert message.startswith("utf16.yaml:1:2: character U+0000 is not allowed")
    assert "UTF-16" in message


def test_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_yaml, "MAX_BYTES", 64)
    path = write(tmp_path, "a: " + "x" * 62 + "\n")  # 66 bytes
    [message] = problems(lambda: load_yaml(path, display="big.yaml"))
    assert message.startswith("big.yaml: file is larger than")
    [message] = problems(lambda: parse_yaml("a: " + "é" * 31, "big.yaml"))  # 65 bytes
    assert message.startswith("big.yaml: YAML text is larger than")
    assert load_yaml(write(tmp_path, "a: " + "x" * 60 + "\n")).data == {"a": "x" * 60}


def test_the_real_cap_is_ten_mebibytes() -> None:
    assert safe_yaml.MAX_BYTES == 10 * 1024 * 1024


# --------------------------------------------------------------------------- properties

# PyYAML's emitter mangles NEL and the Unicode line/paragraph separators (yaml.safe_load
# reads them back as spaces too), so the round trip leaves them out, as it does lone
# surrogates (no UTF-8 file can hold one).
text = st.text(st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"), max_size=12)
keys = text
scalars = st.one_of(text, st.integers(min_value=-(2**70), max_value=2**70))
nested = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths_of(value, (*prefix, index))


@settings(max_examples=200, deadline=None)
@given(data=nested, flow=st.sampled_from([None, False, True]), unicode=st.booleans())
def test_round_trip_of_safe_dump(data: Any, flow: bool | None, unicode: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode)
    doc = parse_yaml(text, "prop.yaml")
    assert doc.data == data
    for path in paths_of(data):
        line, col = doc.positions[path]
        assert line >= 1 and col >= 1
        if path and isinstance(data, dict | list) and isinstance(path[-1], str):
            assert path in doc.key_positions
    assert set(doc.positions) == set(paths_of(data))


# --------------------------------------------------------------------------- layering


def test_safe_yaml_imports_only_errors_pydantic_yaml_and_stdlib() -> None:
    imported = imported_modules(safe_yaml.__file__)
    allowed_third_party = {"pydantic", "pydantic_core", "yaml"}
    for name in imported:
        top = name.split(".")[0]
        if top == "riskcards":
            assert name == "riskcards.errors", name
        else:
            assert top in allowed_third_party or top in sys.stdlib_module_names, name
