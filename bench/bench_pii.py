"""Benchmark: the PII scan against the pandas ``str.contains`` equivalent, same strings.

The bench's strings: a column of mostly ordinary values (names, places, order notes, dates,
amounts) with personal data mixed in at 2% per category (e-mail addresses, phone numbers,
Luhn-valid card numbers, US social security numbers, IPv4 addresses). The pandas equivalent
runs ``Series.str.contains`` with riskcards' own pattern per category, so both count the
same rows.

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_pii.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskcards.analyse import pii

PLAIN = (
    "Anna Schmidt",
    "Rua das Flores, Lisboa",
    "order shipped in 3 parcels",
    "returned: size M",
    "2026-03-14",
    "EUR 1,299.00",
    "Premium plan, renews yearly",
    "Kowalski, Jan",
    "call back after 5pm",
    "no remarks",
    "Flat 4B, 221 Baker Street",
    "ticket #48213 closed",
    "version 2.3.1",
    "approved by branch 017",
    "López García, María",
    "",
)


def _card(rng: np.random.Generator) -> str:
    """A 16-digit Visa-like number that passes the Luhn check, in groups of four."""
    digits = [int(d) for d in rng.integers(0, 10, 15)]
    digits[0] = 4
    total = 0
    for i, d in enumerate(reversed(digits)):  # the check digit goes on the right
        total += (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return " ".join(text[i : i + 4] for i in range(0, 16, 4))


def bench_strings(n: int, seed: int = 18) -> np.ndarray:
    """``n`` strings: ordinary values with 2% of each kind of personal data mixed in."""
    rng = np.random.default_rng(seed)
    out = np.array(PLAIN, dtype=object)[rng.integers(0, len(PLAIN), n)]
    kinds = rng.random(n)
    for i in np.flatnonzero(kinds < 0.10).tolist():
        number = int(rng.integers(100, 999))
        out[i] = (
            f"contact me at user{number}@example.org please",
            f"tel. +44 20 7946 0{number}",
            f"paid with {_card(rng)}",
            f"SSN {number}-45-6789 on file",
            f"login from 10.{number % 256}.0.{number % 200 + 1}",
        )[int(kinds[i] * 50)]  # 2% each
    return out


def pandas_counts(strings: np.ndarray) -> dict[str, int]:
    """Rows per category with pandas ``str.contains`` and the same patterns."""
    import pandas as pd

    series = pd.Series(strings)
    patterns = {
        "email": pii._EMAIL,
        "phone": pii._PHONE,
        "card_number": pii._CARD,
        "national_id": pii._NATIONAL_ID,
        "ip_address": pii._IPV4,
    }
    return {name: int(series.str.contains(p).sum()) for name, p in patterns.items()}


def main() -> None:
    strings = bench_strings(200_000)
    ours, theirs = [], []
    found: dict[str, int] = {}
    counts: dict[str, int] = {}
    for _ in range(3):  # interleaved: the same load for both
        start = time.perf_counter()
        scan = pii.scan_pii({"text": strings})
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        counts = pandas_counts(strings)
        theirs.append(time.perf_counter() - start)
        found = {f.category: f.rows for f in scan.findings}
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"PII scan of {len(strings):,} strings, medians of 3 interleaved")
    print(f"  riskcards scan_pii      {t_ours:.3f} s  {dict(sorted(found.items()))}")
    print(f"  pandas str.contains     {t_theirs:.3f} s  {dict(sorted(counts.items()))}")
    print(f"  speed-up x{t_theirs / t_ours:.1f} (aim >= 5); same counts: {found == counts}")


if __name__ == "__main__":
    main()
