"""Issue 9, item 8: documents are bounded before rendering (a page/size budget), so
the render turn is never held for long and an over-long document is refused with a
clear message, no number consumed."""
from __future__ import annotations

import pytest

from app.documents import render
from app.documents.models import DocumentCounter, IssuedDocument
from app.documents.operations import issue_document
from app.extensions import db

PARA = "为贯彻落实创新驱动发展战略，加快解决制约我市产业发展的关键核心技术难题，根据有关规定现就有关事项通知如下。"


def test_too_much_text_is_refused_before_rendering_and_takes_no_number(app, monkeypatch):
    def no_layout(*args, **kwargs):
        raise AssertionError("laid out although over the budget")

    monkeypatch.setattr(render, "_layout", no_layout)
    body = [PARA] * (render.MAX_TEXT_CHARS // len(PARA) + 5)
    with pytest.raises(render.DocumentTooLong, match="超过单份公文20,000字"):
        issue_document("notice", {"title": "关于超长公文的通知", "body": body}, actor=None)
    db.session.rollback()
    assert db.session.query(IssuedDocument).count() == 0
    assert all(c.next_seq == 1 for c in db.session.query(DocumentCounter).all())


def test_too_many_table_rows_are_refused(app):
    table = {"columns": ["序号", "名称"], "rows": [[str(i), "项目"] for i in range(render.MAX_TABLE_ROWS + 1)]}
    with pytest.raises(render.DocumentTooLong, match="表格共"):
        issue_document("notice", {"title": "关于超长表格的通知", "body": [{"table": table}]}, actor=None)


def test_the_budget_counts_text_not_markup():
    assert render.text_length("<p class='x'>焦作&nbsp;市</p>\n<style>p{}</style>") == 3


def test_a_busy_renderer_refuses_instead_of_hanging(monkeypatch):
    monkeypatch.setattr(render, "RENDER_WAIT_SECONDS", 0.05)
    assert render._RENDER_LOCK.acquire(timeout=1)
    try:
        with pytest.raises(render.DocumentRenderError, match="繁忙"):
            render.html_to_pdf("<html><body><p>x</p></body></html>")
    finally:
        render._RENDER_LOCK.release()
