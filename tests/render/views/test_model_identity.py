"""The model card's identity section: task with its source, type, signature, runs, evaluations."""

from __future__ import annotations

from riskcards.assess import assess
from riskcards.load.catalogues import Loaded
from riskcards.models.evidence import ChildRun
from riskcards.render.views.model_identity import build_identity
from tests.conftest import AS_OF, make_snapshot
from tests.render.conftest import Rendered


def test_every_part_of_the_identity(loaded: Loaded) -> None:
    ev = make_snapshot(every_field=True)
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    identity = build_identity(ev, a)
    rows = {r.label: r.value for r in identity.rows}
    assert rows["Task"] and rows["Task"].startswith("binary classification (from the ")
    assert rows["Model type"] == "classifier (logged model type)"
    assert rows["Logged model id"] == "m-abc"
    assert rows["Signature inputs"] == "income: double"
    assert rows["Target resolved"] == "latest: the highest version of m is 3"
    assert rows["Parent run"] == "sweep (runs:/0123456789abcdef0123456789abcdef)"
    assert "credit-train (training; context training)" in (rows["Dataset roles"] or "")
    assert [(r.label, r.value) for r in identity.model_params] == [("l2", "0.01")]
    [child] = identity.children
    assert (child.name, child.key_metric) == ("fold-1", "auc = 0.8")
    [evaluation] = identity.evaluations
    assert (evaluation.prefix, evaluation.role, evaluation.evaluator) == (
        "val_",
        "validation",
        "custom",
    )


def test_rows_that_do_not_apply_are_left_out(loaded: Loaded) -> None:
    ev = make_snapshot(tags={})
    identity = build_identity(ev, assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF))
    labels = [r.label for r in identity.rows]
    assert "Parent run" not in labels and "Target resolved" not in labels
    assert identity.children == () and identity.evaluations == ()


def test_the_child_key_metric_follows_the_task(loaded: Loaded) -> None:
    child = ChildRun(run_id="c" * 32, run_name="t", metrics={"a_loss": 1.0, "test_r2_score": 0.4})
    ev = make_snapshot(tags={"task": "regression"}, children=(child,))
    identity = build_identity(ev, assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF))
    assert identity.children[0].key_metric == "test_r2_score = 0.4"


def test_the_card_renders_the_identity_as_inert_text(rendered: Rendered) -> None:
    files = rendered(formats=("html",), tags={"task": "<script>alert(1)</script>"})
    html = files["model-card.html"].decode()
    assert '<section id="identity">' in html and "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
