"""The model card: the evidence shown, and an honest "Not provided" where it is missing."""

from __future__ import annotations

import re

from riskcards.load.catalogues import Loaded
from riskcards.render.views.model_card import build_model_card
from tests.render.conftest import Rendered, assessed


def test_missing_fields_say_not_provided(rendered: Rendered) -> None:
    card = rendered()["model-card.html"].decode()
    section = card.split('id="ethical-considerations"')[1].split("</section>")[0]
    assert "Not provided" in section
    out_of_scope = card.split("Out-of-scope uses</h3>")[1].split("</section>")[0]
    assert "Not provided" in out_of_scope


def test_model_card_shows_the_evidence(rendered: Rendered) -> None:
    card = rendered()["model-card.html"].decode()
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


def test_metrics_are_sorted_into_performance_groups_and_slices(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    card = build_model_card(ev, a)
    assert "roc_auc" in {m.key for m in card.performance}
    assert "fairness/demographic_parity_difference" in {
        m.key for m in card.metric_groups["fairness"]
    }
    assert card.slice_attributes["sex"][0].value == "female"
    assert card.slice_attributes["sex"][0].metrics["accuracy"] == "0.8"
    assert card.evaluation_factors.source == "attributes of the slice metrics logged in MLflow"
    assert [d.context for d in card.training_data] == ["training"]
    assert [d.context for d in card.evaluation_data] == ["evaluation"]
    assert card.charts == () and card.recomputed == ()  # no analysis given
    assert len(card.coverage_charts) == len(a.frameworks)


def test_a_sidecar_answers_before_the_tags(loaded: Loaded) -> None:
    from riskcards.models.project import ModelCardSidecar

    ev, a = assessed(loaded, tags={"intended_use": "from a tag", "caveats": "tag caveats"})
    sidecar = ModelCardSidecar(schema_version=1, primary_intended_uses="from the sidecar")
    card = build_model_card(ev, a, sidecar)
    assert card.intended_uses.value == "from the sidecar"
    assert card.intended_uses.source == "model-card sidecar"
    assert card.caveats.value == "tag caveats" and card.caveats.source == "MLflow run tag caveats"


def test_each_dataset_has_one_identity_with_mlflow_digest_labelled(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    card = build_model_card(ev, a)
    (evaluation,) = card.evaluation_data
    assert evaluation.digest == "e1e2e3e4" and evaluation.source_uri == "/data/eval.csv"
    assert (evaluation.rows, evaluation.columns) == (1500, 1)
    assert evaluation.sha256 is None  # riskcards read no table without an analysis
    (training,) = card.training_data
    assert (training.rows, training.columns) == (None, None)  # not logged: not made up


def test_the_card_names_a_local_store_without_its_path(loaded: Loaded) -> None:
    from riskcards.render.views.text import store_label

    assert store_label("sqlite:////home/ana/mlflow.db") == "local store (sqlite)"
    assert store_label("/home/ana/mlruns") == "local store (file)"
    assert store_label("http://user@127.0.0.1:5000/x") == "http://127.0.0.1:5000"
    ev, a = assessed(loaded)
    local = ev.model_copy(
        update={
            "provenance": ev.provenance.model_copy(
                update={"tracking_uri": "sqlite:////home/ana/store/mlflow.db"}
            )
        }
    )
    rows = {r.label: r.value for r in build_model_card(local, a).provenance}
    assert rows["Tracking store"] == "local store (sqlite)"


def test_metric_rows_show_threshold_verdict_and_recomputed_value(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    card = build_model_card(ev, a)
    auc = next(m for m in card.performance if m.key == "roc_auc")
    assert auc.judged is not None and auc.judged.verdict == "pass"
    assert auc.judged.threshold and "0.75" in auc.judged.threshold
    parity = next(
        m for m in card.metric_groups["fairness"] if m.key.endswith("demographic_parity_difference")
    )
    assert parity.judged is not None and parity.judged.verdict == "fail"


def test_the_decision_comes_first_on_the_card(rendered: Rendered) -> None:
    card = rendered()["model-card.html"].decode()
    assert card.index('id="decision"') < card.index('id="details"')
    decision = card.split('id="decision"')[1].split("</section>")[0]
    assert "FAIL: " in decision and "owner: " in decision


def test_two_thousand_metrics_stay_under_25_pdf_pages_with_all_in_the_html(
    loaded: Loaded,
) -> None:
    """Issue 18: the body shows every metric a check judges and the first few others per
    group; all of them are in the HTML appendix (left out of print) and evidence.json."""
    import io

    from pypdf import PdfReader

    from riskcards.models.evidence import MetricValue
    from riskcards.render import render
    from riskcards.render.pdf import html_to_pdf
    from riskcards.render.views.model_card import BODY_METRICS
    from tests.conftest import make_snapshot

    base = make_snapshot().run.metrics
    extra = tuple(
        MetricValue(key=f"group_{i % 7}/metric_{i:04d}", value=i / 2000)
        for i in range(2000 - len(base))
    )
    ev, a = assessed(loaded, metrics=(*base, *extra))
    card = build_model_card(ev, a)
    judged = {r.key for rows in card.metric_groups.values() for r in rows if r.judged}
    judged |= {r.key for r in card.performance if r.judged}
    body = {r.key for r in card.performance_body}
    body |= {r.key for rows in card.metric_groups_body.values() for r in rows}
    assert judged and judged <= body
    assert all(
        sum(1 for r in rows if not r.judged) <= BODY_METRICS
        for rows in card.metric_groups_body.values()
    )
    assert card.metrics_in_appendix == 2000 - len(body) - sum(
        1 for m in ev.run.metrics if m.key.startswith("slice/") and m.key.count("/") == 3
    )
    files = {f.path: f.content for f in render(ev, a, loaded.catalogues, formats=("html", "json"))}
    html = files["model-card.html"].decode()
    appendix = html[html.index('<section id="all-metrics" class="screen-only">') :]
    assert all(f"<code>{m.key}</code>" in appendix for m in extra)
    assert all(m.key.encode() in files["evidence.json"] for m in extra)
    pages = len(PdfReader(io.BytesIO(html_to_pdf(html))).pages)
    assert pages < 25
    few = build_model_card(*assessed(loaded))  # a run with few metrics loses none
    assert few.metrics_in_appendix == 0 and few.performance_body == few.performance
