"""riskcards.load.catalogues: the library of catalogues, extensions and mappings, loaded and
checked, and the built-in catalogues under frameworks/ proved against the reference data.

Loading: consistency errors with positions, organisation extensions, evidence mappings,
and the `frameworks` commands. Reference data: every ID, title and (for NIST AI RMF)
statement is compared with ``catalogues.json``, the reference data gathered from public
sources (see ``tests/load/conftest.py`` for where it is found).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from riskcards.errors import ConfigError
from riskcards.load.catalogues import load_library, validate_files
from riskcards.models.catalogue import Catalogue, Control, ControlGroup, Crosswalk, CrosswalkPair
from tests.integration_support import riskcards
from tests.load.conftest import (
    CATALOGUE_FILES,
    CATALOGUES,
    CROSSWALK_FILES,
    CROSSWALKS,
    NIST_ABBREVIATIONS,
    NIST_PER_FUNCTION,
    catalogue,
    in_group,
    raw,
)

ALL_FILES = [CATALOGUES / f for f in CATALOGUE_FILES.values()] + [
    CROSSWALKS / f for f in CROSSWALK_FILES.values()
]

BROKEN = """\
schema_version: 1
id: broken
version: "1"
title: Broken
short_title: Broken
publisher: Me
source_url: https://example.com
licence: none
groups:
  - {id: G, level: function, title: G}
  - {id: G1, level: category, parent: GG, title: G1}
controls:
  - {id: G1.1, group: G1, text: one}
  - {id: G1.1, group: G1, text: again}
  - {id: 6.10, group: G1, text: float id}
  - {id: "G1.3", group: G2, text: unknown group}
  - {id: "G1.4", group: G1, text: t, aliases: ["G1.3"]}
  - {id: "G1.5", group: G1, txt: misspelled}
"""


def test_builtin_library_loads_every_catalogue() -> None:
    lib = load_library()
    assert {c: len(cat.controls) for c, cat in lib.catalogues.items()} == {
        "eu-ai-act": 17,
        "iso-iec-23894": 35,
        "iso-iec-42001": 38,
        "iso-iec-42001-clauses": 27,
        "mitre-atlas": 53,
        "nist-ai-600-1": 12,
        "nist-ai-rmf": 72,
    }
    assert len(lib.crosswalks) == 3


def test_structural_problems_are_all_reported_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    with pytest.raises(ConfigError) as caught:
        load_library([tmp_path], builtin=False)
    text = str(caught.value)
    assert (
        f"{path}:15:10 controls[2].id: expected text, but YAML reads 6.10 as the number 6.1" in text
    )
    assert f"{path}:18:29 controls[5].txt: unknown key 'txt'; did you mean 'text'?" in text


def test_reference_problems_are_all_reported_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN.replace("6.10", '"G1.2"').replace(", txt: misspelled", ", text: ok"))
    with pytest.raises(ConfigError) as caught:
        load_library([tmp_path], builtin=False)
    lines = [str(i) for i in caught.value.issues]
    assert lines == [
        f"{path}:11:39 groups[1].parent: unknown parent group 'GG'; did you mean 'G'?",
        f"{path}:14:10 controls[1].id: duplicate control id 'G1.1' (first at line 13)",
        f"{path}:16:25 controls[3].group: unknown group 'G2'; did you mean 'G'?",
        f"{path}:17:48 controls[4].aliases[0]: 'G1.3' is already used by control 'G1.3'",
    ]


def _extension(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "acme"
    folder.mkdir(exist_ok=True)
    (folder / "acme-nist.yaml").write_text(body)
    return folder


ACME = """\
schema_version: 1
extends: nist-ai-rmf
id: acme-ai-policy
title: ACME internal AI controls
publisher: ACME Risk Office
controls:
  - id: ACME-GV-1
    group: GOVERN 1
    title: Model risk committee sign-off
    text: Every release of a high-risk model is signed off by the model risk committee.
    refines: ["GOVERN 1.1", "GV-1.3"]
  - id: ACME-MS-1
    group: MEASURE 2
    title: Fairness review
    refines: ["MEASURE 2.11"]
"""


def test_an_extension_adds_controls_to_a_builtin_catalogue(tmp_path: Path) -> None:
    lib = load_library([_extension(tmp_path, ACME)])
    nist = lib.catalogues["nist-ai-rmf"]
    assert len(nist.controls) == 74
    added = nist.control("ACME-GV-1")
    assert added is not None and added.origin == "acme-ai-policy"
    assert [g.id for g in nist.ancestry(added)] == ["GOVERN", "GOVERN 1"]


def test_extension_problems_have_positions(tmp_path: Path) -> None:
    body = ACME.replace("extends: nist-ai-rmf", "extends: nist-ai-rfm")
    with pytest.raises(
        ConfigError,
        match=r"acme-nist.yaml:2:10 extends: unknown catalogue 'nist-ai-rfm'; "
        r"did you mean 'nist-ai-rmf'",
    ):
        load_library([_extension(tmp_path, body)])
    body = ACME.replace("id: ACME-GV-1", "id: GOVERN 1.1").replace('"GV-1.3"', '"GOVERN 1.99"')
    with pytest.raises(ConfigError) as caught:
        load_library([_extension(tmp_path, body)])
    text = str(caught.value)
    assert (
        "acme-nist.yaml:7:9 controls[0].id: 'GOVERN 1.1' is already used by control 'GOVERN 1.1' of nist-ai-rmf"
        in text
    )
    assert (
        "acme-nist.yaml:11:29 controls[0].refines[1]: refines unknown control 'GOVERN 1.99'" in text
    )


def test_validate_files_lists_every_problem_in_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BROKEN)
    (tmp_path / "b.yaml").write_text(
        "schema_version: 1\nid: m\ntitle: M\nchecks:\n"
        "  - {id: a, title: A, kind: model_registered, controls: {nist-ai-rmf: [MAP 9.9]}}\n"
    )
    with pytest.raises(ConfigError) as caught:
        validate_files([tmp_path / "a.yaml"])
    assert len(caught.value.issues) == 2
    with pytest.raises(
        ConfigError,
        match=r"b.yaml:5:72 checks\[0\].controls.nist-ai-rmf\[0\]: unknown control 'MAP 9.9'",
    ):
        validate_files([tmp_path / "b.yaml"])


@pytest.mark.integration
def test_frameworks_commands(tmp_path: Path) -> None:
    listed = riskcards("frameworks", "list", cwd=tmp_path)
    assert (
        listed.returncode == 0
        and "nist-ai-rmf" in listed.stdout
        and "72  subcategories" in listed.stdout
    )
    shown = riskcards("frameworks", "show", "nist-ai-rmf", "GV-1.6", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Mechanisms are in place to inventory AI systems" in shown.stdout
    assert "crosswalk: related-to iso-iec-42001 A.4.5" in shown.stdout
    missing = riskcards("frameworks", "show", "nist-ai-rmf", "GOVERN 1.8", cwd=tmp_path)
    assert missing.returncode == 2 and "did you mean" in missing.stderr
    ok = riskcards(
        "frameworks",
        "validate",
        str(Path(__file__).resolve().parents[2] / "frameworks"),
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "broken.yaml").write_text(BROKEN)
    bad = riskcards("frameworks", "validate", str(tmp_path / "broken.yaml"), cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("broken.yaml:") >= 2
    cw = riskcards("frameworks", "crosswalk", "nist-ai-rmf", "iso-iec-42001", cwd=tmp_path)
    assert cw.returncode == 0
    assert "GOVERN 1.1\trelated-to\t" in cw.stdout
    assert "coverage iso-iec-42001: 38 of 38 (100%)" in cw.stderr
    ext = riskcards(
        "frameworks",
        "--frameworks-dir",
        str(_extension(tmp_path, ACME)),
        "show",
        "nist-ai-rmf",
        "ACME-GV-1",
        cwd=tmp_path,
    )
    assert (
        ext.returncode == 0
        and "added by: acme-ai-policy" in ext.stdout
        and "refines: GOVERN 1.1, GV-1.3" in ext.stdout
    )


# --------------------------------------------------------------------------- every file
def _walk(node: yaml.Node) -> Iterator[yaml.Node]:
    yield node
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _walk(k)
            yield from _walk(v)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)


def _key_order_problems(node: yaml.Node, model: type[BaseModel], where: str) -> list[str]:
    """Keys must appear in the order of the model's fields; nested lists are checked too."""
    assert isinstance(node, yaml.MappingNode), where
    fields = list(model.model_fields)
    keys = [k.value for k, _ in node.value]
    problems = []
    if keys != sorted(keys, key=lambda k: fields.index(k) if k in fields else len(fields)):
        problems.append(f"{where}: keys {keys} are not in model order {fields}")
    children: dict[str, type[BaseModel]] = {
        "groups": ControlGroup,
        "controls": Control,
        "pairs": CrosswalkPair,
    }
    for k, v in node.value:
        if k.value in children and isinstance(v, yaml.SequenceNode):
            for i, item in enumerate(v.value):
                problems += _key_order_problems(item, children[k.value], f"{where}.{k.value}[{i}]")
    return problems


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_file_is_clean_yaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert text.startswith("# "), "a header comment naming source and licence comes first"
    assert "Source" in header and "Licence" in header
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        assert not isinstance(event, yaml.AliasEvent), f"alias at {event.start_mark}"
        assert getattr(event, "anchor", None) is None, f"anchor at {event.start_mark}"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    for node in _walk(root):
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value]
            dupes = [k for k, n in Counter(keys).items() if n > 1]
            assert not dupes, f"duplicate keys {dupes} at {node.start_mark}"
    model = Catalogue if path.parent == CATALOGUES else Crosswalk
    assert _key_order_problems(root, model, path.name) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_file_validates_and_strings_are_single_clean_lines(path: Path) -> None:
    model = Catalogue if path.parent == CATALOGUES else Crosswalk
    obj = model.model_validate(raw(path))
    files = CATALOGUE_FILES if model is Catalogue else CROSSWALK_FILES
    assert files.get(obj.id) == path.name, f"{path.name} holds id {obj.id!r}"

    def strings(x: Any) -> Iterator[str]:
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for v in x.values():
                yield from strings(v)
        elif isinstance(x, list | tuple):
            for v in x:
                yield from strings(v)

    for s in strings(obj.model_dump()):
        assert s == s.strip() and "\n" not in s and "  " not in s, repr(s)


@pytest.mark.parametrize("cat_id", CATALOGUE_FILES)
def test_catalogue_ids_and_aliases_do_not_collide(cat_id: str) -> None:
    cat = catalogue(cat_id)
    assert cat.id == cat_id
    names = [c.id for c in cat.controls] + [a for c in cat.controls for a in c.aliases]
    assert [n for n, k in Counter(names).items() if k > 1] == []
    for c in cat.controls:
        assert cat.control(c.id) is c
        for alias in c.aliases:
            assert cat.control(alias) is c


@pytest.mark.parametrize("cat_id", CATALOGUE_FILES)
def test_every_group_holds_something(cat_id: str) -> None:
    # ISO/IEC 23894 clause 4 (principles) has no numbered subclauses: a heading only.
    allowed_empty = {("iso-iec-23894", "4")}
    cat = catalogue(cat_id)
    for g in cat.groups:
        used = any(c.group == g.id for c in cat.controls) or any(
            h.parent == g.id for h in cat.groups
        )
        assert used or (cat_id, g.id) in allowed_empty, g.id
    for c in cat.controls:
        assert c.label, f"{c.id} has nothing to show beside its ID"


# --------------------------------------------------------------------------- NIST AI RMF
def test_nist_metadata() -> None:
    cat = catalogue("nist-ai-rmf")
    assert (cat.id, cat.version, cat.short_title, cat.publisher, cat.document) == (
        "nist-ai-rmf",
        "1.0",
        "NIST AI RMF 1.0",
        "NIST",
        "NIST AI 100-1",
    )
    assert cat.source_url == "https://doi.org/10.6028/NIST.AI.100-1"
    assert cat.licence == "Public domain (U.S. Government work); cite NIST AI 100-1"
    assert cat.control_label == "subcategory"


def test_nist_functions(ref: dict[str, Any]) -> None:
    cat = catalogue("nist-ai-rmf")
    functions = [g for g in cat.groups if g.level == "function"]
    assert cat.top_groups() == tuple(functions)
    assert [(g.id, g.title, g.text) for g in functions] == [
        (f["id"], f["id"], f["description"]) for f in ref["nist_ai_rmf"]["functions"]
    ]


def test_nist_categories(ref: dict[str, Any]) -> None:
    cat = catalogue("nist-ai-rmf")
    categories = [g for g in cat.groups if g.level == "category"]
    assert len(categories) == 19 == len(ref["nist_ai_rmf"]["categories"])
    assert [(g.id, g.parent, g.title, g.text) for g in categories] == [
        (c["id"], c["function"], c["title"], None) for c in ref["nist_ai_rmf"]["categories"]
    ]
    assert {g.level for g in cat.groups} == {"function", "category"}


def test_nist_subcategories_verbatim(ref: dict[str, Any]) -> None:
    cat = catalogue("nist-ai-rmf")
    expected = ref["nist_ai_rmf"]["subcategories"]
    assert len(cat.controls) == 72 == len(expected)
    assert [c.id for c in cat.controls] == [s["id"] for s in expected]
    for c, s in zip(cat.controls, expected, strict=True):
        assert c.group == s["category"], c.id
        assert c.text == s["text"], c.id
        assert c.title is None and c.summary is None, c.id
        assert [g.id for g in cat.ancestry(c)] == [s["function"], s["category"]], c.id


def test_nist_aliases() -> None:
    cat = catalogue("nist-ai-rmf")
    for c in cat.controls:
        function, number = c.id.split(" ")
        assert c.aliases == (
            f"{NIST_ABBREVIATIONS[function]}-{number}",
            f"{function.capitalize()} {number}",
        )
        assert c.group == f"{function} {number.split('.')[0]}"
    assert cat.control("GV-1.1") is cat.control("Govern 1.1") is cat.control("GOVERN 1.1")
    measure_2_10 = cat.control("MS-2.10")
    assert measure_2_10 is not None and measure_2_10.id == "MEASURE 2.10"


def test_nist_counts_per_function(ref: dict[str, Any]) -> None:
    cat = catalogue("nist-ai-rmf")
    counts = ref["nist_ai_rmf"]["counts"]
    assert (len(cat.top_groups()), len(cat.groups) - 4, len(cat.controls)) == (
        counts["functions"],
        counts["categories"],
        counts["subcategories"],
    )
    for function, (n_categories, n_subcategories) in NIST_PER_FUNCTION.items():
        assert counts["per_function"][function] == {
            "categories": n_categories,
            "subcategories": n_subcategories,
        }
        assert sum(g.parent == function for g in cat.groups) == n_categories, function
        assert sum(cat.ancestry(c)[0].id == function for c in cat.controls) == n_subcategories, (
            function
        )


# --------------------------------------------------------------------------- ISO/IEC 42001
def test_iso42001_groups(ref: dict[str, Any]) -> None:
    cat = catalogue("iso-iec-42001")
    assert [(g.id, g.title) for g in cat.groups] == [
        (g["id"], g["title"]) for g in ref["iso42001_annex_a_groups"]
    ]
    assert len(cat.groups) == 11
    # the 9 groups A.2 ... A.10; A.6 alone has two subgroups
    assert [g.id for g in cat.top_groups()] == [f"A.{n}" for n in range(2, 11)]
    assert all(g.level == "group" for g in cat.top_groups())
    subgroups = [(g.id, g.level, g.parent) for g in cat.groups if g.parent is not None]
    assert subgroups == [("A.6.1", "subgroup", "A.6"), ("A.6.2", "subgroup", "A.6")]
    assert in_group(cat, "A.6") == []


def test_iso42001_controls(ref: dict[str, Any]) -> None:
    cat = catalogue("iso-iec-42001")
    expected = ref["iso42001_annex_a"]
    assert len(cat.controls) == 38 == ref["iso42001_annex_a_count"] == len(expected)
    assert [(c.id, c.title) for c in cat.controls] == [(e["id"], e["title"]) for e in expected]
    for c, e in zip(cat.controls, expected, strict=True):
        assert c.group == e.get("subgroup", e["group"]), c.id
        assert cat.ancestry(c)[0].id == e["group"], c.id
        assert c.text is None and c.aliases == (), c.id


def test_iso42001_summaries_are_own_words_one_line() -> None:
    cat = catalogue("iso-iec-42001")
    summaries = [c.summary for c in cat.controls]
    assert all(summaries)
    assert len(set(summaries)) == len(summaries)
    for c in cat.controls:
        assert c.summary is not None and "\n" not in c.summary and len(c.summary) <= 160, c.id
        assert c.summary != c.title, c.id
    assert "copyright" in cat.licence.lower()
    assert "IDs" in cat.licence and "titles" in cat.licence


def test_iso42001_clauses(ref: dict[str, Any]) -> None:
    cat = catalogue("iso-iec-42001-clauses")
    titles: dict[str, set[str]] = {}
    for p in ref["crosswalk_nist_iso42001"]:
        if "annex_a_equivalent" not in p:
            titles.setdefault(p["iso"], set()).add(p["iso_title_in_crosswalk"])
    assert {c.id for c in cat.controls} == set(titles)
    assert len(cat.controls) == len(titles) == 27
    for c in cat.controls:
        assert c.title in titles[c.id], c.id
        assert c.text is None and c.summary is None, c.id
        assert c.id.startswith(c.group + "."), c.id
    # two titles in the crosswalk: the published one is kept
    chosen = {c.id: c.title for c in cat.controls}
    assert chosen["6.1.1"] == "General"
    assert chosen["9.1"] == "Monitoring, measurement, analysis and evaluation"
    assert "copyright" in cat.licence.lower()


# --------------------------------------------------------------------------- ISO/IEC 23894
def test_iso23894(ref: dict[str, Any]) -> None:
    cat = catalogue("iso-iec-23894")
    clauses = ref["iso23894"]["clauses"]

    def flatten(items: list[dict[str, Any]], top: str) -> Iterator[tuple[str, str, str]]:
        for item in items:
            yield item["id"], top, item["title"]
            yield from flatten(item.get("subclauses", []), top)

    expected = [x for c in clauses for x in flatten(c.get("subclauses", []), c["id"])]
    expected += [(a["id"], "annexes", a["title"]) for a in ref["iso23894"]["annexes"]]
    assert [(c.id, c.group, c.title) for c in cat.controls] == expected
    assert [(g.id, g.level, g.title) for g in cat.groups] == [
        (c["id"], "clause", c["title"]) for c in clauses
    ] + [("annexes", "annexes", "Annexes (informative)")]
    assert [c.id for c in in_group(cat, "annexes")] == ["Annex A", "Annex B", "Annex C"]
    assert all(c.text is None and c.summary is None for c in cat.controls)


# --------------------------------------------------------------------------- NIST AI 600-1
def test_nist_ai_600_1(ref: dict[str, Any]) -> None:
    cat = catalogue("nist-ai-600-1")
    assert len(cat.controls) == 12
    assert [(c.id, c.title) for c in cat.controls] == [
        (r["section"], r["name"]) for r in ref["nist_ai_600_1_risks"]
    ]
    assert cat.control("2.10") is not None and cat.control("2.1") is not cat.control("2.10")


# --------------------------------------------------------------------------- MITRE ATLAS
def test_atlas_tactics(ref: dict[str, Any]) -> None:
    cat = catalogue("mitre-atlas")
    tactics = in_group(cat, "tactics")
    assert len(tactics) == 16
    assert [(c.id, c.title) for c in tactics] == [
        (t["id"], t["name"]) for t in ref["mitre_atlas_tactics"]
    ]


def test_atlas_mitigations(ref: dict[str, Any]) -> None:
    cat = catalogue("mitre-atlas")
    mitigations = in_group(cat, "mitigations")
    assert len(mitigations) == 37 == ref["mitre_atlas_mitigations_info"]["count_verified"]
    assert [(c.id, c.title) for c in mitigations] == [
        (m["id"], m["name"]) for m in ref["mitre_atlas_mitigations"]
    ]
    unverified = {m["id"] for m in ref["mitre_atlas_mitigations_info"]["reported_newer_unverified"]}
    assert unverified.isdisjoint(c.id for c in cat.controls)


def test_atlas_structure_and_attribution() -> None:
    cat = catalogue("mitre-atlas")
    assert [g.id for g in cat.groups] == ["tactics", "mitigations"]
    assert len(cat.controls) == 16 + 37
    assert cat.version == "2026.07"
    assert cat.licence == "Apache-2.0"
    assert cat.attribution is not None
    assert "MITRE" in cat.attribution and "Apache" in cat.attribution


# --------------------------------------------------------------------------- EU AI Act
def test_eu_ai_act(ref: dict[str, Any]) -> None:
    cat = catalogue("eu-ai-act")
    assert [g.id for g in cat.groups] == ["Chapter III Section 2", "Annex IV"]
    articles = in_group(cat, "Chapter III Section 2")
    assert [(c.id, c.title) for c in articles] == [
        (a["article"], a["title"]) for a in ref["eu_ai_act_high_risk_articles"]
    ]
    assert [c.id for c in articles] == [f"Article {n}" for n in range(8, 16)]
    points = in_group(cat, "Annex IV")
    assert [(c.id, c.summary) for c in points] == [
        (f"Annex IV({p['point']})", p["summary"]) for p in ref["eu_ai_act_annex_iv"]
    ]
    assert len(points) == 9
    assert all(c.text is None for c in cat.controls)
