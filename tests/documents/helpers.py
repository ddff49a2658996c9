"""Helpers shared by the documents tests and the access matrix rows."""
from __future__ import annotations

import io

from pypdf import PdfReader

from app.documents.operations import issue_document
from app.extensions import db

NOTICE_TITLE = "关于开展2026年度揭榜挂帅项目需求征集工作的通知"


def notice_context(title: str = NOTICE_TITLE, *extra: str) -> dict:
    return {
        "title": title,
        "body": ["为贯彻落实创新驱动发展战略，现就有关事项通知如下。",
                 {"h1": "征集范围"}, "面向全市重点产业链企业征集关键核心技术需求。", *extra],
        "attachments": ["需求征集表"],
    }


def publication_context(rows: int = 3) -> dict:
    """The context the challenges domain passes for a 榜单发布公告."""
    fields = ["新材料", "装备制造", "生物医药"]
    return {
        "batch_name": "2026年度第一批",
        "challenges": [
            {"title": f"高性能锂电池隔膜关键技术攻关{i}", "field": fields[i % 3],
             "issuer_name": "焦作市强耐新材料股份有限公司", "support_fen": (300 + i * 10) * 10_000_00,
             "time_limit_months": 24, "slots": 1 + i % 2, "bid_deadline_text": "2026年12月31日17:00"}
            for i in range(1, rows + 1)
        ],
        "bid_deadline_text": "2026年12月31日17:00",
        "contact": "焦作市科学技术局成果转化科，电话：0391-3568000。",
    }


def issue_notice(*, actor=None, subject=None, issuer="keji", **kwargs):
    doc = issue_document("notice", notice_context(), actor=actor, subject=subject, issuer=issuer,
                         addressee="各县（市）区科技主管部门", **kwargs)
    db.session.commit()
    return doc


def issue_publication(*, actor=None, rows: int = 3):
    doc = issue_document("challenge_publication", publication_context(rows), actor=actor)
    db.session.commit()
    return doc


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def font_unicode_map(data: bytes) -> dict[str, set[int]]:
    """BaseFont name -> the code points its ToUnicode CMap maps to (what it draws)."""
    import re

    reader = PdfReader(io.BytesIO(data))
    result: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            points = result.setdefault(name, set())
            cmap = font.get("/ToUnicode")
            if cmap is None:
                continue
            text = cmap.get_object().get_data().decode("latin-1")
            for hexes in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", text):
                raw = bytes.fromhex(hexes)
                points.update(ord(c) for c in raw.decode("utf-16-be", errors="ignore"))
    return result


def embedded_font_files(data: bytes) -> dict[str, bool]:
    """BaseFont name -> whether its outlines are embedded (FontFile/FontFile2/FontFile3)."""
    reader = PdfReader(io.BytesIO(data))
    out = {}
    for page in reader.pages:
        for ref in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            out[name] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return out
