"""Download, zip download and public verification pages."""
from __future__ import annotations

import io
import zipfile

from app.core.models import AuditEvent
from app.extensions import db

from app.documents.operations import store

from .helpers import NOTICE_TITLE, issue_notice, issue_publication


def test_redownload_returns_identical_bytes_with_a_filename(login_as):
    doc = issue_notice()
    bureau = login_as("bureau")
    first = bureau.get(f"/documents/{doc.id}/download")
    second = bureau.get(f"/documents/{doc.id}/download")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data == store().get(doc.sha256)
    assert first.mimetype == "application/pdf"
    disposition = first.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="jiebang-document-{doc.id}.pdf"')
    assert "filename*=UTF-8''%E7%84%A6%E7%A7%91" in disposition  # 焦科…
    assert first.headers["X-Content-SHA256"] == doc.sha256


def test_only_public_notices_are_downloadable_by_everyone(client, login_as):
    private = issue_notice()
    public = issue_publication(rows=1)
    assert client.get(f"/documents/{public.id}/download").status_code == 200
    assert client.get(f"/documents/{private.id}/download").status_code == 302
    assert login_as("applicant").get(f"/documents/{private.id}/download").status_code == 404  # not allowed looks like missing
    assert login_as("finance").get(f"/documents/{private.id}/download").status_code == 200


def test_staff_list_shows_documents(login_as):
    doc = issue_notice()
    page = login_as("finance").get("/documents/").get_data(as_text=True)
    assert doc.number in page and NOTICE_TITLE in page


def test_verification_page_shows_number_title_issuer_date_and_hash(client):
    doc = issue_notice()
    page = client.get(f"/verify/{doc.verify_code}").get_data(as_text=True)
    for text in (doc.number, NOTICE_TITLE, "焦作市科学技术局", doc.sha256, "北京时间"):
        assert text in page
    assert client.get("/verify/unknown").status_code == 404


def _upload(browser, data: bytes, name="doc.pdf"):
    return browser.post("/verify", {"file": (io.BytesIO(data), name)}, token_from="/verify",
                        content_type="multipart/form-data")


def test_upload_identical_pdf_matches_and_tampered_pdf_does_not(browser):
    doc = issue_notice()
    original = store().get(doc.sha256)
    ok = _upload(browser, original)
    assert ok.status_code == 200
    assert "核验通过" in ok.get_data(as_text=True) and doc.number in ok.get_data(as_text=True)
    tampered = bytearray(original)
    at = original.index(b"/Producer") if b"/Producer" in original else len(original) // 2
    tampered[at + 12] ^= 0x01
    bad = _upload(browser, bytes(tampered))
    assert bad.status_code == 200
    body = bad.get_data(as_text=True)
    assert "核验未通过" in body and doc.number not in body


def test_upload_rejects_non_pdf_empty_and_oversized(browser, app, monkeypatch):
    not_pdf = _upload(browser, b"GIF89a not a pdf", "x.pdf")
    assert not_pdf.status_code == 400 and "不是 PDF 文件" in not_pdf.get_data(as_text=True)
    missing = browser.post("/verify", {}, token_from="/verify")
    assert missing.status_code == 400 and "请选择要核验的 PDF 文件" in missing.get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAX_FILE_SIZE", 2000)   # small body: no spooled temp file
    assert _upload(browser, b"%PDF-" + b"0" * 1995).status_code == 200
    big = _upload(browser, b"%PDF-" + b"0" * 1996)
    assert big.status_code == 413 and "上传内容过大" in big.get_data(as_text=True)


def test_zip_download_holds_the_selected_documents(login_as):
    a, b = issue_notice(), issue_notice(issuer="caizheng")
    bureau = login_as("bureau")
    response = bureau.post("/documents/zip", {"ids": [str(a.id), str(b.id)]}, token_from="/documents/")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted([a.filename, b.filename])
    assert archive.read(a.filename) == store().get(a.sha256)
    again = bureau.post("/documents/zip", {"ids": [str(b.id), str(a.id)]}, token_from="/documents/")
    assert again.data == response.data
    exports = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "documents_exported")).all()
    assert len(exports) == 2 and exports[0].actor_id == bureau.user.id   # every export is audited
    assert sorted(exports[0].data["numbers"]) == sorted([a.number, b.number])
    assert bureau.post("/documents/zip", {}, token_from="/documents/").status_code == 400
    assert bureau.post("/documents/zip", {"ids": ["999999"]}, token_from="/documents/").status_code == 404
    assert bureau.post("/documents/zip", {"ids": ["abc"]}, token_from="/documents/").status_code == 400


def test_a_type_may_admit_other_downloaders(login_as, make):
    from app.documents.operations import issue_document
    from app.documents.types import get_type, register_type
    from app.extensions import db

    from .helpers import notice_context

    base = get_type("notice")
    owner = make.user(role="applicant")
    register_type("owned_notice_test", label="测试", template=base.template, title="{title}",
                  required=base.required, prepare=base.prepare,
                  may_download=lambda doc, user: doc.subject_id == user.organisation_id)
    doc = issue_document("owned_notice_test", notice_context(), subject=owner.organisation, actor=None)
    db.session.commit()
    url = f"/documents/{doc.id}/download"
    owner_browser = login_as("applicant", organisation=owner.organisation)
    assert owner_browser.get(url).status_code == 200
    assert login_as("applicant").get(url).status_code == 404  # not allowed looks like missing
