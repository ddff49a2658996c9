"""Attachments: content sniffing, empty and oversized files, names, storage, download."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from app.bids.files import safe_display_name
from app.bids.models import BidAttachment
from app.extensions import db

from .conftest import EXE, PDF, PNG


@pytest.fixture
def bid(make, challenge, applicant):
    return make.bid(challenge, user=applicant, state="draft")


def upload(b, bid, data: bytes, name: str, kind="application"):
    return b.post(f"/bids/{bid.public_id}/attachments", {"kind": kind, "file": (io.BytesIO(data), name)},
                  token_from=f"/bids/{bid.public_id}", content_type="multipart/form-data")


def count():
    return db.session.scalar(db.select(db.func.count(BidAttachment.id)))


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_pdf_with_chinese_name_is_stored_by_hash_and_served_as_attachment(app, bid, applicant, as_user):
    b = as_user(applicant)
    r = upload(b, bid, PDF, "揭榜申报书（盖章版）.pdf", kind="signed")
    assert r.status_code == 302
    attachment = db.session.scalar(db.select(BidAttachment))
    assert attachment.display_name == "揭榜申报书（盖章版）.pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.size_bytes == len(PDF)
    assert attachment.content_type == "application/pdf"
    stored = Path(app.config["UPLOAD_FOLDER"]) / "bids" / attachment.sha256[:2] / attachment.sha256
    assert stored.read_bytes() == PDF
    assert Path(app.static_folder) not in stored.parents
    r = b.get(f"/bids/{bid.public_id}/attachments/{attachment.public_id}")
    assert r.status_code == 200 and r.data == PDF
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in r.headers["Cache-Control"]


def test_exe_renamed_to_pdf_is_refused(bid, applicant, as_user):
    r = upload(as_user(applicant), bid, EXE, "技术方案.pdf")
    assert r.status_code == 400
    assert "按文件内容判断类型" in r.get_data(as_text=True)
    assert count() == 0


def test_zero_byte_file_is_refused(bid, applicant, as_user):
    r = upload(as_user(applicant), bid, b"", "空文件.pdf")
    assert r.status_code == 400 and "0 字节" in r.get_data(as_text=True)
    assert count() == 0


def test_oversized_file_is_413_with_a_clear_message(app, bid, applicant, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_FILE_SIZE", 1024)
    r = upload(as_user(applicant), bid, PDF + b"0" * 1024, "大文件.pdf")
    assert r.status_code == 413 and "单个文件不能超过" in r.get_data(as_text=True)
    assert count() == 0


def test_per_bid_total_is_413(app, bid, applicant, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_BID_UPLOAD_TOTAL", len(PDF) + len(PNG) - 1)
    b = as_user(applicant)
    assert upload(b, bid, PDF, "a.pdf").status_code == 302
    r = upload(b, bid, PNG, "b.png")
    assert r.status_code == 413 and "附件合计不能超过" in r.get_data(as_text=True)
    assert count() == 1


def test_request_larger_than_max_content_length_is_413(app, bid, applicant, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    r = upload(as_user(applicant), bid, PDF + b"0" * 4096, "x.pdf")
    assert r.status_code == 413 and "上传内容过大" in r.get_data(as_text=True)
    assert count() == 0


def test_path_traversal_names_are_neutralised(bid, applicant, as_user):
    b = as_user(applicant)
    assert upload(b, bid, PDF, "../../../etc/passwd").status_code == 302
    assert upload(b, bid, PNG, "..\\..\\windows\\系统\\照片.png").status_code == 302
    names = db.session.scalars(db.select(BidAttachment.display_name).order_by(BidAttachment.id)).all()
    assert names[0] == "passwd.pdf" and names[1].endswith("照片.png")
    assert not any(sep in n for n in names for sep in ("/", "\\", ".."))


@pytest.mark.parametrize("raw,expected", [
    ("../../a.pdf", "a.pdf"), ("C:\\x\\y.docx", "y.docx"), ("..", "附件"), (".hidden.pdf", "hidden.pdf"),
    ("a\x00b\n.pdf", "ab.pdf"), ("  报告 .pdf ", "报告 .pdf"), ("", "附件")])
def test_safe_display_name(app, raw, expected):
    with app.test_request_context():
        assert safe_display_name(raw) == expected


def test_word_zip_and_image_accepted_by_content(bid, applicant, as_user):
    b = as_user(applicant)
    assert upload(b, bid, docx_bytes(), "方案.docx").status_code == 302
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("data.txt", "x")
    assert upload(b, bid, plain_zip.getvalue(), "数据.zip").status_code == 302
    assert upload(b, bid, PNG, "照片").status_code == 302             # no extension: one is added
    rows = db.session.scalars(db.select(BidAttachment).order_by(BidAttachment.id)).all()
    assert [a.content_type.split("/")[-1][:20] for a in rows] == [
        "vnd.openxmlformats-o", "zip", "png"]
    assert rows[2].display_name == "照片.png"


def test_removed_attachment_stays_in_the_submitted_version(make, challenge, applicant, as_user):
    bid = make.bid(challenge, user=applicant, state="draft")
    b = as_user(applicant)
    upload(b, bid, PDF, "承诺书.pdf", kind="signed")
    attachment = db.session.scalar(db.select(BidAttachment))
    assert b.post(f"/bids/{bid.public_id}/submit", {"base_version": "0"}, token_from=f"/bids/{bid.public_id}").status_code == 302
    r = b.post(f"/bids/{bid.public_id}/attachments/{attachment.public_id}/remove", {}, token_from=f"/bids/{bid.public_id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert attachment.removed_at is not None and bid.current_attachments == []
    assert bid.latest_version.snapshot["attachments"][0]["sha256"] == attachment.sha256
    assert b.get(f"/bids/{bid.public_id}/attachments/{attachment.public_id}").status_code == 200


def test_attachment_of_another_bid_is_404(make, challenge, applicant, as_user):
    mine = make.bid(challenge, user=applicant, state="draft")
    b = as_user(applicant)
    upload(b, mine, PDF, "a.pdf")
    attachment = db.session.scalar(db.select(BidAttachment))
    other = make.bid(challenge)
    other_user = make.user(role="applicant", organisation=other.organisation)
    assert as_user(other_user).get(f"/bids/{other.public_id}/attachments/{attachment.public_id}").status_code == 404
