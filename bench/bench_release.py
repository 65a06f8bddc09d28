"""Benchmark: where the time of a release goes (load, assess, HTML, PDF) and `--help` start-up.

Prints figures; asserts nothing. Run: `make bench` or `.venv/bin/python bench/bench_release.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskcards.assess import assess
from riskcards.load.catalogues import load_frameworks
from riskcards.render import render
from tests.conftest import AS_OF, make_snapshot

# the default formats without PDF (what --no-pdf writes)
NO_PDF = ("html", "json", "md")


def timed(fn: Callable[[], object], repeats: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    t_load, loaded = timed(load_frameworks)
    ev = make_snapshot()
    t_assess, assessment = timed(lambda: assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF))  # type: ignore[union-attr]
    t_html, _ = timed(lambda: render(ev, assessment, loaded.catalogues, formats=NO_PDF))  # type: ignore[union-attr,arg-type]
    t_all, files = timed(lambda: render(ev, assessment, loaded.catalogues), repeats=3)  # type: ignore[union-attr,arg-type]
    from riskcards.render.pdf import html_to_pdf

    report = next(f for f in files if f.path == "gap-report-nist-ai-rmf.html")  # type: ignore[union-attr]
    t_report_pdf, _ = timed(lambda: html_to_pdf(report.content.decode()), repeats=3)
    help_times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "riskcards.cli", "--help"], check=True, capture_output=True
        )
        help_times.append(time.perf_counter() - start)
    print(f"load catalogues + mapping      {t_load * 1000:8.1f} ms")
    print(f"assess (72 NIST controls)      {t_assess * 1000:8.1f} ms")
    print(f"render HTML/JSON/MD            {t_html * 1000:8.1f} ms")
    print(
        f"render all incl. {sum(1 for f in files if f.path.endswith('.pdf'))} PDFs        "
        f"{t_all * 1000:8.1f} ms  "
        f"(PDF share {(t_all - t_html) / t_all:.0%})"
    )
    print(f"gap report PDF (72 controls)   {t_report_pdf * 1000:8.1f} ms")
    print(
        f"riskcards --help (subprocess)  {statistics.median(help_times) * 1000:8.1f} ms median of 5"
    )


if __name__ == "__main__":
    main()
