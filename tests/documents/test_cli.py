"""flask documents doctor / render-batch."""
from __future__ import annotations

import json

from app.documents.models import IssuedDocument
from app.documents.operations import store

from .helpers import issue_notice, notice_context


def test_doctor_reports_faces_and_times_a_notice(app):
    result = app.test_cli_runner().invoke(args=["documents", "doctor"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "仿宋（正文、附件说明、署名、成文日期、版记）：JB Fang ← FandolFang" in out
    assert "小标宋（发文机关标志、标题）：JB Xbs ← Noto Serif CJK SC Black" in out
    assert "黑体（一级标题“一、”、表头）：JB Hei ← Noto Sans CJK SC" in out
    assert "楷体（二级标题“（一）”）：JB Kai ← FandolKai" in out
    assert "GB 2312 缺字 0" in out and "texlive-lang-chinese" in out
    assert "Noto Serif CJK SC: /" in out
    assert "中位数" in out and "JB-Fang" in out and "JB-Xbs" in out


def test_render_batch_issues_from_json_and_verifies_the_store(app, make, tmp_path):
    user = make.user(role="finance")
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([{"context": notice_context(f"关于拨付第{i}批资金的通知"),
                                  "addressee": "各项目承担单位"} for i in (1, 2)], ensure_ascii=False),
                     encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "render-batch", "--from-json", str(batch),
                                 "--issuer", "caizheng", "--actor", user.email, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    docs = IssuedDocument.query.order_by(IssuedDocument.seq).all()
    assert [d.seq for d in docs] == [1, 2] and all(d.issuer == "caizheng" for d in docs)
    assert all(d.issued_by_id == user.id for d in docs)
    assert (tmp_path / "out" / docs[0].filename).read_bytes() == store().get(docs[0].sha256)

    ok = runner.invoke(args=["documents", "render-batch", "--verify"])
    assert ok.exit_code == 0 and "2 份已发公文全部完好" in ok.output
    store().path_for(docs[1].sha256).write_bytes(b"%PDF-tampered")
    bad = runner.invoke(args=["documents", "render-batch", "--verify"])
    assert bad.exit_code != 0 and docs[1].number in bad.output


def test_render_batch_stops_at_a_bad_entry_without_using_a_number(app, tmp_path):
    issue_notice()
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([{"context": notice_context()}, {"context": {"title": "缺正文"}}],
                                ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["documents", "render-batch", "--from-json", str(batch)])
    assert result.exit_code != 0 and "第 2 份失败" in result.output and "body" in result.output
    assert [d.seq for d in IssuedDocument.query.order_by(IssuedDocument.seq)] == [1, 2]


def test_render_batch_samples(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["documents", "render-batch", "--sample", "2",
                                                "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 份样稿" in result.output
    assert (tmp_path / "sample-0002.pdf").read_bytes().startswith(b"%PDF-")
    assert IssuedDocument.query.count() == 0
