"""Rendering: honest "Not provided", inert untrusted text, no fetching, determinism."""

from __future__ import annotations

import re

import pytest

from riskcards.assess import assess
from riskcards.catalogues import Loaded
from riskcards.render.html import md_escape
from riskcards.render.release import render_release
from tests.conftest import AS_OF, make_snapshot

HOSTILE = (
    '<img src="file:///etc/passwd"><script>alert(1)</script>{{ 7*7 }}{% raw %}'
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">[click](javascript:alert(1))'
)


def _files(loaded: Loaded, pdf: bool = False, **run_changes: object) -> dict[str, bytes]:
    ev = make_snapshot(**run_changes)
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    return {f.path: f.content for f in render_release(ev, a, loaded.catalogues, pdf=pdf)}


def test_documents_and_paths(loaded: Loaded) -> None:
    files = _files(loaded)
    assert set(files) == {
        "model-card.html",
        "datasets/evaluation-credit-eval-e1e2e3e4.html",
        "datasets/training-credit-train-a1a2a3a4.html",
        "gap-report-nist-ai-rmf.html",
        "gap-report-nist-ai-rmf.json",
        "gap-report-iso-iec-42001.html",
        "gap-report-iso-iec-42001.json",
        "evidence.json",
        "summary.md",
    }


def test_missing_fields_say_not_provided(loaded: Loaded) -> None:
    card = files = _files(loaded)["model-card.html"].decode()
    files = _files(loaded)
    section = card.split('id="ethical-considerations"')[1].split("</section>")[0]
    assert "Not provided" in section
    out_of_scope = card.split("Out-of-scope uses</h3>")[1].split("</section>")[0]
    assert "Not provided" in out_of_scope
    sheet = files["datasets/training-credit-train-a1a2a3a4.html"].decode()
    assert "no schema was logged" in sheet and "no profile was logged" in sheet


def test_model_card_shows_the_evidence(loaded: Loaded) -> None:
    card = _files(loaded)["model-card.html"].decode()
    for text in (
        "credit-risk",
        "0.86",
        "roc_auc",
        "runs:/0123456789abcdef0123456789abcdef",
        "digest a1a2a3a4",
        "NIST AI RMF 1.0",
        "Pre-screening of consumer credit",
    ):
        assert text in card
    # slice metrics are pivoted into a table per attribute
    assert re.search(r"<th scope=\"row\">female</th><td class=\"num\">0.8</td>", card)


def test_gap_report_lists_gaps_first_with_reasons(loaded: Loaded) -> None:
    report = _files(loaded)["gap-report-nist-ai-rmf.html"].decode()
    gaps, rest = report.split('id="met"')
    assert "MEASURE 2.11" in gaps and "0.18" in gaps and "Remediation" in gaps
    assert "GOVERN 1.6" in rest
    assert "Legal and regulatory requirements involving AI are understood" in rest  # not assessed


@pytest.mark.parametrize("where", ["tags", "params", "description"])
def test_untrusted_text_is_inert_in_html_and_markdown(loaded: Loaded, where: str) -> None:
    changes = {
        "tags": {"intended_use": HOSTILE, "owner": HOSTILE, HOSTILE[:40]: "x"},
        "params": {"model_type": HOSTILE},
        "description": HOSTILE,
    }[where]
    files = _files(loaded, **{where: changes})
    for path, content in files.items():
        text = content.decode()
        if path.endswith(".html"):
            assert "<img src=" not in text and "<script>" not in text and "<link rel=" not in text
            assert "{{ 7*7 }}" in text or HOSTILE not in text  # never evaluated as a template
            assert "49" not in re.sub(r"[0-9a-f]{8,}", "", text.split("<style>")[0])
        if path.endswith(".md"):
            assert "[click](" not in text and "<img" not in text


def test_md_escape_neutralises_markdown() -> None:
    assert md_escape("[x](http://a) *b* <i>") == r"\[x\](http\://a) \*b\* \<i\>"
    assert md_escape("see www.evil.com | v1.0-rc") == r"see www\.evil.com \| v1.0-rc"
    assert "\n" not in md_escape("line1\n\n# heading")


@pytest.mark.integration
def test_pdf_refuses_every_fetch_and_is_deterministic(loaded: Loaded) -> None:
    from riskcards.render.pdf import deny_all_fetcher, html_to_pdf

    fetcher = deny_all_fetcher()
    html = f'<html lang="en"><body><p>{HOSTILE}</p><img src="file:///etc/passwd"></body></html>'
    first = html_to_pdf(html, fetcher)
    assert "file:///etc/passwd" in fetcher.refused
    assert html_to_pdf(html) == first
    a = _files(loaded, pdf=True)
    b = _files(loaded, pdf=True)
    assert a == b
    assert a["model-card.pdf"].startswith(b"%PDF-")
