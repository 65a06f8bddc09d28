"""JUnit XML for CI dashboards: one test case per assessed control (layer: render).

met -> passed; gap/partial -> failure (an error element for blocking ones is not used: CI
tools treat failures as test results, which is what a gap is); not assessed, not applicable
and waived -> skipped with the reason. Built with the standard library's ElementTree, so
every value from MLflow is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from riskcards.models.assessment import Assessment, ControlStatus

_SKIPPED = {ControlStatus.NOT_ASSESSED, ControlStatus.NOT_APPLICABLE, ControlStatus.WAIVED}
_FAILED = {ControlStatus.GAP, ControlStatus.PARTIAL}


def junit_xml(assessment: Assessment, target: str) -> bytes:
    suites = ET.Element("testsuites", name=f"riskcards {target}")
    for fw in assessment.frameworks:
        failures = sum(1 for c in fw.controls if c.status in _FAILED)
        skipped = sum(1 for c in fw.controls if c.status in _SKIPPED)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=fw.catalogue_id,
            tests=str(len(fw.controls)),
            failures=str(failures),
            errors="0",
            skipped=str(skipped),
            timestamp=assessment.as_of.strftime("%Y-%m-%dT%H:%M:%S"),
        )
        for c in fw.controls:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{fw.catalogue_id}.{'.'.join(c.groups)}",
                name=c.control_id,
            )
            if c.status in _FAILED:
                kind = "blocking gap" if c.blocking else c.status.value
                failure = ET.SubElement(case, "failure", type=kind, message=c.reason[:500])
                failure.text = "\n".join(
                    f"[{r.status.value}] {r.title}: {r.reason}" for r in c.checks
                )
            elif c.status in _SKIPPED:
                ET.SubElement(
                    case, "skipped", message=f"{c.status.value.replace('_', ' ')}: {c.reason[:500]}"
                )
            else:
                out = ET.SubElement(case, "system-out")
                out.text = c.reason
    ET.indent(suites)
    data: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
