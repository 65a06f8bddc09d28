"""Reading logged tables from bytes: MLflow's log_table JSON, CSV and parquet."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskcards.analyse.kernels import AnalyticsInputError, Table, measure_calibration, parse_table


def _predictions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": [0, 1, 1, 0],
            "score": [0.1, 0.8, np.nan, 0.3],
            "prediction": [0, 1, 1, 0],
            "sex": ["female", "male", None, "female"],
            "ok": [True, False, True, True],
        }
    )


def test_mlflow_log_table_json() -> None:
    # mlflow.log_table writes DataFrame.to_json(orient="split", index=False)
    data = _predictions_frame().to_json(orient="split", index=False).encode()
    table = parse_table(data, "eval/predictions.json")
    assert list(table.columns) == ["label", "score", "prediction", "sex", "ok"]
    assert table.columns["label"].dtype == np.int64
    assert table.columns["score"].dtype == np.float64 and np.isnan(table.columns["score"][2])
    assert table.columns["sex"].tolist() == ["female", "male", None, "female"]
    assert table.columns["ok"].dtype == bool
    assert table.rows == 4
    assert table.sha256 == hashlib.sha256(data).hexdigest()
    assert table.source.table == "eval/predictions.json"


def test_json_cells_that_are_lists_stay_objects() -> None:
    data = json.dumps({"columns": ["v", "n"], "data": [[[1, 2], 1], [[3], None]]}).encode()
    table = parse_table(data, "t.json")
    assert table.columns["v"].dtype == object and table.columns["v"][0] == [1, 2]
    assert table.columns["n"].dtype == np.float64


def test_csv_types() -> None:
    text = "a,b,c,d,e,f\n1,1.5,x,True,,NA\n2,,y,False,,3\n3,2.5,,True,,4\n"
    table = parse_table(text.encode(), "data/train.csv")
    a, b, c, d, e, f = (table.columns[k] for k in "abcdef")
    assert a.dtype == np.int64 and a.tolist() == [1, 2, 3]
    assert b.dtype == np.float64 and np.isnan(b[1])
    assert c.tolist() == ["x", "y", None]
    assert d.dtype == bool and d.tolist() == [True, False, True]
    assert e.dtype == np.float64 and np.isnan(e).all()
    assert f.dtype == np.float64 and np.isnan(f[0]) and f[2] == 4.0


def test_csv_written_by_pandas_round_trips() -> None:
    frame = pd.DataFrame(
        {
            "income": [38000.0, 41250.5],
            "late": [0, 3],
            "sex": ["female", "male"],
            "note": ['a "quoted", text', "b"],
        }
    )
    table = parse_table(frame.to_csv(index=False).encode(), "frame.csv")
    for name in frame:
        assert table.columns[name].tolist() == frame[name].tolist()


def test_parquet() -> None:
    pytest.importorskip("pyarrow")
    buffer = io.BytesIO()
    _predictions_frame().to_parquet(buffer, index=False)
    table = parse_table(buffer.getvalue(), "eval/predictions.parquet")
    assert table.columns["label"].tolist() == [0, 1, 1, 0]
    assert np.isnan(table.columns["score"][2])
    assert table.columns["sex"].tolist() == ["female", "male", None, "female"]


def test_columns_are_read_only() -> None:
    table = parse_table(b"a\n1\n2\n", "t.csv")
    with pytest.raises(ValueError, match="read-only"):
        table.columns["a"][0] = 5
    # measurements accept read-only arrays
    ro = Table.of("t", {"y": np.array([0, 1]), "p": np.array([0.2, 0.9])})
    assert measure_calibration(ro.column("y"), ro.column("p")).rows == 2


def test_missing_column_suggests_near_names() -> None:
    table = parse_table(b"label,score\n0,0.5\n", "eval/predictions.csv")
    with pytest.raises(AnalyticsInputError) as caught:
        table.column("scores")
    assert caught.value.table == "eval/predictions.csv" and caught.value.column == "scores"
    assert "did you mean 'score'?" in caught.value.message


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"{not json", "t.json", "not valid JSON"),
        (b'{"rows": []}', "t.json", 'expected {"columns"'),
        (
            b'{"columns": ["a", "b"], "data": [[1, 2], [3]]}',
            "t.json",
            "row 1 has 1 values but the header has 2",
        ),
        (b'{"columns": ["a", "a"], "data": []}', "t.json", "appears more than once"),
        (b"a,b\n1,2\n3\n", "t.csv", "row 1 has 1 values but the header has 2"),
        (b"", "t.csv", "is empty"),
        (b"\xff\xfe", "t.csv", "not UTF-8"),
        (b"a", "t.xlsx", "unknown table format"),
        (b"not parquet", "t.parquet", "not a readable parquet file"),
    ],
)
def test_bad_tables(data: bytes, name: str, words: str) -> None:
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    with pytest.raises(AnalyticsInputError) as caught:
        parse_table(data, name)
    assert caught.value.table == name
    assert words in str(caught.value)


def test_empty_tables_parse_and_measurements_reject_them() -> None:
    table = parse_table(b'{"columns": ["label", "score"], "data": []}', "t.json")
    assert table.rows == 0
    with pytest.raises(AnalyticsInputError, match="has no rows"):
        measure_calibration(table.column("label"), table.column("score"))


@pytest.mark.integration
def test_a_table_logged_with_mlflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real thing: MlflowClient.log_table into a local store, read back as bytes."""
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("t", artifact_location=str(tmp_path / "artifacts"))
    run = client.create_run(experiment)
    client.log_table(run.info.run_id, _predictions_frame(), "eval/predictions.json")
    path = client.download_artifacts(run.info.run_id, "eval/predictions.json", str(tmp_path))
    table = parse_table(Path(path).read_bytes(), "eval/predictions.json")
    assert table.columns["label"].tolist() == [0, 1, 1, 0]
    assert table.columns["sex"].tolist() == ["female", "male", None, "female"]
    assert table.columns["ok"].dtype == bool
