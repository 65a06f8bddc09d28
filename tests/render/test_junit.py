"""JUnit XML: one test case per assessed control; gaps fail, undecided controls are skipped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import ControlStatus
from riskcards.render.junit import junit_xml
from tests.render.conftest import assessed


def test_one_case_per_control_and_failures_for_gaps(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    root = ET.fromstring(junit_xml(a, ev.target.uri))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f.catalogue_id for f in a.frameworks]
    for suite, fw in zip(suites, a.frameworks, strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [c.control_id for c in fw.controls]
        failed = sum(
            1 for c in fw.controls if c.status in {ControlStatus.GAP, ControlStatus.PARTIAL}
        )
        assert suite.get("failures") == str(failed) == str(len(suite.findall("testcase/failure")))
