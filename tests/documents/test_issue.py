"""Issuing: numbering, rendering, storage, validation before numbering, corrections."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from app.core.audit import history
from app.core.timeutil import local_today
from app.documents import fonts, render
from app.documents.layout import DocumentContextError
from app.documents.models import DocumentCounter, IssuedDocument
from app.documents.operations import correct_document, issue_document, store
from app.documents.queries import documents_for
from app.documents.types import register_type
from app.extensions import db
from scripts.build_fonts import charset

from .helpers import (NOTICE_TITLE, embedded_font_files, font_unicode_map, issue_notice,
                      issue_publication, notice_context, pdf_text, publication_context)

YEAR = local_today().year


def _counter(issuer="keji"):
    return db.session.scalar(sa.select(DocumentCounter.next_seq).where(
        DocumentCounter.issuer == issuer, DocumentCounter.year == YEAR))


def test_issued_pdf_has_chinese_title_number_and_embedded_fonts(make):
    actor = make.user(role="bureau")
    doc = issue_notice(actor=actor)
    data = store().get(doc.sha256)
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.size_bytes
    assert doc.number == f"焦科〔{YEAR}〕1号"
    text = pdf_text(data)
    assert NOTICE_TITLE in text
    assert doc.number in text
    assert "焦作市科学技术局文件" in text and "各县（市）区科技主管部门：" in text
    assert "一、征集范围" in text and "附件：需求征集表" in text
    assert "—1—" in text                      # page number in "— N —" form
    # the test site's address is localhost: never printed; the verification code is
    assert doc.verify_code in text and "localhost" not in text and "127.0.0.1" not in text
    embedded = embedded_font_files(data)
    assert embedded and all(embedded.values()), embedded
    assert any("JB-Fang" in name for name in embedded)      # the compact face, not the collection
    assert not any("Noto" in name for name in embedded)      # nothing fell back
    events = history(doc)
    assert [e.action for e in events] == ["document_issued"]
    assert events[0].actor_id == actor.id and events[0].data["sha256"] == doc.sha256


def test_numbers_are_per_issuer_and_year_without_gaps():
    first = issue_notice()
    second = issue_notice()
    finance = issue_notice(issuer="caizheng")
    assert (first.seq, second.seq, finance.seq) == (1, 2, 1)
    assert finance.number == f"焦财〔{YEAR}〕1号"
    assert "焦作市财政局文件" in pdf_text(store().get(finance.sha256))


def test_missing_context_key_is_refused_before_a_number_is_taken():
    with pytest.raises(DocumentContextError) as info:
        issue_document("notice", {"title": "关于测试的通知"}, actor=None)
    assert "body" in str(info.value)
    rows = publication_context()
    del rows["challenges"][1]["support_fen"]
    with pytest.raises(DocumentContextError, match="第 2 项缺少：support_fen"):
        issue_document("challenge_publication", rows, actor=None)
    with pytest.raises(DocumentContextError, match="未知的公文类型"):
        issue_document("no_such_type", {}, actor=None)
    with pytest.raises(DocumentContextError, match="主送机关"):
        issue_document("notice", notice_context(), actor=None, addressee="单位" * 151)
    with pytest.raises(DocumentContextError, match="未知的发文机关"):
        issue_document("notice", notice_context(), actor=None, issuer="nobody")
    assert _counter() is None and IssuedDocument.query.count() == 0
    assert issue_notice().seq == 1


def test_template_variable_missing_fails_cleanly_and_returns_the_number():
    # A type whose declared keys do not cover what its template uses: the sandboxed
    # template raises (StrictUndefined) after the number was taken; the savepoint gives it back.
    register_type("broken_test_type", label="测试", template="challenge_publication.html",
                  title="{title}", required=("title",))
    issue_notice()
    with pytest.raises(render.DocumentRenderError, match="batch_name"):
        issue_document("broken_test_type", {"title": "坏模板"}, actor=None)
    assert _counter() == 2
    assert IssuedDocument.query.count() == 1
    db.session.commit()                            # the caller's transaction is still usable
    assert issue_notice().seq == 2


def test_no_cjk_font_refuses_to_issue(monkeypatch):
    monkeypatch.setattr(fonts, "compact_faces", lambda *a: {})
    monkeypatch.setattr(fonts, "system_cjk_families", lambda: {})
    with pytest.raises(fonts.FontsUnavailable, match="fonts-noto-cjk"):
        issue_document("notice", notice_context(), actor=None)
    assert _counter() is None and IssuedDocument.query.count() == 0


def test_rare_character_outside_the_subset_falls_back_to_the_system_face():
    rare = "龘"
    assert ord(rare) not in charset()
    doc = issue_document("notice", notice_context(NOTICE_TITLE, f"生僻字测试：{rare}。"), actor=None)
    data = store().get(doc.sha256)
    fonts_used = font_unicode_map(data)
    drawing = [name for name, points in fonts_used.items() if ord(rare) in points]
    assert drawing and all("NotoSerifCJK" in name.replace("-", "") for name in drawing), fonts_used
    assert all(ord(rare) not in points for name, points in fonts_used.items() if "JB" in name)
    assert f"生僻字测试：{rare}" in pdf_text(data)


def test_publication_notice_lists_the_challenges_with_amounts():
    doc = issue_publication(rows=3)
    assert doc.is_public and doc.doc_type == "challenge_publication"
    text = pdf_text(store().get(doc.sha256))
    assert "关于发布2026年度第一批“揭榜挂帅”榜单的公告" in text
    for i in range(1, 4):
        assert f"高性能锂电池隔膜关键技术攻关{i}" in text
    # 310 + 320 + 330 万元 = 960 万元, in figures and in capitals
    assert "960万元" in text and "玖佰陆拾万元整" in text
    assert "附件2026年度第一批“揭榜挂帅”榜单" in text


def test_documents_for_subject_and_correction_references_the_old(make):
    actor = make.user(role="bureau")
    org = make.org()
    old = issue_notice(actor=actor, subject=org)
    other = issue_notice(actor=actor)
    new = correct_document(old, notice_context("关于开展2026年度揭榜挂帅项目需求征集工作的通知（更正）"),
                           actor=actor, reason="征集截止日期有误")
    db.session.commit()
    assert new.corrects_id == old.id and new.seq == 3 and new.number != old.number
    assert (new.subject_type, new.subject_id) == ("organisations", org.id)
    assert [d.id for d in documents_for(org)] == [old.id, new.id]
    assert other not in documents_for(org)
    db.session.refresh(old)
    assert old.is_superseded and old.corrections == [new]
    assert f"本文件更正并替代{old.number}" in pdf_text(store().get(new.sha256))
    assert [e.action for e in history(old)] == ["document_issued", "document_corrected"]
    with pytest.raises(DocumentContextError, match="理由"):
        correct_document(old, notice_context(), actor=actor, reason="  ")


def test_database_refuses_a_duplicate_number():
    doc = issue_notice()
    clone = IssuedDocument(doc_type="notice", issuer="keji", year=doc.year, seq=doc.seq,
                           number="焦科〔1999〕1号", title="x", is_public=False, is_joint=False,
                           sha256="0" * 64, size_bytes=1, page_count=1, verify_code="dup")
    db.session.add(clone)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_issuer_prefixes_come_from_the_bureaus_and_can_be_overridden(app, monkeypatch, tmp_path):
    import json

    from app.documents import issuers

    assert issuers.get_issuer("keji")["prefix"] == "焦科"
    assert issuers.get_issuer("caizheng")["name"] == "焦作市财政局"
    data = tmp_path / "demo.json"
    data.write_text(json.dumps({"bureaus": [{"name": "某市科学技术局", "short": "市科技局",
                                             "doc_prefix": "某科"}]}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setitem(app.config, "DEMO_DATA_PATH", str(data))
    assert issuers.get_issuer("keji")["prefix"] == "某科"
    assert issue_notice().number == f"某科〔{YEAR}〕1号"
    monkeypatch.setitem(app.config, "DOCUMENT_ISSUERS", {"keji": {
        "name": "测试局", "short": "测试局", "prefix": "测", "office": "测试局办公室"}})
    assert issue_notice().number == f"测〔{YEAR}〕2号"


def test_demo_seed_issues_one_notice_once():
    from app.documents.demo import seed_documents

    lines = []
    seed_documents({}, lines.append)
    seed_documents({}, lines.append)
    db.session.commit()
    assert IssuedDocument.query.filter_by(doc_type="public_notice").count() == 1
    assert "已发出需求征集通知" in lines[0] and "已存在" in lines[1]


def test_demo_notice_is_public_dated_before_its_deadline_and_promises_no_attachment():
    """Issue 9, item 16: 焦科〔2026〕1号 was dated after the deadline it announced and
    promised a 技术需求征集表 attachment it did not have."""
    import re
    from datetime import date, timedelta

    from app.core.timeutil import local_today
    from app.documents.demo import demand_collection_notice, seed_documents

    seed_documents({}, lambda line: None)
    db.session.commit()
    doc = IssuedDocument.query.filter_by(doc_type="public_notice").one()
    assert doc.is_public
    for today in (local_today(), date(2027, 1, 15), date(2026, 12, 31)):
        ctx = demand_collection_notice(today)
        assert str(today.year) in ctx["title"] and "attachments" not in ctx
        y, m, d = map(int, re.search(r"请于(\d+)年(\d+)月(\d+)日前", ctx["body"][-1]).groups())
        assert date(y, m, d) > today + timedelta(days=30)
        assert not any("附件" in str(block) for block in ctx["body"])


def test_extension_b_character_falls_back_to_a_face_that_has_it():
    """𠀀 (U+20000, CJK Extension B) is in no Noto CJK face; the set-up installs
    HanaMinB (fonts-hanazono) and fontconfig's fallback must reach it, not a box."""
    rare = "\U00020000"
    doc = issue_document("notice", notice_context(NOTICE_TITLE, f"扩展B区汉字：{rare}。"), actor=None)
    fonts_used = font_unicode_map(store().get(doc.sha256))
    drawing = [name for name, points in fonts_used.items() if ord(rare) in points]
    assert drawing and all("HanaMin" in name for name in drawing), fonts_used
