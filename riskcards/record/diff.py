"""What changed between two bundles (layer: record): statuses, metrics, datasets, decisions.

Both bundles are read as ``{path: bytes}``, so a bundle on disk and one still in memory
compare the same way. Regressions come first: a control whose status got worse
(met -> partial -> gap), ranked by :data:`RANK`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

import yaml

from riskcards.models.bundle import BundleFile
from riskcards.models.record import RELEASE_RECORD

DIFF_KIND = "diff"
DIFF_FILES = ("diff.json", "diff.md", "diff.html")
# how good a control status is: a move to a higher rank is a regression
RANK = {"met": 0, "not_applicable": 0, "waived": 1, "partial": 1, "not_assessed": 2, "gap": 3}


def read_bundle(folder: Path) -> dict[str, bytes]:
    """The files of a bundle on disk that a diff reads."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (p.suffix in (".json", ".yaml", ".yml"))
    }


def _json(files: Mapping[str, bytes], path: str) -> Any:
    try:
        return json.loads(files[path]) if path in files else None
    except ValueError:
        return None


def _controls(files: Mapping[str, bytes]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path in sorted(files):
        if path.startswith("gap-report-") and path.endswith(".json"):
            report = _json(files, path) or {}
            for c in report.get("controls", []):
                found[(c["catalogue_id"], c["control_id"])] = c
    return found


def _frameworks(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(files):
        if path.startswith("gap-report-") and path.endswith(".json"):
            r = _json(files, path) or {}
            counts: dict[str, int] = {}
            for c in r.get("controls", []):
                counts[c["status"]] = counts.get(c["status"], 0) + 1
            out[r.get("catalogue_id", path)] = {
                "version": r.get("catalogue_version"),
                "mapping": r.get("mapping"),
                "counts": dict(sorted(counts.items())),
            }
    return out


def _status_changes(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[dict[str, Any]]:
    a, b = _controls(old), _controls(new)
    changes = []
    for key in sorted(set(a) | set(b)):
        before = a[key]["status"] if key in a else None
        after = b[key]["status"] if key in b else None
        if before != after:
            worse = RANK.get(after or "", 0) > RANK.get(before or "", 0) and before is not None
            changes.append(
                {
                    "framework": key[0],
                    "control": key[1],
                    "old": before,
                    "new": after,
                    "regression": worse,
                    "reason": (b.get(key) or a[key]).get("reason", ""),
                }
            )
    changes.sort(key=lambda c: (not c["regression"], c["framework"], c["control"]))
    return changes


def _check_values(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for c in _controls(files).values():
        for r in c.get("checks", []):
            if r.get("kind") == "metric_threshold":
                found[r["check_id"]] = {
                    "observed": r.get("observed"),
                    "expected": r.get("expected"),
                    "status": r.get("status"),
                }
    return found


def _numbers(files: Mapping[str, bytes]) -> dict[str, float]:
    evidence = _json(files, "evidence.json") or {}
    logged = {
        f"logged {m['key']}": m["value"]
        for m in (evidence.get("run") or {}).get("metrics", [])
        if isinstance(m.get("value"), int | float)
    }
    measures = (_json(files, "analytics.json") or {}).get("measures", {})
    recomputed = {
        f"recomputed {k}": m["value"]
        for k, m in measures.items()
        if isinstance(m.get("value"), int | float)
    }
    return {**logged, **recomputed}


def _metric_changes(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[dict[str, Any]]:
    a, b = _numbers(old), _numbers(new)
    out = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            delta = b[k] - a[k] if k in a and k in b else None
            out.append({"metric": k, "old": a.get(k), "new": b.get(k), "delta": delta})
    checks_a, checks_b = _check_values(old), _check_values(new)
    thresholds = [
        {"check": k, "old": checks_a.get(k), "new": checks_b.get(k)}
        for k in sorted(set(checks_a) | set(checks_b))
        if checks_a.get(k) != checks_b.get(k)
    ]
    return out + [{"threshold_check": t} for t in thresholds]


def _datasets(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    evidence = _json(files, "evidence.json") or {}
    out = {}
    for d in (evidence.get("run") or {}).get("datasets", []):
        try:
            rows = json.loads(d.get("profile") or "{}").get("num_rows")
        except ValueError:
            rows = None
        out[f"{d['name']} ({d.get('context') or 'dataset'})"] = {
            "digest": d.get("digest"),
            "rows": rows,
        }
    return out


def _project(files: Mapping[str, bytes]) -> dict[str, Any]:
    record = _json(files, RELEASE_RECORD) or {}
    config = record.get("config")
    if not isinstance(config, str) or config not in files:
        return {}
    try:
        return yaml.safe_load(files[config]) or {}
    except yaml.YAMLError:
        return {}


def _expired(item: Mapping[str, Any], as_of: str | None) -> bool:
    expires = item.get("expires")
    if not expires or not as_of:
        return False
    when = expires if isinstance(expires, date) else date.fromisoformat(str(expires))
    return when < datetime.fromisoformat(as_of.replace("Z", "+00:00")).date()


def _counts(check: Mapping[str, Any]) -> str:
    """Whether an attestation counted, and if not, why in one word."""
    if check.get("status") == "pass":
        return "counts"
    reason = str(check.get("reason", ""))
    return next((w for w in ("stale", "expired") if w in reason), "does not count")


def _decisions(files: Mapping[str, bytes]) -> dict[str, str]:
    """Every decision as "kind: identity" -> a state string to compare."""
    project = _project(files)
    as_of = (_json(files, "manifest.json") or {}).get("as_of")
    out = {}
    for w in project.get("waivers") or []:
        state = "expired" if _expired(w, as_of) else f"until {w.get('expires')}"
        out[f"waiver {w.get('framework')} {w.get('control')}"] = state
    for n in project.get("not_applicable") or []:
        out[f"not applicable {n.get('framework')} {n.get('control')}"] = "declared"
    for o in project.get("overrides") or []:
        out[f"threshold {o.get('check')}"] = f"{o.get('op') or ''} {o.get('threshold')}".strip()
    for c in _controls(files).values():
        for r in c.get("checks", []):
            if r.get("kind") == "attestation":
                out[f"attestation {r['check_id'].removeprefix('attestation:')}"] = _counts(r)
    for i in (_json(files, "manifest.json") or {}).get("inputs", []):
        if i["role"] == "attestation":
            out[f"attestation file {i['name']}"] = i["sha256"][:12]
        if i["role"] in ("catalogue", "mapping", "crosswalk"):
            out[f"{i['role']} {i['name']}"] = i["sha256"][:12]
    return out


def _changed(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            what = "added" if k not in a else "removed" if k not in b else "changed"
            out.append({"item": k, "change": what, "old": a.get(k), "new": b.get(k)})
    return out


def diff(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, Any]:
    """The differences between two bundles, regressions first."""
    mo, mn = _json(old, "manifest.json") or {}, _json(new, "manifest.json") or {}
    statuses = _status_changes(old, new)
    return {
        "old": {"target": mo.get("target"), "model": mo.get("model"), "as_of": mo.get("as_of")},
        "new": {"target": mn.get("target"), "model": mn.get("model"), "as_of": mn.get("as_of")},
        "regressions": sum(1 for s in statuses if s["regression"]),
        "statuses": statuses,
        "frameworks": _changed(_frameworks(old), _frameworks(new)),
        "metrics": _metric_changes(old, new),
        "datasets": _changed(_datasets(old), _datasets(new)),
        "decisions": _changed(_decisions(old), _decisions(new)),
    }


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_cell(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _rows(d: Mapping[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """The diff as (section, header, rows) tables, shared by Markdown and HTML."""
    statuses = [
        [
            ("REGRESSION " if s["regression"] else "") + s["framework"],
            s["control"],
            _cell(s["old"]),
            _cell(s["new"]),
        ]
        for s in d["statuses"]
    ]
    metrics = [
        [m["metric"], _cell(m["old"]), _cell(m["new"]), _cell(m["delta"])]
        for m in d["metrics"]
        if "metric" in m
    ]
    checks = [
        [
            m["threshold_check"]["check"],
            _cell(m["threshold_check"]["old"]),
            _cell(m["threshold_check"]["new"]),
        ]
        for m in d["metrics"]
        if "threshold_check" in m
    ]
    changed = [
        (title, [[c["item"], c["change"], _cell(c["old"]), _cell(c["new"])] for c in d[key]])
        for title, key in (
            ("Frameworks", "frameworks"),
            ("Datasets", "datasets"),
            ("Thresholds, waivers, attestations, catalogues", "decisions"),
        )
    ]
    return [
        ("Control statuses (regressions first)", ["framework", "control", "old", "new"], statuses),
        ("Metrics, logged and recomputed", ["metric", "old", "new", "delta"], metrics),
        ("Threshold checks", ["check", "old", "new"], checks),
        *((t, ["item", "change", "old", "new"], r) for t, r in changed),
    ]


def _title(d: Mapping[str, Any]) -> str:
    return (
        f"riskcards diff: {d['old']['model']} ({d['old']['as_of']}) -> "
        f"{d['new']['model']} ({d['new']['as_of']}): {d['regressions']} regression(s)"
    )


def markdown(d: Mapping[str, Any]) -> str:
    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {cell(_title(d))}", ""]
    for title, header, rows in _rows(d):
        lines += [f"## {title}", ""]
        if not rows:
            lines += ["No change.", ""]
            continue
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
        lines.append("")
    return "\n".join(lines)


def html(d: Mapping[str, Any]) -> str:
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(_title(d))}</title></head><body>",
        f"<h1>{escape(_title(d))}</h1>",
    ]
    for title, header, rows in _rows(d):
        parts.append(f"<h2>{escape(title)}</h2>")
        if not rows:
            parts.append("<p>No change.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows]
        parts.append("</table>")
    return "\n".join([*parts, "</body></html>\n"])


def as_json(d: Mapping[str, Any]) -> str:
    return json.dumps(d, indent=2, sort_keys=True, default=str) + "\n"


def diff_files(d: Mapping[str, Any]) -> list[BundleFile]:
    """The diff as bundle files (JSON, Markdown, HTML), for ``release --previous``."""
    return [
        BundleFile(path=path, kind=DIFF_KIND, format=path.rsplit(".", 1)[1], content=text.encode())
        for path, text in zip(DIFF_FILES, (as_json(d), markdown(d), html(d)), strict=True)
    ]
