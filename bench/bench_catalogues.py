"""Benchmark: loading and validating every built-in catalogue, extension and crosswalk.

Prints figures; asserts nothing. The aim is well under a second.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from riskcards.load.catalogues import load_library, yaml_files
    from riskcards.load.safe_yaml import load_yaml
    from riskcards.resources import frameworks_dir

    files = yaml_files(frameworks_dir())
    size = sum(p.stat().st_size for p in files)
    times = []
    for _ in range(10):
        start = time.perf_counter()
        lib = load_library()
        times.append(time.perf_counter() - start)
    parse = []
    for _ in range(10):
        start = time.perf_counter()
        for p in files:
            load_yaml(p)
        parse.append(time.perf_counter() - start)
    controls = sum(len(c.controls) for c in lib.catalogues.values())
    pairs = sum(len(cw.pairs) for cw in lib.crosswalks)
    cold = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import riskcards.load.catalogues as c; c.load_library()"],
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        cold.append(time.perf_counter() - start)
    print(
        f"files {len(files)} ({size / 1024:.0f} KiB): {len(lib.catalogues)} catalogues, "
        f"{controls} controls, "
        f"{len(lib.crosswalks)} crosswalks, {pairs} pairs"
    )
    print(
        f"load + validate + lint, warm   {statistics.median(times) * 1000:8.1f} ms (median of 10)"
    )
    print(
        f"  of which YAML parsing        {statistics.median(parse) * 1000:8.1f} ms "
        f"({statistics.median(parse) / statistics.median(times):.0%})"
    )
    print(f"cold process incl. imports     {statistics.median(cold) * 1000:8.1f} ms (median of 3)")


if __name__ == "__main__":
    main()
