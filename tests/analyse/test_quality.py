"""Data quality against pandas, and the PII scan's promise never to hold a value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskcards.analyse.kernels import (
    AnalyticsInputError,
    Source,
    measure_class_balance,
    measure_duplicates,
    measure_leakage,
    measure_missingness,
    scan_pii,
)
from riskcards.analyse.pii import luhn_valid


def _frame(seed: int, n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "income": rng.integers(1, 6, n).astype(np.float64) * 10_000,
        "years": rng.integers(0, 3, n),
        "sex": rng.choice(np.array(["female", "male"], dtype=object), n),
        "flag": rng.random(n) < 0.5,
    }


def test_class_balance() -> None:
    result = measure_class_balance(np.array([0] * 90 + [1] * 10), column="default")
    assert result.counts == {"0": 90, "1": 10}
    assert result.imbalance_ratio == 9.0
    assert result.column == "default" and result.rows == 100
    strings = measure_class_balance(np.array(["no", "yes", "no", "maybe"], dtype=object))
    assert strings.counts == {"maybe": 1, "no": 2, "yes": 1} and strings.imbalance_ratio == 2.0
    assert measure_class_balance([1, 1, 1]).imbalance_ratio == float("inf")


def test_missingness_matches_pandas() -> None:
    columns = {
        "a": np.array([1.0, np.nan, 3.0, np.nan]),
        "b": np.array(["x", None, "y", float("nan")], dtype=object),
        "c": np.array([1, 2, 3, 4]),
        "d": np.array(["2024-01-01", "NaT", "2024-01-03", "2024-01-04"], dtype="datetime64[D]"),
    }
    result = measure_missingness(columns, source=Source(table="data/train.csv"))
    expected = pd.DataFrame(columns).isna().sum()
    assert {c.column: c.missing for c in result.columns} == expected.to_dict()
    assert [c.share for c in result.columns] == [0.5, 0.5, 0.0, 0.25]
    assert result.rows == 4 and result.source.table == "data/train.csv"


@pytest.mark.parametrize("seed", range(4))
def test_duplicates_match_pandas(seed: int) -> None:
    columns = _frame(seed, 2000)
    result = measure_duplicates(columns)
    assert result.duplicate_rows == pd.DataFrame(columns).duplicated().sum()
    subset = measure_duplicates(columns, subset=["income", "sex"])
    assert subset.duplicate_rows == pd.DataFrame(columns).duplicated(subset=["income", "sex"]).sum()
    assert subset.columns == ("income", "sex")


def test_duplicates_treat_equal_values_as_equal() -> None:
    columns = {
        "x": np.array([0.0, -0.0, np.nan, np.nan, 3.0]),
        "s": np.array(["a", "a", None, None, "b"], dtype=object),
    }
    assert measure_duplicates(columns).duplicate_rows == 2
    # an integer column and a float column with the same numbers hash alike
    assert measure_duplicates({"x": np.array([1, 2, 1])}).duplicate_rows == 1


def test_duplicates_of_json_lists() -> None:
    cells = np.empty(3, dtype=object)
    cells[:] = [[1, 2], [1, 2], {"a": 1}]
    assert measure_duplicates({"embedding": cells}).duplicate_rows == 1


@pytest.mark.parametrize("seed", range(3))
def test_leakage_matches_a_pandas_merge(seed: int) -> None:
    train = _frame(seed, 1500)
    evaluation = _frame(seed + 100, 700)
    result = measure_leakage(
        train,
        evaluation,
        reference_source=Source(table="train.csv"),
        current_source=Source(table="eval.csv"),
    )
    keys = list(train)
    seen = pd.DataFrame(train).drop_duplicates()
    merged = pd.DataFrame(evaluation).merge(seen, on=keys, how="left", indicator=True)
    assert result.leaked_rows == (merged["_merge"] == "both").sum()
    assert result.columns == tuple(keys)
    assert (result.reference_rows, result.current_rows) == (1500, 700)
    assert result.share == result.leaked_rows / 700


def test_leakage_compares_numbers_by_value() -> None:
    train = {"x": np.array([1, 2, 3]), "s": np.array(["a", "b", "c"])}
    evaluation = {"x": np.array([1.0, 2.5, 3.0]), "s": np.array(["a", "b", "d"], dtype=object)}
    assert measure_leakage(train, evaluation).leaked_rows == 1
    with pytest.raises(AnalyticsInputError, match="shares no column"):
        measure_leakage({"a": [1]}, {"b": [1]})
    with pytest.raises(AnalyticsInputError) as caught:
        measure_leakage(train, evaluation, subset=["x", "missing"])
    assert caught.value.column == "missing"


# --- PII ------------------------------------------------------------------------------------

VALID_CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "6011111111111117"]
INVALID_CARDS = ["4111 1111 1111 1112", "1234567812345678", "0000 0000 0000 0000"]


def test_luhn() -> None:
    digits = [c.replace(" ", "").replace("-", "") for c in VALID_CARDS + INVALID_CARDS]
    assert luhn_valid(digits).tolist() == [True] * 4 + [False] * 3
    assert luhn_valid([]).tolist() == []


@pytest.mark.parametrize(
    ("category", "found", "not_found"),
    [
        (
            "email",
            ["mail alice.smith+x@example.co.uk now", "bob@mail.example.org"],
            ["alice at example dot org", "a@b", "@home"],
        ),
        (
            "phone",
            [
                "+44 20 7946 0958",
                "call (555) 123-4567",
                "555.123.4567",
                "+14155552671",
                "020 7946 0958",
            ],
            ["2024-01-15", "192.168.1.1", "order 1234567", "4111 1111 1111 1111", "123-45-6789"],
        ),
        ("card_number", VALID_CARDS, [*INVALID_CARDS, "+44 20 7946 0958"]),
        (
            "national_id",
            ["ssn 123-45-6789", "JG 10 37 59 A", "AB123456D"],
            ["000-12-3456", "666-12-3456", "123-00-6789", "12-345-6789"],
        ),
        (
            "ip_address",
            ["from 192.168.0.1.", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1"],
            ["999.1.1.1", "1.2.3", "12:30:45", "std::vector"],
        ),
    ],
)
def test_each_category(category: str, found: list[str], not_found: list[str]) -> None:
    values = np.array([*found, *not_found], dtype=object)
    result = scan_pii({"notes": values})
    counts = {f.category: f.rows for f in result.findings}
    hits = scan_pii({"notes": np.array(found, dtype=object)})
    assert {f.category: f.rows for f in hits.findings}.get(category) == len(found)
    misses = scan_pii({"notes": np.array(not_found, dtype=object)})
    assert category not in {f.category for f in misses.findings}
    assert counts[category] == len(found)


def test_pii_report_never_contains_a_value() -> None:
    secrets = [
        "alice.secret@example.org",
        "4111 1111 1111 1111",
        "123-45-6789",
        "+44 20 7946 0958",
        "10.1.2.3",
    ]
    column = np.array(
        [f"row {i}: {s}" for i, s in enumerate(secrets)] * 3 + ["nothing here", None], dtype=object
    )
    result = scan_pii(
        {"free_text": column, "amount": np.arange(len(column))}, source=Source(table="t.csv")
    )
    assert result.columns_scanned == ("free_text",)  # numbers are not scanned
    assert {f.category: f.rows for f in result.findings} == {
        "email": 3,
        "phone": 3,
        "card_number": 3,
        "national_id": 3,
        "ip_address": 3,
    }
    assert all(f.share == 3 / 17 for f in result.findings)
    rendered = result.model_dump_json() + repr(result) + str(result.model_dump())
    for secret in [*secrets, "alice", "4111", "6789", "7946", "10.1.2"]:
        assert secret not in rendered


def test_pii_rows_count_once_and_chunks_join() -> None:
    # two e-mails in one row count one row; rows across chunks (16,384 rows) are counted
    many = np.array(["x"] * 70_000 + ["a@example.org and b@example.org"] * 2, dtype=object)
    result = scan_pii({"c": many})
    assert [(f.category, f.rows) for f in result.findings] == [("email", 2)]


def test_pii_maps_matches_to_the_right_row() -> None:
    values = np.array(["", "a\x00b", "c@example.org", "", "192.168.1.1"], dtype=object)
    result = scan_pii({"c": values})
    assert {f.category: f.rows for f in result.findings} == {"email": 1, "ip_address": 1}


def test_bad_quality_input() -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_missingness({"a": [1, 2], "b": [1]}, source=Source(table="t"))
    assert (caught.value.table, caught.value.column) == ("t", "b")
    with pytest.raises(AnalyticsInputError) as caught:
        measure_duplicates({"a": [1]}, subset=["zz"])
    assert caught.value.column == "zz"


def test_pii_prefilters_keep_the_counts_of_a_row_by_row_scan() -> None:
    """Issue 18: the per-category prefilters only skip rows that cannot match. Every
    detector run on each row alone gives the same counts, also for digits outside ASCII
    (which `\\d` matches), text beyond Latin-1, NULs inside values and empty rows."""
    from riskcards.analyse import pii

    rng = np.random.default_rng(18)
    pieces = [
        "a@example.org",
        "+44 20 7946 0958",
        "(555) 123-4567",
        "4111 1111 1111 1111",
        "123-45-6789",
        "JG 10 37 59 A",
        "10.0.0.1",
        "2001:db8::1",
        "2026-03-14",
        "",
        "+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨",
        "١٢٣-٤٥-٦٧٨٩",
        "电话 020 7946 0958",
        "Zoë",
        "a\x00b@c.org",
        "x",
        "version 2.3.1",
        "AB123456D",
        "::ffff:10.0.0.1",
        "Ünïcödé 12",
        "ticket 48213",
    ]
    rows = [
        " ".join(pieces[i] for i in rng.integers(0, len(pieces), int(rng.integers(0, 3))))
        for _ in range(3000)
    ]
    rows += ["", "+٤٤٢٠٧٩٤٦٠٩٥٨"]  # an empty row and a digit run of Arabic-Indic digits last
    expected = {
        category: sum(1 for row in rows if detect(row))
        for category, detect in pii._DETECTORS.items()
    }
    found = scan_pii({"notes": np.array(rows, dtype=object)})
    assert {f.category: f.rows for f in found.findings} == {c: n for c, n in expected.items() if n}
    assert all(expected.values())  # every category is exercised


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pii_counts_equal_a_plain_regex_scan_of_hostile_strings(seed: int) -> None:
    """Random strings over the characters the prefilters and patterns care about (digits of
    several scripts, separators, capitals, '@', ':', '+', ')', NUL, text beyond Latin-1):
    the chunked, prefiltered scan counts exactly the rows in which each detector, run on the
    row alone, finds a match; and where a plain regex is the whole test, the rows
    ``re.search`` finds."""
    import re

    from riskcards.analyse import pii

    rng = np.random.default_rng(seed)
    alphabet = [
        *"0123456789" * 6,
        *"  ..--::@+()ABDQZxé\x00",
        "\u0664",
        "\u0662",
        "电",
        "\U0001f600",
    ]
    pieces = ["4111 1111 1111 1111", "JG 10 37 59 A", "123-45-6789", "a@b.co", "::1"]
    rows = []
    for _ in range(4000):
        chars = rng.choice(alphabet, int(rng.integers(0, 30))).tolist()
        if rng.random() < 0.2:  # now and then a real match, somewhere inside
            chars.insert(int(rng.integers(0, len(chars) + 1)), pieces[int(rng.integers(0, 5))])
        rows.append("".join(chars))
    found = {f.category: f.rows for f in scan_pii({"t": np.array(rows, dtype=object)}).findings}
    for category, detect in pii._DETECTORS.items():
        assert found.get(category, 0) == sum(1 for r in rows if detect(r)), category
    for category, pattern in (
        ("email", pii._EMAIL),
        ("phone", pii._PHONE),
        ("national_id", pii._NATIONAL_ID),
    ):
        expected = sum(1 for r in rows if re.search(pattern, r))
        assert found.get(category, 0) == expected, category
    assert all(found.get(c, 0) > 0 for c in pii.CATEGORIES)


def test_mask_pii_masks_luhn_valid_cards_in_any_digits() -> None:
    from riskcards.analyse.pii import mask_pii

    arabic_indic = "4111 1111 1111 1111".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    text = f"card {arabic_indic}, 4111-1111-1111-1111 or 1234 5678 9012 3456; a@b.org"
    assert mask_pii(text) == (
        "card [card_number], [card_number] or 1234 5678 9012 3456; [email]",
        ("email", "card_number"),
    )
    assert luhn_valid(["4111111111111111", "1234567890123456", "0000000000000"]).tolist() == [
        True,
        False,
        False,
    ]


def test_pii_rows_longer_than_the_counts_hold() -> None:
    """A row of 65,536 characters or more may overflow the prefilters' 16-bit counts: it is
    scanned whatever they say."""
    from riskcards.analyse import pii

    rows = [
        # 65,536 dots or digits in all: a 16-bit count would read 0
        "." * 65_535 + " mail a@b.org",
        "." * 65_533 + " from 10.0.0.1",
        "7" * 65_524 + " call +44 20 7946 0958",
        "x" * 65_536 + " 4111 1111 1111 1111, 123-45-6789",
        "short 2026-03-14",
    ]
    found = scan_pii({"t": np.array(rows, dtype=object)})
    expected = {c: sum(1 for r in rows if detect(r)) for c, detect in pii._DETECTORS.items()}
    assert {f.category: f.rows for f in found.findings} == {c: n for c, n in expected.items() if n}
    assert all(expected.values())  # every category is exercised
