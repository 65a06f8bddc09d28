"""Naming the first differing section of a file, by kind."""

from __future__ import annotations

from riskcards.record.verify import section


def test_json_names_the_path() -> None:
    old = b'{"a": {"b": [1, 2, 3]}, "c": 1}'
    new = b'{"a": {"b": [1, 5, 3]}, "c": 1}'
    assert section("x.json", old, new).startswith("$.a.b[1]")


def test_html_and_markdown_name_the_heading() -> None:
    old = b"<h1>Card</h1><p>x</p><h2 id='m'>Metrics <em>all</em></h2><p>0.91</p>"
    new = old.replace(b"0.91", b"0.81")
    assert section("card.html", old, new).startswith('section "Metrics all"')
    md = b"# Summary\n\n## Gate\n\npass\n"
    assert section("summary.md", md, md.replace(b"pass", b"fail")).startswith('section "Gate"')


def test_pdf_names_the_object_and_others_the_byte() -> None:
    old = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n12 0 obj\n(abc)\nendobj"
    new = old.replace(b"abc", b"abd")
    assert section("a.pdf", old, new).startswith("PDF object 12")
    assert section("a.bin", b"abc", b"abd") == "byte 2"
    assert section("a.bin", b"abc", b"abcd") == "byte 3"
