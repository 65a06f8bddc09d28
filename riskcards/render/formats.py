"""The registry of output formats (layer: render): what a release can write, and in what order.

An :class:`OutputFormat` has a name (what ``--format`` takes), a description, whether it is
in the default set, a :class:`Stage` (formats run in stage order, then in the order they were
registered) and a render function. The render function receives the
:class:`~riskcards.render.job.RenderJob` and every file the earlier formats made, and returns
its own :class:`~riskcards.models.bundle.BundleFile` objects: each with its own ``kind`` and
``format``, which the manifest records.

=========  =======  ========  ==========================================================
name       default  stage     files
=========  =======  ========  ==========================================================
``html``   yes      DOCUMENT  model card, dataset sheets, gap reports (HTML)
``pdf``    yes      DERIVED   a PDF/A-3b of each HTML document, evidence.json embedded
``json``   yes      DATA      each gap report as JSON
``junit``  no       DATA      junit.xml, one test case per control
``md``     yes      SUMMARY   summary.md, which lists every other file
=========  =======  ========  ==========================================================

The exports ``oscal``, ``cyclonedx``, ``hf`` and ``tickets`` (stage DATA, not default) are
described in :mod:`riskcards.render.exports`.

``evidence.json`` and ``analytics.json`` (stage EVIDENCE) are the evidence the bundle was
rendered from: they are always written, whatever the formats, and are not in the registry.
Asking for ``pdf`` without ``html`` builds the HTML in memory for the PDF but writes none.

Another format registers itself with :func:`register_format` (or, for a while,
:func:`registered_format`); nothing in riskcards changes::

    from riskcards.models.bundle import BundleFile
    from riskcards.render.formats import OutputFormat, register_format

    def csv_gaps(job, made):
        rows = [f"{fw.catalogue_id},{c.control_id},{c.status.value}"
                for fw in job.assessment.frameworks for c in fw.controls]
        return [BundleFile(path="gaps.csv", kind="gap-list", format="csv",
                           content=("\\n".join(rows) + "\\n").encode())]

    register_format(OutputFormat("csv", "every control's status as CSV", csv_gaps))
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum

from riskcards.errors import UsageError
from riskcards.models.bundle import BundleFile
from riskcards.render import builtin, exports
from riskcards.render.job import RenderJob

RenderFunction = Callable[[RenderJob, Sequence[BundleFile]], Iterable[BundleFile]]
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Stage(IntEnum):
    """When a format runs: a later stage sees every file of the earlier ones."""

    DOCUMENT = 100  # the documents themselves (HTML)
    DERIVED = 200  # made from the documents (PDF)
    DATA = 300  # machine-readable results (JSON, JUnit); the default for a new format
    EVIDENCE = 400  # evidence.json and analytics.json, always written
    SUMMARY = 900  # summary.md: lists every file made before it


@dataclass(frozen=True)
class OutputFormat:
    """One kind of output a release can write, selected by ``name``."""

    name: str
    description: str
    render: RenderFunction
    default: bool = False
    stage: int = Stage.DATA

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(
                f"output format name {self.name!r}: lower-case letters, digits, '-' and '_'"
            )


_FORMATS: dict[str, OutputFormat] = {}

# Not registered: the evidence is always written, so it is not a format one can choose.
EVIDENCE_FORMAT = OutputFormat(
    "evidence",
    "evidence.json and analytics.json: what the bundle was rendered from (always written)",
    builtin.evidence_files,
    stage=Stage.EVIDENCE,
)


def register_format(fmt: OutputFormat) -> None:
    """Make ``fmt`` selectable by its name. A name can have one format."""
    if not isinstance(fmt, OutputFormat):
        raise TypeError(f"{fmt!r} is not a riskcards.render.formats.OutputFormat")
    if fmt.name == EVIDENCE_FORMAT.name or _FORMATS.get(fmt.name, fmt) is not fmt:
        raise ValueError(f"output format {fmt.name!r} is already registered")
    _FORMATS[fmt.name] = fmt


def unregister_format(fmt: OutputFormat | str) -> None:
    """Remove a format registered with :func:`register_format` (for tests and plugins)."""
    name = fmt if isinstance(fmt, str) else fmt.name
    if isinstance(fmt, str) or _FORMATS.get(name) is fmt:
        _FORMATS.pop(name, None)


@contextmanager
def registered_format(fmt: OutputFormat) -> Iterator[OutputFormat]:
    """A format registered for the duration of a ``with`` block."""
    register_format(fmt)
    try:
        yield fmt
    finally:
        unregister_format(fmt)


def formats() -> tuple[OutputFormat, ...]:
    """Every registered format, in the order they run (stage, then registration)."""
    return tuple(sorted(_FORMATS.values(), key=lambda f: f.stage))  # sorted() is stable


def default_formats() -> tuple[str, ...]:
    """The names of the formats a release writes when none is named."""
    return tuple(f.name for f in formats() if f.default)


def _unknown(name: str) -> UsageError:
    known = sorted(_FORMATS)
    near = difflib.get_close_matches(name.casefold(), known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    return UsageError(f"unknown output format {name!r}{hint} (known: {', '.join(known)})")


def selected(names: Sequence[str] | None = None) -> tuple[OutputFormat, ...]:
    """The formats to run for ``names`` (None: the default set), the evidence always among
    them, in the order they run. An unknown name is a usage error with the near matches."""
    if isinstance(names, str):  # one name, not its letters
        names = (names,)
    chosen = default_formats() if names is None else tuple(names)
    unknown = [name for name in chosen if name not in _FORMATS]
    if unknown:
        raise _unknown(unknown[0])
    run = [f for f in formats() if f.name in chosen]
    return tuple(sorted([*run, EVIDENCE_FORMAT], key=lambda f: f.stage))  # stable: keeps order


BUILTIN_FORMATS = (
    OutputFormat(
        "html",
        "the model card, dataset sheets and gap reports as HTML",
        builtin.html_files,
        default=True,
        stage=Stage.DOCUMENT,
    ),
    OutputFormat(
        "pdf",
        "a PDF/A-3b of each HTML document, with evidence.json embedded",
        builtin.pdf_files,
        default=True,
        stage=Stage.DERIVED,
    ),
    OutputFormat(
        "json", "each gap report as JSON", builtin.json_files, default=True, stage=Stage.DATA
    ),
    OutputFormat("junit", "junit.xml: one test case per control, for CI", builtin.junit_files),
    OutputFormat(
        "md",
        "summary.md: the release at a glance, listing every other file",
        builtin.summary_files,
        default=True,
        stage=Stage.SUMMARY,
    ),
)
for _fmt in BUILTIN_FORMATS:
    register_format(_fmt)

# The exports for other tools (riskcards.render.exports), off by default, after the JSON.
EXPORT_FORMATS = (
    OutputFormat(
        "oscal", "OSCAL catalog, assessment plan and results per framework", exports.oscal_files
    ),
    OutputFormat(
        "cyclonedx",
        "ml-bom.cdx.json: a CycloneDX 1.6 ML-BOM with declarations",
        exports.cyclonedx_files,
    ),
    OutputFormat("hf", "huggingface/README.md: a Hugging Face model card", exports.hf_files),
    OutputFormat(
        "tickets",
        "tickets/*.json: GitHub and Jira issue payloads, one per gap",
        exports.ticket_files,
    ),
)
for _fmt in EXPORT_FORMATS:
    register_format(_fmt)
