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
matches a NUL). Cheap prefilters per category, computed for all rows of the chunk at once
with numpy from one byte per character naming its class, pick the rows that could match:
how many digits and dots a row holds (one running sum), and whether it holds a short run
that every match of the category contains ('@' for an e-mail address, ``ddd-dd-dddd`` for a
social security number, a digit, separator and four digits for a phone number, ...). Each
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

_PII_CHUNK = 1 << 14  # rows; its arrays of one byte per character stay small
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
    """Which strings of 13 to 19 ASCII digits pass the Luhn check (and are not one digit
    repeated), computed for all at once."""
    if not candidates:
        return np.zeros(0, dtype=bool)
    # left-aligned in 19 columns, NUL-padded on the right
    digits = np.array(candidates, dtype="S19").view(np.uint8).reshape(-1, 19).astype(np.int64)
    present = digits > 0
    digits = np.where(present, digits - ord("0"), 0)
    # the check digit is the last one; double every second digit to its left
    from_right = present.sum(axis=1, keepdims=True) - 1 - np.arange(19)
    doubled = np.where(from_right % 2 == 1, 2 * digits, digits)
    total = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1)
    repeated = ((digits == digits[:, :1]) | ~present).all(axis=1)
    valid: np.ndarray = (total % 10 == 0) & ~repeated
    return valid


Span = tuple[int, int]


def _ascii_digits(digits: str) -> str:
    return "".join(str(unicodedata.decimal(d)) for d in digits)


def _card_spans(text: str) -> list[Span]:
    matches = list(_CARD.finditer(text))
    if not matches:
        return []
    # the matched digits without their separators; `\d` also matches digits of other
    # scripts, which are Luhn-checked as the ASCII digits they stand for
    found = "\n".join(m.group() for m in matches).replace(" ", "").replace("-", "")
    numbers = found.split("\n")
    if not found.isascii():
        numbers = list(map(_ascii_digits, numbers))
    keep = luhn_valid(numbers)
    return [m.span() for m, ok in zip(matches, keep.tolist(), strict=True) if ok]


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


# Prefilters: per row, what every match of a category needs, found for all rows of a chunk
# at once with numpy. A row without it cannot hold a match, so each pattern runs only over
# the rows that pass (most ordinary values pass none) and the counts stay the same. Each
# character becomes one byte naming its class. Characters beyond Latin-1 become "?", taken
# for a digit: `\d` matches every Unicode decimal digit (none in Latin-1 beyond ASCII), and
# taking too much for a digit only lets more rows through.
_OTHER, _DIGIT, _AT, _DOT, _DASH, _COLON, _UPPER, _SPACE, _PLUS, _CLOSE = range(10)
_CLASS_OF = bytearray(256)  # Latin-1 byte -> class
_CLASS_OF[ord("0") : ord("9") + 1] = bytes([_DIGIT]) * 10
_CLASS_OF[ord("A") : ord("Z") + 1] = bytes([_UPPER]) * 26
for _char, _class in {"?": _DIGIT, "@": _AT, ".": _DOT, "-": _DASH, ":": _COLON}.items():
    _CLASS_OF[ord(_char)] = _class
for _char, _class in {" ": _SPACE, "+": _PLUS, ")": _CLOSE}.items():
    _CLASS_OF[ord(_char)] = _class
# digits and dots counted in one pass: digits in the low 16 bits of a uint32, dots above
_DENSE_WEIGHT = np.zeros(256, dtype=np.uint32)
_DENSE_WEIGHT[_DIGIT], _DENSE_WEIGHT[_DOT] = 1, 1 << 16
_LONG = 1 << 16  # a row this long may overflow a count: it passes every count's test

Mask = npt.NDArray[np.bool_]


def _runs(*masks: Mask) -> Mask:
    """Where a run starts whose i-th character is in ``masks[i]`` (all of one length)."""
    n = len(masks[0]) - len(masks) + 1
    if n <= 0:
        return np.zeros(0, dtype=bool)
    at = masks[0][:n].copy()
    for offset, mask in enumerate(masks[1:], start=1):
        at &= mask[offset : offset + n]
    return at


class _Chunk:
    """The prefilters' view of one chunk of rows, NUL-separated in one string."""

    def __init__(self, texts: list[str]) -> None:
        raw = _SEPARATOR.join(texts).encode("latin-1", "replace")  # one byte per character
        if raw.count(0) == len(texts) - 1:  # no NUL inside a value: the separators are rows
            ends = np.flatnonzero(np.frombuffer(raw, np.uint8) == 0)
            self.starts = np.concatenate(([0], ends + 1))
            lengths = np.append(ends, len(raw)) - self.starts
        else:
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            self.starts = np.cumsum(lengths + 1) - (lengths + 1)
        self.lengths = lengths
        self.c = np.frombuffer(raw.translate(_CLASS_OF), np.uint8)
        # a running sum modulo 2**32: the difference of two is still the exact row sum
        dense = np.empty(len(self.c) + 1, dtype=np.uint32)
        dense[0] = 0
        np.cumsum(np.take(_DENSE_WEIGHT, self.c), dtype=np.uint32, out=dense[1:])
        sums = dense[self.starts + lengths] - dense[self.starts]
        long = lengths >= _LONG
        self.digits = np.where(long, _LONG, sums & 0xFFFF)
        self.dots = np.where(long, _LONG, sums >> 16)
        self._masks: dict[int, Mask] = {}

    def is_(self, *classes: int) -> Mask:
        """Per character, whether it is of one of ``classes``."""
        for c in classes:
            if c not in self._masks:
                self._masks[c] = self.c == c
        found = self._masks[classes[0]]
        for c in classes[1:]:
            found = found | self._masks[c]
        return found

    def rows(self, at: Mask) -> Mask:
        """Per row, whether one of the positions set in ``at`` falls in it."""
        found = np.zeros(len(self.starts), dtype=bool)
        found[np.searchsorted(self.starts, np.flatnonzero(at), side="right") - 1] = True
        return found


def _email_rows(c: _Chunk) -> Mask:
    return c.rows(c.is_(_AT)) & (c.dots >= 1)


def _phone_rows(c: _Chunk) -> Mask:
    """7 digits at the least, and one of: "+" before a digit (E.164), ")" (``(555) 123``),
    or a digit and separator before 4 digits (``20 7946``) or before 3 digits, a separator
    and 3 digits (``20 794 609``)."""
    digit, sep = c.is_(_DIGIT), c.is_(_SPACE, _DOT, _DASH)
    marks = c.rows(_runs(c.is_(_PLUS), digit)) | c.rows(c.is_(_CLOSE))
    marks |= c.rows(_runs(digit, sep, digit, digit, digit, digit))
    marks |= c.rows(_runs(digit, sep, digit, digit, digit, sep, digit, digit, digit))
    return (c.digits >= 7) & marks


def _card_rows(c: _Chunk) -> Mask:
    return c.digits >= 13


def _national_id_rows(c: _Chunk) -> Mask:
    """``123-45-6789`` for a social security number, ``QQ 12`` or ``QQ12`` (and 6 digits) for a
    National Insurance number."""
    digit, dash, upper = c.is_(_DIGIT), c.is_(_DASH), c.is_(_UPPER)
    ssn = c.rows(_runs(*[digit] * 3, dash, digit, digit, dash, *[digit] * 4))
    space = c.is_(_SPACE)
    nino = c.rows(_runs(upper, upper, digit, digit)) | c.rows(
        _runs(upper, upper, space, digit, digit)
    )
    return ssn | ((c.digits >= 6) & nino)


def _ip_rows(c: _Chunk) -> Mask:
    at = np.searchsorted(c.starts, np.flatnonzero(c.is_(_COLON)), side="right") - 1
    colons = np.bincount(at, minlength=len(c.starts))
    return ((c.digits >= 4) & (c.dots >= 3)) | (colons >= 2)


_PREFILTERS: dict[PIICategory, Callable[[_Chunk], Mask]] = {
    "email": _email_rows,
    "phone": _phone_rows,
    "card_number": _card_rows,
    "national_id": _national_id_rows,
    "ip_address": _ip_rows,
}


def _rows_with_matches(values: k.AnyArray) -> dict[PIICategory, int]:
    """Per category, how many of ``values`` hold at least one match."""
    texts = values.tolist()
    try:
        chunk = _Chunk(texts)
    except TypeError:  # not all strings (None, numbers): scan str(value)
        texts = list(map(str, texts))
        chunk = _Chunk(texts)
    counts: dict[PIICategory, int] = {}
    for category, detect in _DETECTORS.items():
        candidates = np.flatnonzero(_PREFILTERS[category](chunk))
        if not len(candidates):
            counts[category] = 0
            continue
        picked = [texts[i] for i in candidates.tolist()]
        offsets = [start for start, _ in detect(_SEPARATOR.join(picked))]
        sizes = chunk.lengths[candidates] + 1
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
