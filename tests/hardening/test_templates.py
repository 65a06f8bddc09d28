"""Issue 17, item 1: templates are code. A user template renders in the sandbox, cannot run
commands, read files or exhaust the machine; templates come only from --templates or a
project file named with --config; every template error is exit 2 at file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.conftest import cli, evidence_file, one_error_line

ESCAPES = {
    "globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "range": "{% for i in range(10**9) %}{% endfor %}",
    "power": "{{ 9 ** 999999999 }}",
    "repeat": "{{ 'x' * 1000000000 }}",
    "mutation": "{% set xs = [] %}{{ xs.append(1) }}",
}


def _override(folder: Path, body: str, name: str = "model_card.html.j2") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("<p>start</p>\n" + body + "\n")
    return folder


@pytest.mark.parametrize("payload", list(ESCAPES), ids=list(ESCAPES))
def test_a_template_cannot_escape_the_sandbox(tmp_path: Path, payload: str) -> None:
    templates = _override(tmp_path / "t", ESCAPES[payload])
    out = tmp_path / "out"
    r = cli(
        "release", f"evidence:{evidence_file(tmp_path)}", "--out", out, "--no-pdf",
        "--templates", templates, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, "model_card.html.j2:2")
    assert "uid=" not in r.stdout + r.stderr
    assert not out.exists()


def test_an_include_outside_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "leak.html").symlink_to(secret)
    for include in ("leak.html", "../secret.txt", str(secret)):
        _override(templates, f'{{% include "{include}" %}}')
        r = cli(
            "release", f"evidence:{evidence_file(tmp_path)}", "--out", tmp_path / "out",
            "--no-pdf", "--templates", templates,
        )  # fmt: skip
        assert r.returncode == 2, (include, r.stderr)
        one_error_line(r.stderr, "model_card.html.j2:2")
        assert "TOP-SECRET" not in r.stderr
        assert not (tmp_path / "out").exists()


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    templates = _override(tmp_path / "t", "{% if %}")
    r = cli(
        "release", f"evidence:{evidence_file(tmp_path)}", "--out", tmp_path / "out",
        "--no-pdf", "--templates", templates,
    )  # fmt: skip
    assert r.returncode == 2
    one_error_line(r.stderr, "model_card.html.j2:2")


def test_an_implicit_project_file_cannot_bring_templates(tmp_path: Path) -> None:
    templates = _override(tmp_path / "t", "{{ meta.model }} CUSTOM")
    (tmp_path / "riskcards.yaml").write_text("schema_version: 1\ntemplates: t\n")
    ev = evidence_file(tmp_path)
    r = cli("release", f"evidence:{ev}", "--out", "out", "--no-pdf", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, "riskcards.yaml:2", "--config")
    assert not (tmp_path / "out").exists()
    # named with --config, the same file's templates are used, and the set is reported
    r = cli(
        "release", f"evidence:{ev}", "--out", "out", "--no-pdf", "--config", "riskcards.yaml",
        cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    assert "CUSTOM" in (tmp_path / "out" / "model-card.html").read_text()
    assert "custom templates: t (sha256 " in r.stderr
    assert templates.exists()


def test_the_bundle_carries_the_templates_but_no_file_a_symlink_points_out_to(
    tmp_path: Path,
) -> None:
    """The bundle keeps its template set under inputs/ (so it can be re-made), but a symlink
    in the folder to a file outside it is neither rendered nor copied into the bundle."""
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-ship")
    templates = _override(tmp_path / "t", "{{ meta.model }} CUSTOM")
    (templates / "leak.html.j2").symlink_to(secret)
    out = tmp_path / "out"
    r = cli(
        "release", f"evidence:{evidence_file(tmp_path)}", "--out", out, "--no-pdf",
        "--templates", templates,
    )  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    carried = sorted(p.name for p in (out / "inputs" / "templates").iterdir())
    assert carried == ["model_card.html.j2"]
    assert not any("do-not-ship" in p.read_text(errors="replace") for p in out.rglob("*.*"))
