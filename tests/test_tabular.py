"""Issue 18, item 4: a logged table is decoded once per release, by column, and validated on
the same pass; what collection records and what analysis reads are exactly what they were
before (tests/tables_before_issue18.py keeps that reading as the reference)."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcards.analyse.inputs import AnalyticsInputError
from riskcards.analyse.tables import parse_table, read_table
from riskcards.collect.mlflow.artifacts import _as_text
from riskcards.models.evidence import TableArtifact
from riskcards.tabular import JsonColumns, Rejected, nesting_problem, read_json_table
from tests import tables_before_issue18 as before


def _doc(columns: Any, data: Any) -> bytes:
    return json.dumps({"columns": columns, "data": data}).encode()


LONG = "x" * 100_001
# name -> the bytes of a logged table: every shape the readers treat differently
JSON_TABLES: dict[str, bytes] = {
    "mixed": _doc(
        ["f", "i", "s", "n", "b", "l"],
        [[0.5, 1, "a", None, True, 0], [1.5, 2, None, 2.5, False, 1], [2.0, -3, "ü", 1, True, 1]],
    ),
    "int overflowing int64": _doc(["big", "neg"], [[2**64, -(2**63) - 1], [1, 2]]),
    "int overflowing int64 with null": _doc(["big"], [[2**70], [None]]),
    "int64 bounds": _doc(["i"], [[2**63 - 1], [-(2**63)]]),
    "ints and floats": _doc(["v"], [[1], [2.5], [None]]),
    "booleans with null": _doc(["b"], [[True], [None]]),
    "booleans and ints": _doc(["b"], [[True], [1]]),
    "all null": _doc(["n"], [[None], [None]]),
    "nested cells": _doc(["v", "d"], [[[1, [2]], {"k": [3]}], [[], {}]]),
    "equal-length list cells": _doc(["v"], [[[1, 2]], [[3, 4]]]),
    "strings with brackets and escapes": _doc(["s"], [['[{"]}\\'], ["\\\\"], ['"']]),
    "empty table": _doc(["a", "b"], []),
    "no columns": _doc([], []),
    "no columns, empty rows": _doc([], [[], []]),
    "no data key": json.dumps({"columns": ["a"]}).encode(),
    "extra keys": json.dumps({"columns": ["a"], "data": [[1]], "index": [0]}).encode(),
    "wrong width": _doc(["a", "b"], [[1, 2], [3], [4, 5, 6]]),
    "duplicate header": _doc(["a", "b", "a", "b"], [[1, 2, 3, 4]]),
    "header not strings": _doc(["a", 1], [[1, 2]]),
    "rows not lists": _doc(["a"], [[1], {"a": 2}]),
    "data not a list": json.dumps({"columns": ["a"], "data": {"a": 1}}).encode(),
    "not an object": b"[1, 2, 3]",
    "columns not a list": json.dumps({"columns": "a", "data": []}).encode(),
    "long cell": _doc(["s"], [["short"], [LONG]]),
    "long cell with nulls": _doc(["s"], [[None], [LONG]]),
    "long cell among numbers": _doc(["s"], [[1], [LONG], [0]]),
    "long cell in a list": _doc(["s"], [[[LONG]]]),
    "cell at the cap": _doc(["s"], [["x" * 100_000]]),
    "nesting 100": ('{"columns": ["v"], "data": [[' + "[" * 97 + "]" * 97 + "]]}").encode(),
    "nesting 101": ('{"columns": ["v"], "data": [[' + "[" * 98 + "]" * 98 + "]]}").encode(),
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "deep and broken": b"{" * 150 + b"x",
    "deep inside a string": _doc(["s"], [["[" * 500]]),
    "invalid JSON": b'{"columns": ["a"], "data": [[1,]]}',
    "not UTF-8": b'{"columns": ["a"], "data": [["\xff"]]}',
    "BOM": b"\xef\xbb\xbf" + _doc(["a"], [[1]]),
    "overlong integer": b'{"columns": ["a"], "data": [[' + b"9" * 5000 + b"]]}",
    "nan and infinity": b'{"columns": ["a"], "data": [[NaN], [Infinity], [-Infinity]]}',
    "empty": b"",
}
CSV_TABLES: dict[str, bytes] = {
    "csv types": b"a,b,c,d,e,f\n1,1.5,x,True,,NA\n2,,y,False,,3\n3,2.5,,True,,4\n",
    "csv BOM": b"\xef\xbb\xbfa,b\n1,x\n",
    "csv two BOMs": b"\xef\xbb\xbf\xef\xbb\xbfa,b\n1,x\n",
    "csv wrong width": b"a,b\n1\n",
    "csv duplicate header": b"a,a\n1,2\n",
    "csv long cell": b"a\n" + LONG.encode() + b"\n",
    "csv empty": b"",
    "csv header only": b"a,b\n",
    "csv not UTF-8": b"a\n\xff\n",
}


def _collected(data: bytes, fmt: str) -> tuple[str | None, str | None, object]:
    return _as_text(data, fmt)  # type: ignore[arg-type]


def _outcome(read: Any) -> Any:
    """A reading as comparable values: each column's dtype and values, or the error."""
    try:
        table = read()
    except AnalyticsInputError as error:
        return ("error", error.column, error.message)
    return {
        name: (str(column.dtype), repr(column.tolist()), column.flags.writeable)
        for name, column in table.columns.items()
    }


@pytest.mark.parametrize("name", sorted(JSON_TABLES))
def test_json_tables_read_as_before(name: str) -> None:
    data = JSON_TABLES[name]
    old_content, old_problem = before.collect_as_text(data, "json")
    content, problem, read = _collected(data, "json")
    assert (content, problem) == (old_content, old_problem)  # status and detail unchanged
    if content is None:
        assert read is None
        return
    assert isinstance(read, JsonColumns | Rejected)
    old = _outcome(lambda: before.parse_table(data, "t.json"))
    kept = _outcome(lambda: read_table(content, "t.json", format="json", read=read))
    again = _outcome(lambda: read_table(content, "t.json", format="json"))  # from evidence.json
    assert kept == old == again


@pytest.mark.parametrize("name", sorted(JSON_TABLES))
def test_parse_table_of_bytes_as_before(name: str) -> None:
    data = JSON_TABLES[name]
    if name == "overlong integer":  # collection never loads it (not valid JSON)
        with pytest.raises(ValueError, match="4300 digits"):  # before: a traceback
            before.parse_table(data, "t.json")
        assert _outcome(lambda: parse_table(data, "t.json"))[:2] == ("error", None)
        return
    assert _outcome(lambda: parse_table(data, "t.json")) == _outcome(
        lambda: before.parse_table(data, "t.json")
    )


def test_an_integer_past_float64_is_a_reason_not_a_crash() -> None:
    data = _doc(["big"], [[10**400], [1.5]])
    with pytest.raises(OverflowError):  # before: a traceback out of the release
        before.parse_table(data, "t.json")
    content, problem, read = _collected(data, "json")
    assert problem is None and content is not None
    with pytest.raises(AnalyticsInputError, match="a number too large for float64") as caught:
        read_table(content, "t.json", format="json", read=read)
    assert caught.value.column == "big"


@pytest.mark.parametrize("name", sorted(CSV_TABLES))
def test_csv_tables_read_as_before(name: str) -> None:
    data = CSV_TABLES[name]
    assert _collected(data, "csv")[:2] == before.collect_as_text(data, "csv")
    old = _outcome(lambda: before.parse_table(data, "t.csv"))
    assert _outcome(lambda: parse_table(data, "t.csv")) == old
    content = before.collect_as_text(data, "csv")[0]
    if content is not None:
        assert _outcome(lambda: read_table(content, "t.csv", format="csv")) == old


def test_parquet_reads_as_its_json_did() -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    frame = {"i": [1, 2, None], "f": [0.5, None, 1.5], "s": ["a", None, "c"], "b": [True] * 3}
    buffer = io.BytesIO()
    pq.write_table(pa.table(frame), buffer)
    content, problem, read = _collected(buffer.getvalue(), "parquet")
    assert problem is None and content is not None and read is None  # read where it is used
    old = _outcome(lambda: before.parse_table(content.encode(), "t.json"))
    assert _outcome(lambda: read_table(content, "t.parquet", format="json")) == old
    assert old["i"][0] == "float64" and old["b"][0] == "bool" and old["s"][0] == "object"


# --- the nesting scan, against the character-by-character one it replaces ------------------


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet='[]{}"\\ a,é', max_size=60), st.integers(0, 6))
def test_nesting_scan_agrees_with_the_old_one(text: str, limit: int) -> None:
    expected = before.nesting_problem(text, limit)
    assert nesting_problem(text, limit) == expected
    assert nesting_problem(text.encode(), limit) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[" * 101,
        "]" * 50 + "[" * 150,
        "[]" * 1000 + "[" * 101,
        '"' + "[" * 200 + '"',
        '"\\"' + "[" * 200 + '"',
        '"\\\\"' + "[" * 101,
        "[" * 100 + "]" * 100,
        "[" * 99 + "[]" * 10 + "]" * 99,
        "[" * 100 + "[]",
    ],
)
def test_nesting_scan_at_the_limit(text: str) -> None:
    assert nesting_problem(text) == before.nesting_problem(text)


# --- the columns travel with the artifact, outside its fields ------------------------------


def _artifact(content: str) -> TableArtifact:
    return TableArtifact(path="t.json", format="json", status="loaded", content=content)


def test_what_collection_read_is_taken_once_and_never_serialised() -> None:
    content = JSON_TABLES["mixed"].decode()
    read = read_json_table(content)
    artifact = _artifact(content).remembering(read)
    plain = _artifact(content)
    assert artifact == plain and hash(artifact) == hash(plain)
    assert artifact.model_dump_json() == plain.model_dump_json()
    back = TableArtifact.model_validate_json(artifact.model_dump_json())
    assert back == artifact and back.take_read() is None  # read back: analysis parses
    copied = artifact.model_copy(update={"content": content + " "})
    assert copied.take_read() is None  # other content: what was read is not its reading
    assert artifact.take_read() is read
    assert artifact.take_read() is None  # given once


# --- one decode per table through a real release ---------------------------------------------


@contextmanager
def counting_decodes(texts: dict[str, str]) -> Iterator[Counter[str]]:
    """How often each of ``texts`` (path -> text) goes through the JSON decoder."""
    decoder = json.JSONDecoder
    original = decoder.raw_decode
    by_text = {text: path for path, text in texts.items()}
    counts: Counter[str] = Counter()

    def raw_decode(self: json.JSONDecoder, s: str, idx: int = 0) -> tuple[Any, int]:
        if (path := by_text.get(s)) is not None:
            counts[path] += 1
        return original(self, s, idx)

    decoder.raw_decode = raw_decode  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        decoder.raw_decode = original  # type: ignore[method-assign]


def _log_run(uri: str) -> tuple[str, dict[str, str]]:
    """A classifier logged as MLflow's docs log one, with its predictions and samples as
    tables; returns the run id and the JSON text of every table logged."""
    import mlflow
    import pandas as pd
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from tests.collect.mlflow.support import mlflow_at

    x, y = load_breast_cancer(return_X_y=True, as_frame=True)
    x = x.iloc[:, :5]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.4, random_state=0)
    model = LogisticRegression(max_iter=2000).fit(x_train, y_train)
    predictions = pd.DataFrame(
        {
            "label": y_test.to_numpy(),
            "score": model.predict_proba(x_test)[:, 1],
            "prediction": model.predict(x_test),
            "size": pd.Series(x_test["mean radius"] > 14).map({True: "large", False: "small"}),
        }
    )
    with mlflow_at(uri):
        mlflow.set_experiment("one-parse")
        with mlflow.start_run() as run:
            mlflow.log_metric("accuracy", float(model.score(x_test, y_test)))
            mlflow.log_table(predictions, "eval/predictions.json")
            mlflow.log_table(x_train.assign(label=y_train.to_numpy()), "data/train.json")
            mlflow.log_table(x_test.assign(label=y_test.to_numpy()), "data/eval.json")
            mlflow.log_text('{"columns": ["a", "a"], "data": [[1, 2]]}', "eval/dup.json")
            mlflow.log_text("{not json", "eval/broken.json")
        client = mlflow.MlflowClient()
        texts = {}
        for path in ("eval/predictions.json", "data/train.json", "data/eval.json", "eval/dup.json"):
            local = client.download_artifacts(run.info.run_id, path)
            texts[path] = Path(local).read_text()
    return run.info.run_id, texts


PROJECT = """\
schema_version: 1
analytics:
  attributes: [size]
  reference_table: data/train.json
  current_table: data/eval.json
"""


@pytest.mark.integration
def test_a_release_decodes_each_table_once(tmp_path: Path) -> None:
    from riskcards.api import LoadOptions, ReleaseOptions, load_inputs, release
    from tests.conftest import AS_OF

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run_id, texts = _log_run(uri)
    (tmp_path / "riskcards.yaml").write_text(PROJECT)
    inputs = load_inputs(LoadOptions(config=tmp_path / "riskcards.yaml"))
    options = ReleaseOptions(tracking_uri=uri, as_of=AS_OF, pdf=False)
    with counting_decodes(texts) as decodes:
        done = release(inputs, tmp_path / "out", f"runs:/{run_id}", options)
    assert decodes == dict.fromkeys(texts, 1)
    evidence = json.loads((done.out / "evidence.json").read_text())
    tables = {t["path"]: t for t in evidence["run"]["tables"]}
    assert {p: t["status"] for p, t in tables.items()} == {
        **dict.fromkeys(texts, "loaded"),
        "eval/broken.json": "unreadable",
    }
    assert tables["eval/broken.json"]["detail"] == "not valid JSON (line 1)"
    assert tables["eval/predictions.json"]["content"] == texts["eval/predictions.json"]
    # the tables were used: measured from the predictions, drift between the samples
    analytics = json.loads((done.out / "analytics.json").read_text())
    measured = {key: m["table"] for key, m in analytics["measures"].items()}
    assert measured["calibration.ece"] == "eval/predictions.json"
    assert measured["drift.max_psi"] == "data/eval.json"
    assert analytics["failures"] == []
    assert analytics["predictions"][0]["slices"]["kind"] != "failure"


def test_a_snapshot_read_back_is_parsed_once_per_analysis() -> None:
    from riskcards.analyse import analyse
    from riskcards.models.project import AnalyticsSettings
    from tests.conftest import make_snapshot

    rows = [[0, 0.2], [1, 0.7], [1, 0.9], [0, 0.4]] * 10
    text = json.dumps({"columns": ["label", "score"], "data": rows})
    snapshot = make_snapshot(tables=(_artifact(text),))
    with counting_decodes({"t.json": text}) as decodes:
        result = analyse(snapshot, AnalyticsSettings())
    assert decodes == {"t.json": 1}  # two passes over the tables, one decode
    assert [p.source.table for p in result.predictions] == ["t.json"]
    assert result.measures["calibration.ece"].rows == 40
