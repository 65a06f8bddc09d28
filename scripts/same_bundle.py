"""Show that a change leaves the release bundle byte-identical (run by hand, not by the tests).

    .venv/bin/python scripts/same_bundle.py [--base REV] [--keep DIR]

Logs the demo once with the base revision (a git worktree of REV, default HEAD~1), then
renders the same evidence snapshot, with the same project file and as-of time, with the base
revision and with the working tree: ``release`` (every format: HTML, PDF, JSON, Markdown) and
``check --junit``. Every file of the two bundles is compared byte for byte. Allowed
differences, each listed: the riskcards version string, and in manifest.json the sha256 of
input files (catalogues, mappings) whose bytes differ between the two revisions. Exit 0 when
nothing else differs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-12-01T00:00:00Z"


def _riskcards(tree: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env["PYTHONPATH"] = str(tree)  # this tree's riskcards, ahead of the editable install
    return subprocess.run(
        [sys.executable, "-m", "riskcards.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _version(tree: Path) -> str:
    for line in (tree / "riskcards" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip("\"'")
    raise SystemExit(f"no __version__ in {tree}")


def _changed_inputs(base: str) -> set[str]:
    """Files under frameworks/ whose bytes differ between the base and the working tree."""
    out = subprocess.run(
        ["git", "diff", "--name-only", base, "--", "frameworks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


def _manifest_differences(a: Path, b: Path, changed: set[str]) -> tuple[list[str], list[str]]:
    """(inputs whose hash differs because the file changed, every other difference)."""
    ma, mb = json.loads(a.read_text()), json.loads(b.read_text())
    explained, problems = [], []
    for key in sorted(set(ma) | set(mb)):
        if key == "inputs":
            ia = {i["name"]: i for i in ma["inputs"]}
            ib = {i["name"]: i for i in mb["inputs"]}
            for name in sorted(set(ia) | set(ib)):
                if ia.get(name) == ib.get(name):
                    continue
                if name in changed:
                    explained.append(name)
                else:
                    problems.append(f"manifest.json inputs: {name}")
        elif ma.get(key) != mb.get(key):
            problems.append(f"manifest.json: {key}")
    return explained, problems


def _compare(base_out: Path, head_out: Path, changed: set[str], versions: tuple[str, str]):
    files_a = {p.relative_to(base_out) for p in base_out.rglob("*") if p.is_file()}
    files_b = {p.relative_to(head_out) for p in head_out.rglob("*") if p.is_file()}
    same, allowed, problems = [], [], []
    for rel in sorted(files_a ^ files_b):
        problems.append(f"{rel}: only in {'base' if rel in files_a else 'working tree'}")
    for rel in sorted(files_a & files_b):
        a, b = base_out / rel, head_out / rel
        if filecmp.cmp(a, b, shallow=False):
            same.append(rel)
            continue
        if versions[0] != versions[1]:
            va, vb = (v.encode() for v in versions)
            if a.read_bytes().replace(va, vb) == b.read_bytes():
                allowed.append(f"{rel}: version string only")
                continue
        if rel.name == "manifest.json":
            explained, rest = _manifest_differences(a, b, changed)
            if not rest:
                allowed.append(f"{rel}: only the sha256 of inputs that changed: {explained}")
                continue
            problems += rest
            continue
        problems.append(f"{rel}: bytes differ")
    return same, allowed, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD~1", help="the revision to compare with")
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="same-bundle-"))
    base_tree = work / "base"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(base_tree), args.base],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        demo = _riskcards(base_tree, "demo", "--out", str(work / "demo"), cwd=work)
        if demo.returncode != 0:
            print(demo.stderr)
            return 1
        snapshot = work / "demo" / "bundle" / "evidence.json"
        config = work / "demo" / "riskcards.yaml"
        common = ["--evidence", str(snapshot), "--config", str(config), "--as-of", AS_OF]
        outputs = {}
        for name, tree in (("base", base_tree), ("head", ROOT)):
            out = work / f"bundle-{name}"
            done = _riskcards(tree, "release", *common, "--out", str(out), cwd=work)
            check = _riskcards(
                tree, "check", *common, "--junit", str(out.with_suffix(".junit.xml")), cwd=work
            )
            if done.returncode != 0 or check.returncode not in (0, 1):
                print(f"{name}: release or check failed:\n{done.stderr}{check.stderr}")
                return 1
            (out.parent / f"{out.name}.check.txt").write_text(check.stdout + check.stderr)
            outputs[name] = out
        versions = (_version(base_tree), _version(ROOT))
        same, allowed, problems = _compare(
            outputs["base"], outputs["head"], _changed_inputs(args.base), versions
        )
        for suffix in (".junit.xml", ".check.txt"):
            a, b = (work / f"bundle-{n}{suffix}" for n in ("base", "head"))
            (same if a.read_bytes() == b.read_bytes() else problems).append(Path(a.name))
        print(f"base {args.base} ({versions[0]}) against the working tree ({versions[1]})")
        print(f"identical: {len(same)} files")
        for line in [*allowed, *problems]:
            print(("allowed:   " if line in allowed else "DIFFERS:   ") + str(line))
        return 1 if problems else 0
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT)
        if args.keep:
            keep = shutil.ignore_patterns("base")
            shutil.copytree(work, args.keep, dirs_exist_ok=True, ignore=keep)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
