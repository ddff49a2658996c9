"""Rendering safety (sandbox, escaping, URL fetcher), joint marks, body structure."""
from __future__ import annotations

from datetime import date

import pytest

from app.documents import fonts, render
from app.documents.compose import compose_html
from app.documents.issuers import format_number
from app.documents.layout import DocumentContextError, structure_body
from app.documents.types import get_type, register_type

from .helpers import notice_context, pdf_text


def _html(context, kind="notice", **header):
    header = {"issuer": "keji", "number": "焦科〔2026〕7号", "title": context.get("title", "标题"),
              "issued_on": date(2026, 11, 21), "verify_url": "http://localhost/verify/x", **header}
    return compose_html(get_type(kind), context, **header)


def test_number_format_follows_rule_19():
    assert format_number("焦科", 2026, 12) == "焦科〔2026〕12号"
    assert format_number("焦财", 2027, 1) == "焦财〔2027〕1号"


def test_headings_are_numbered_per_level_and_restart():
    body = structure_body(["引言", {"h1": "甲"}, {"h2": "乙"}, {"h2": "丙"}, {"h3": "丁"}, {"h4": "戊"},
                          {"h1": "己"}, {"h2": "庚"}])
    labels = [b.get("label") for b in body if b["kind"] != "p"]
    assert labels == ["一、", "（一）", "（二）", "1.", "（1）", "二、", "（一）"]
    with pytest.raises(DocumentContextError, match="第 2 段"):
        structure_body(["ok", {"h9": "bad"}])
    with pytest.raises(DocumentContextError, match="第 1 行应有 2 列"):
        structure_body([{"table": {"columns": ["a", "b"], "rows": [["1"]]}}])


def test_context_text_is_escaped_and_the_sandbox_blocks_attribute_access():
    html = _html(notice_context("关于<script>alert(1)</script>的通知"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        render.JINJA.from_string("{{ x.__class__.__mro__ }}").render(x="")


def test_fetcher_refuses_network_and_files_outside_the_assets():
    fetcher = render.asset_fetcher()
    for url in ("http://example.com/x.png", "https://example.com/a.css", "ftp://example.com/f",
                "file:///etc/passwd", f"file://{fonts.ROOT}/config.py"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    face = next(iter(fonts.compact_faces().values()))
    assert fetcher.fetch(face.resolve().as_uri()) is not None


def test_external_references_in_a_template_are_not_fetched():
    html = _html(notice_context()).replace(
        "</main>", '<img src="http://192.0.2.1/track.png"><img src="file:///etc/hostname"></main>')
    pdf = render.html_to_pdf(html)          # renders; the images are refused, not fetched
    assert pdf.startswith(b"%PDF-") and "track" not in pdf_text(pdf)


def test_joint_document_shows_both_bureaus():
    base = get_type("notice")
    kind = register_type("joint_test", label="立项通知书", template="notice.html", title="{title}",
                         required=base.required, prepare=base.prepare, joint=True)
    html = compose_html(kind, notice_context("关于下达项目立项的通知"), issuer="keji",
                        number="焦科〔2026〕3号", title="关于下达项目立项的通知",
                        issued_on=date(2026, 11, 21), verify_url="http://localhost/verify/x")
    text = pdf_text(render.html_to_pdf(html))
    assert "焦作市科学技术局" in text and "焦作市财政局" in text and "文件" in text
    assert text.count("焦作市财政局") >= 2        # mark and signature
