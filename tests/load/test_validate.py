"""riskcards.load.validate: pydantic errors mapped to file:line:col and plain words."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from pydantic import model_validator

from riskcards.errors import ConfigError
from riskcards.load.safe_yaml import load_yaml
from riskcards.load.validate import validate
from riskcards.models.base import Frozen
from riskcards.models.catalogue import Catalogue
from riskcards.models.mapping import EvidenceMapping, MetricThreshold
from tests.load.conftest import imported_modules, load, write

CATALOGUE = """\
schema_version: 1
id: nist-ai-rmf
version: 6.10
title: AI Risk Management Framework
short_title: AI RMF
publisher: NIST
source_url: https://www.nist.gov/itl/ai-risk-management-framework
licence: public domain
groups:
  - id: GOVERN
    level: function
    title: Govern
  - id: no
    level: function
    titel: Map
controls:
  - id: GOVERN 1.1
    group: GOVERN
    aliases: [yes, '1.1']
  - group: GOVERN
    summary: no id here
    colour: blue
  - just text
"""


def test_every_problem_is_reported_with_its_position(tmp_path: Path, parser: str) -> None:
    doc = load_yaml(write(tmp_path, CATALOGUE), display="frameworks/x.yaml")
    with pytest.raises(ConfigError) as info:
        validate(doc, Catalogue, what="catalogue")
    assert [str(i) for i in info.value.issues] == [
        "frameworks/x.yaml:3:10 version: expected text, but YAML reads 6.10 as the number 6.1; "
        "put it in quotes: '6.10'",
        "frameworks/x.yaml:13:5 groups[1]: missing required key 'title'",
        "frameworks/x.yaml:13:9 groups[1].id: expected text, but YAML reads no as the boolean "
        "False; put it in quotes: 'no'",
        "frameworks/x.yaml:15:5 groups[1].titel: unknown key 'titel'; did you mean 'title'?",
        "frameworks/x.yaml:19:15 controls[0].aliases[0]: expected text, but YAML reads yes as "
        "the boolean True; put it in quotes: 'yes'",
        "frameworks/x.yaml:20:5 controls[1]: missing required key 'id'",
        "frameworks/x.yaml:22:5 controls[1].colour: unknown key 'colour'",
        "frameworks/x.yaml:23:5 controls[2]: expected a mapping (key: value), got the text "
        "'just text'",
    ]
    assert str(info.value).splitlines()[0] == "frameworks/x.yaml: 8 problems in this catalogue"
    assert str(info.value).splitlines()[1] == "  " + str(info.value.issues[0])


def test_a_valid_file_becomes_the_model(tmp_path: Path) -> None:
    fixed = (
        CATALOGUE.replace("version: 6.10", "version: '6.10'")
        .replace("id: no", "id: MAP")
        .replace("titel: Map", "title: Map")
        .replace("[yes, '1.1']", "['yes', '1.1']")
        .replace("    colour: blue\n", "")
        .replace("  - group: GOVERN\n", "  - id: GOVERN 1.2\n    group: GOVERN\n")
        .replace("  - just text\n", "")
    )
    catalogue = validate(load(tmp_path, fixed), Catalogue)
    assert isinstance(catalogue, Catalogue)
    assert catalogue.version == "6.10"
    assert [c.id for c in catalogue.controls] == ["GOVERN 1.1", "GOVERN 1.2"]
    assert catalogue.controls[0].aliases == ("yes", "1.1")


@pytest.mark.parametrize(
    ("scalar", "read_as"),
    [
        ("6.10", "the number 6.1"),
        ("no", "the boolean False"),
        ("Off", "the boolean False"),
        ("1:20", "the number 80"),
        ("010", "the number 8"),
        ("1.5e+3", "the number 1500.0"),
        ("null", "null (no value)"),
    ],
)
def test_ids_that_yaml_reads_as_something_else(tmp_path: Path, scalar: str, read_as: str) -> None:
    text = CATALOGUE.replace("id: GOVERN 1.1", f"id: {scalar}")
    doc = load(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        validate(doc, Catalogue)
    [hint] = [i for i in info.value.issues if i.path == "controls[0].id"]
    assert (hint.line, hint.col) == (17, 9)
    assert hint.message == (
        f"expected text, but YAML reads {scalar} as {read_as}; put it in quotes: '{scalar}'"
    )


def test_an_empty_value_is_explained(tmp_path: Path) -> None:
    text = CATALOGUE.replace("publisher: NIST", "publisher:")
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, text), Catalogue)
    [issue] = [i for i in info.value.issues if i.path == "publisher"]
    assert str(issue) == (
        "doc.yaml:6:11 publisher: expected text, but the value is empty (YAML reads it as null)"
    )


def test_quoted_text_gets_no_quoting_hint(tmp_path: Path) -> None:
    text = CATALOGUE.replace("version: 6.10", "version: ''")
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, text), Catalogue)
    [issue] = [i for i in info.value.issues if i.path == "version"]
    assert str(issue) == "doc.yaml:3:10 version: must not be empty"


MAPPING = """schema_version: 1
id: demo
title: Demo checks
checks:
  - kind: metric_threshold
    id: accuracy
    title: Accuracy is high enough
    controls: {nist-ai-rmf: [MEASURE 2.3]}
    metric: accuracy
    op: '>='
    threshold: 0.8
  - kind: metric_threshold
    id: bias
    title: Bias is low
    controls: {nist-ai-rmf: [MEASURE 2.11]}
    metrc: demographic_parity
    op: '>=='
    threshold: 0.1
  - kind: metric_treshold
    id: typo
  - id: no kind
  - kind: text_present
    id: intended-use
    title: Intended use is written down
    severity: hgih
    controls: {nist-ai-rmf: [MAP 1.1], 1.10: [x]}
    sources: [tag:intended_use, nowhere]
"""


def test_discriminated_unions_map_to_the_data(tmp_path: Path, parser: str) -> None:
    doc = load_yaml(write(tmp_path, MAPPING), display="mappings/demo.yaml")
    with pytest.raises(ConfigError) as info:
        validate(doc, EvidenceMapping, what="evidence mapping")
    assert [str(i) for i in info.value.issues] == [
        "mappings/demo.yaml:12:5 checks[1]: missing required key 'metric'",
        "mappings/demo.yaml:16:5 checks[1].metrc: unknown key 'metrc'; did you mean 'metric'?",
        "mappings/demo.yaml:17:9 checks[1].op: expected '>=', '>', '<=', '<' or '==', "
        "got the text '>=='; did you mean '>=' or '=='?",
        "mappings/demo.yaml:19:11 checks[2].kind: unknown kind 'metric_treshold'; expected one "
        "of 'metric_threshold', 'dataset_logged', 'text_present', 'artifact_present', "
        "'model_registered', 'signature_present', 'genai_pass_rate', 'genai_output_pii', "
        "'genai_human_agreement'; did you mean 'metric_threshold'?",
        "mappings/demo.yaml:21:5 checks[3]: missing required key 'kind'",
        "mappings/demo.yaml:25:15 checks[4].severity: expected 'low', 'medium', 'high' or "
        "'critical', got the text 'hgih'; did you mean 'high'?",
        "mappings/demo.yaml:26:40 checks[4].controls[1.1]: expected text, but YAML reads 1.10 "
        "as the number 1.1; put it in quotes: '1.10'",
    ]
    assert str(info.value).startswith("mappings/demo.yaml: 7 problems in this evidence mapping")


def test_model_validator_errors_point_at_the_mapping(tmp_path: Path) -> None:
    text = MAPPING.split("  - kind: metric_threshold\n    id: bias")[0]
    text += "  - kind: text_present\n    id: t\n    title: T\n"
    text += "    controls: {x: [y]}\n    sources: [nowhere]\n"
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, text), EvidenceMapping)
    [issue] = info.value.issues
    assert (issue.line, issue.col, issue.path) == (12, 5, "checks[1]")
    assert issue.message.startswith("unknown source 'nowhere'; use tag:<key>")


class _Range(Frozen):
    """A model whose validator judges the whole document, not one field."""

    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self) -> _Range:
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


def test_whole_document_errors_point_at_the_root(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, "# a range\nlow: 3\nhigh: 1\n"), _Range)
    assert [str(i) for i in info.value.issues] == ["doc.yaml:2:1: low must not exceed high"]


def test_empty_list_is_too_short_but_failed_items_are_not(tmp_path: Path) -> None:
    head = MAPPING.split("checks:")[0]
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, head + "checks: []\n"), EvidenceMapping)
    assert [str(i) for i in info.value.issues] == [
        "doc.yaml:4:9 checks: needs at least 1 item, has 0"
    ]
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, head + "checks: [1]\n"), EvidenceMapping)
    assert [i.path for i in info.value.issues] == ["checks[0]"]


def test_wrong_root_type(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        validate(load(tmp_path, "- a\n- b\n"), MetricThreshold, what="check")
    assert [str(i) for i in info.value.issues] == [
        "doc.yaml:1:1: expected a mapping (key: value), got a list"
    ]
    assert str(info.value).startswith("doc.yaml: 1 problem in this check")


# --------------------------------------------------------------------------- layering


def test_validate_imports_only_errors_safe_yaml_pydantic_and_stdlib() -> None:
    # by name: the package attribute `validate` could be the function, not the module
    module = importlib.import_module("riskcards.load.validate")
    imported = imported_modules(module.__file__)
    allowed_third_party = {"pydantic", "pydantic_core"}
    for name in imported:
        top = name.split(".")[0]
        if top == "riskcards":
            assert name in ("riskcards.errors", "riskcards.load.safe_yaml"), name
        else:
            assert top in allowed_third_party or top in sys.stdlib_module_names, name
