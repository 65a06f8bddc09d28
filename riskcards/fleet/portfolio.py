"""The portfolio: every model version of one or more fleet folders on one page (layer: fleet).

A models x frameworks matrix (verdict, blocking count, direct coverage), owners, waivers and
attestations expiring soon, stale evidence, the change since the previous portfolio in the
same place, and a link to every bundle. Written as ``portfolio.json``, ``portfolio.md`` and
``portfolio.html`` (a table sortable and filterable by an inline script, complete without
it), and ``portfolio.pdf`` on request. Built from the fleet records only: the same records
give the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from riskcards.bundle import write_file_atomically
from riskcards.errors import UsageError
from riskcards.fleet.record import Entry, FleetRecord, int_or, read_record
from riskcards.render.html import md_escape, render_template

PORTFOLIO = "portfolio"
SCHEMA = 1


def read_fleets(folders: Sequence[Path]) -> list[tuple[Path, FleetRecord]]:
    found = []
    for folder in folders:
        record = read_record(folder)
        if record is None:
            raise UsageError(f"{folder}: no fleet.json (give folders written by riskcards fleet)")
        found.append((folder, record))
    return found


def build(fleets: Sequence[tuple[Path, FleetRecord]], out: Path) -> dict[str, Any]:
    """The portfolio as plain data (what portfolio.json holds)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for folder, record in fleets:
        for e in record.entries:
            row = e.model_dump(mode="json", exclude={"key"})
            row["link"] = _link(folder, e, out)
            rows.setdefault((e.model, e.version), row)  # the first folder wins a duplicate
    ordered = [rows[k] for k in sorted(rows, key=lambda k: (k[0], int_or(k[1])))]
    titles = {c["catalogue_id"]: c["title"] for r in ordered for c in r["frameworks"]}
    previous = _previous(out)
    return {
        "schema_version": SCHEMA,
        "frameworks": [{"catalogue_id": k, "title": titles[k]} for k in sorted(titles)],
        "counts": {
            "versions": len(ordered),
            "blocking": sum(1 for r in ordered if r["blocking"]),
            "failed": sum(1 for r in ordered if r["status"] == "failed"),
            "unchanged": sum(1 for r in ordered if r["status"] == "unchanged"),
        },
        "entries": ordered,
        "changes": _changes(previous, ordered) if previous is not None else None,
    }


def _link(folder: Path, e: Entry, out: Path) -> str | None:
    if not e.bundle:
        return None
    target = folder.resolve() / e.bundle / (e.main or "")
    return Path(os.path.relpath(target, out.resolve())).as_posix()


def _previous(out: Path) -> list[dict[str, Any]] | None:
    path = out / f"{PORTFOLIO}.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return entries if isinstance(entries, list) else None


def _state(row: dict[str, Any]) -> str:
    return "failed" if row.get("status") == "failed" else str(row.get("verdict"))


def _changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Versions added, gone, or whose verdict changed since the previous portfolio."""
    old = {(str(r.get("model")), str(r.get("version"))): _state(r) for r in before}
    new = {(r["model"], r["version"]): _state(r) for r in after}
    changes = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0], int_or(k[1]))):
        was, now = old.get(key, "absent"), new.get(key, "absent")
        if was != now:
            changes.append({"model": key[0], "version": key[1], "before": was, "after": now})
    return changes


def portfolio_files(data: dict[str, Any], pdf: bool = False) -> dict[str, bytes]:
    """portfolio.json, .md, .html (and .pdf) from the portfolio data."""
    html = render_template("portfolio.html.j2", portfolio=data, cells=_cells(data))
    files = {
        f"{PORTFOLIO}.json": (json.dumps(data, indent=2, sort_keys=True) + "\n").encode(),
        f"{PORTFOLIO}.md": _markdown(data).encode(),
        f"{PORTFOLIO}.html": html.encode(),
    }
    if pdf:
        from riskcards.render.pdf import PdfJob, render_pdf

        files[f"{PORTFOLIO}.pdf"] = render_pdf(PdfJob(html=html)).content
    return files


def _cells(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    return {
        (r["model"], r["version"]): {c["catalogue_id"]: c for c in r["frameworks"]}
        for r in data["entries"]
    }


def write_portfolio(out: Path, data: dict[str, Any], pdf: bool = False) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror}") from None
    written = []
    for name, content in portfolio_files(data, pdf).items():
        write_file_atomically(out / name, content)
        written.append(out / name)
    return written


def _markdown(data: dict[str, Any]) -> str:
    fws = data["frameworks"]
    c = data["counts"]
    lines = [
        "# Portfolio",
        "",
        f"{c['versions']} model versions: {c['blocking']} blocking, {c['failed']} failed, "
        f"{c['unchanged']} unchanged since the previous run.",
        "",
        "| "
        + " | ".join(
            ["Model", "Version", "Verdict", "Owners", *(md_escape(f["title"]) for f in fws)]
        )
        + " | Bundle |",
        "|" + "---|" * (len(fws) + 5),
    ]
    cells = _cells(data)
    for r in data["entries"]:
        per = cells[(r["model"], r["version"])]
        marks = [
            f"{per[f['catalogue_id']]['verdict']} ({per[f['catalogue_id']]['blocking']} blocking, "
            f"{per[f['catalogue_id']]['direct_coverage']:.0%} direct)"
            if f["catalogue_id"] in per
            else "-"
            for f in fws
        ]
        verdict = f"error: {r['error']}" if r["status"] == "failed" else r["verdict"]
        link = f"[bundle](<{r['link']}>)" if r["link"] else "-"
        lines.append(
            f"| {md_escape(r['model'])} | {md_escape(r['version'])} | {md_escape(verdict)} | "
            f"{md_escape(', '.join(r['owners']) or '-')} | "
            + "".join(f"{m} | " for m in marks)
            + f"{link} |"
        )
    lines += _md_lists(data)
    return "\n".join(lines) + "\n"


def _md_lists(data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    expiring = [(r, x) for r in data["entries"] for x in r["expiring"]]
    stale = [(r, s) for r in data["entries"] for s in r["stale"]]
    sections = [
        ("Expiring waivers and attestations", [
            f"{x['kind']} {x['name']} expires {x['expires']} (in {x['days']} days)"
            for _, x in expiring], expiring),
        ("Stale evidence", [s for _, s in stale], stale),
    ]  # fmt: skip
    for title, texts, pairs in sections:
        lines += ["", f"## {title}", ""]
        lines += [
            f"- {md_escape(r['model'])} {md_escape(r['version'])}: {md_escape(t)}"
            for (r, _), t in zip(pairs, texts, strict=True)
        ] or ["None."]
    lines += ["", "## Change since the previous portfolio", ""]
    if data["changes"] is None:
        lines.append("No previous portfolio here.")
    else:
        lines += [
            f"- {md_escape(c['model'])} {md_escape(c['version'])}: {md_escape(c['before'])} "
            f"-> {md_escape(c['after'])}"
            for c in data["changes"]
        ] or ["No change."]
    return lines
