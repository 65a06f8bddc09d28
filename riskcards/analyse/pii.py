"""A scan of string columns for personal data; it reports counts and columns, never values.

Layer: analytics. Categories and what counts as a match:

- ``email``: an address such as ``name@example.org``;
- ``phone``: an international number (``+44 20 7946 0958``, ``+14155552671``) or a national
  one written with separators (``(555) 123-4567``, ``020 7946 0958``); bare digit runs are
  not taken for phone numbers;
- ``card_number``: 13 to 19 digits, optionally grouped by spaces or dashes, that pass the
  Luhn check (and are not one digit repeated);
- ``national_id``: a US social security number written ``123-45-6789`` (without the
  never-issued 000, 666 and 9xx areas) or a UK National Insurance number (``QQ 12 34 56 C``);
- ``ip_address``: an IPv4 address, or an IPv6 address that ``ipaddress`` accepts.

The values of a chunk of rows are joined into one string with NUL separators (no pattern
matches a NUL). Cheap prefilters per category (how many digits, '@', '.', '-', ':' and
capitals a row holds, counted for all rows at once) pick the rows that could match; each
pattern then runs once over the join of just those rows; match offsets map back to rows with
``np.searchsorted``. Python loops run over matches, never over rows. Matched text is
checked and dropped inside this module: results hold only counts per column and category.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt

from riskcards.analyse import _numeric as k
from riskcards.analyse.inputs import one_dimensional, same_length
from riskcards.models.analysis import PIICategory, PIIFinding, PIIScan, Source

_PII_CHUNK = 1 << 16
_SEPARATOR = "\x00"

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
# A leading lookahead names the possible first characters, which lets `re` skip ahead fast.
_PHONE = re.compile(
    r"(?=[+(\d])(?<![\w+])(?<!\d[ .-])"
    r"(?:"
    r"\+\d{8,15}"  # E.164 written without separators
    r"|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}"
    r")(?![ .-]?\d)(?!\w)"
)
_CARD = re.compile(r"(?=\d)(?<!\d)(?<!\d[ -])\d(?:[ -]?\d){12,18}(?![ -]?\d)")
_NATIONAL_ID = re.compile(
    r"(?=[\dA-Z])"
    r"(?:(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])"  # US SSN
    r"|(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9]))"  # UK National Insurance number
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?=\d)(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?\d)")
_IPV6 = re.compile(
    r"(?=[0-9A-Fa-f:])(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])"
)


def luhn_valid(candidates: list[str]) -> np.ndarray:
    """Which digit strings (13-19 digits) pass the Luhn check, computed for all at once."""
    if not candidates:
        return np.zeros(0, dtype=bool)
    padded = np.array([c.rjust(19, "0") for c in candidates], dtype="S19")
    digits = padded.view(np.uint8).reshape(-1, 19).astype(np.int64) - ord("0")
    # right-aligned in 19 columns, the check digit is column 18; double every second one
    # to its left (leading zeros add nothing either way)
    doubled = np.arange(19) % 2 == 1
    digits[:, doubled] *= 2
    digits[digits > 9] -= 9
    repeated = np.array([len(set(c)) == 1 for c in candidates], dtype=bool)
    valid: np.ndarray = (digits.sum(axis=1) % 10 == 0) & ~repeated
    return valid


Span = tuple[int, int]


def _ascii_digits(digits: str) -> str:
    return "".join(str(unicodedata.decimal(d)) for d in digits)


def _card_spans(text: str) -> list[Span]:
    spans, numbers = [], []
    for match in _CARD.finditer(text):
        spans.append(match.span())
        # `\d` also matches digits of other scripts: Luhn-check them as ASCII digits
        digits = re.sub(r"[ -]", "", match.group())
        numbers.append(digits if digits.isascii() else _ascii_digits(digits))
    if not spans:
        return []
    keep = luhn_valid(numbers)
    return [s for s, ok in zip(spans, keep.tolist(), strict=True) if ok]


def _ip_spans(text: str) -> list[Span]:
    found = [m.span() for m in _IPV4.finditer(text)]
    for match in _IPV6.finditer(text):
        groups = [g for g in match.group().split(":") if g]
        if len(groups) >= 2 and _is_ipv6(match.group()):
            found.append(match.span())
    return found


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _pattern_spans(pattern: re.Pattern[str]) -> Callable[[str], list[Span]]:
    return lambda text: [m.span() for m in pattern.finditer(text)]


_DETECTORS: dict[PIICategory, Callable[[str], list[Span]]] = {
    "email": _pattern_spans(_EMAIL),
    "phone": _pattern_spans(_PHONE),
    "card_number": _card_spans,
    "national_id": _pattern_spans(_NATIONAL_ID),
    "ip_address": _ip_spans,
}
CATEGORIES: tuple[PIICategory, ...] = tuple(_DETECTORS)


# Prefilters: per category, counts of characters every match needs, read for all rows of
# a chunk at once with numpy. A row that falls short cannot hold a match, so the pattern
# runs only over the rows that pass (most ordinary values pass none), with the same counts.
_CLASSES = ("digit", "@", ".", "-", ":", "upper")  # class 0: any other character
_CLASS_OF = bytearray(256)  # Latin-1 byte -> class (1 + index in _CLASSES)
_CLASS_OF[ord("0") : ord("9") + 1] = b"\x01" * 10
_CLASS_OF[ord("A") : ord("Z") + 1] = b"\x06" * 26
for _class, _char in enumerate("@.-:", start=2):
    _CLASS_OF[ord(_char)] = _class
# Characters beyond Latin-1 are encoded as "?", which counts as a digit: `\d` matches every
# Unicode decimal digit, and counting too many digits only lets more rows through.
_CLASS_OF[ord("?")] = 1
_PREFILTERS: dict[PIICategory, Callable[[dict[str, k.IntArray]], npt.NDArray[np.bool_]]] = {
    "email": lambda c: (c["@"] >= 1) & (c["."] >= 1),
    "phone": lambda c: c["digit"] >= 7,  # (1 digit) + 3 + 3 at the least
    "card_number": lambda c: c["digit"] >= 13,
    "national_id": lambda c: (
        ((c["digit"] >= 9) & (c["-"] >= 2))  # 123-45-6789
        | ((c["digit"] >= 6) & (c["upper"] >= 2))
    ),  # QQ 12 34 56 C
    "ip_address": lambda c: ((c["digit"] >= 4) & (c["."] >= 3)) | (c[":"] >= 2),
}


def _class_counts(text: str, lengths: k.IntArray) -> dict[str, k.IntArray]:
    """Per row (``lengths`` characters each, NUL-separated in ``text``), how many characters
    of each class it holds. One byte per character keeps offsets and is fast to classify."""
    classes = np.frombuffer(text.encode("latin-1", "replace").translate(_CLASS_OF), np.uint8)
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    if not len(classes):
        return {name: np.zeros(len(lengths), dtype=np.int64) for name in _CLASSES}
    ends = np.minimum(starts, len(classes) - 1)
    empty = lengths == 0  # reduceat would count the next row's first character
    return {
        name: np.where(empty, 0, np.add.reduceat(classes == i, ends, dtype=np.int32))
        for i, name in enumerate(_CLASSES, start=1)
    }


def _rows_with_matches(values: k.AnyArray) -> dict[PIICategory, int]:
    """Per category, how many of ``values`` hold at least one match."""
    texts = list(map(str, values.tolist()))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    classes = _class_counts(_SEPARATOR.join(texts), lengths)
    counts: dict[PIICategory, int] = {}
    for category, detect in _DETECTORS.items():
        candidates = np.flatnonzero(_PREFILTERS[category](classes))
        if not len(candidates):
            counts[category] = 0
            continue
        picked = [texts[i] for i in candidates.tolist()]
        offsets = [start for start, _ in detect(_SEPARATOR.join(picked))]
        sizes = np.fromiter(map(len, picked), dtype=np.int64, count=len(picked)) + 1
        starts = np.cumsum(sizes) - sizes
        rows = np.searchsorted(starts, np.asarray(offsets, dtype=np.int64), side="right") - 1
        counts[category] = len(np.unique(rows))
    return counts


def scan_pii(columns: Mapping[str, object], *, source: Source | None = None) -> PIIScan:
    """Count, per string column and category, the rows that hold personal data.

    Columns whose dtype is not text or object (numbers, booleans, dates) are not scanned;
    in object columns every value is scanned as ``str(value)``, so a card number stored as
    an integer among strings is still found. The result never contains a matched value.
    """
    source = source or Source()
    arrays = {n: one_dimensional(v, table=source.table, column=n) for n, v in columns.items()}
    rows = same_length(source.table, arrays) if arrays else 0
    scanned = [n for n, v in arrays.items() if v.dtype.kind in "USO"]
    findings = []
    for name in scanned:
        totals = dict.fromkeys(CATEGORIES, 0)
        for part in k.chunks(rows, _PII_CHUNK):
            for category, count in _rows_with_matches(arrays[name][part]).items():
                totals[category] += count
        findings += [
            PIIFinding(column=name, category=category, rows=count, share=count / rows)
            for category, count in totals.items()
            if count
        ]
    return PIIScan(
        source=source, rows=rows, columns_scanned=tuple(scanned), findings=tuple(findings)
    )


def mask_pii(text: str) -> tuple[str, tuple[PIICategory, ...]]:
    """``text`` with each match replaced by ``[<category>]``, and the categories found."""
    spans = sorted((span, c) for c, detect in _DETECTORS.items() for span in detect(text))
    parts, found, end = [], set(), 0
    for (start, stop), category in spans:
        if start < end:  # overlaps an earlier match: already masked
            continue
        parts += [text[end:start], f"[{category}]"]
        found.add(category)
        end = stop
    parts.append(text[end:])
    return "".join(parts), tuple(c for c in CATEGORIES if c in found)
