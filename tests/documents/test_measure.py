"""Every registered document type, with ordinary and extreme content, measured from its
PDF against GB/T 9704-2012: face per role, mark top, number-to-rule gap, title breaks,
26 characters after the indent, nothing outside the text block, 版记 at the foot of an
even last page, signature never alone, PDF/A-2b metadata, unique subset names.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import pytest

import app.bids.documents  # noqa: F401  (registers bid_summary)
import app.projects.documents  # noqa: F401  (registers the project documents)
from app.documents import render
from app.documents.compose import compose_html
from app.documents.titles import MIN_LINE, words
from app.documents.types import all_types, get_type, register_type

from .measure import BLOCK, PT, Measured
from .samples import CC_EIGHT, LONG_TITLE, SAMPLES

JOINT = "joint_measure"       # stands for the coming 立项通知书 (科技局 + 财政局)
VERIFY = "https://kjj.jiaozuo.gov.cn/verify/AbCdEfGhIjKl"
INDENT_X = BLOCK["left"] + 31.56 * PT

register_type(JOINT, label="立项通知书", template="notice.html", title="{title}",
              required=get_type("notice").required, prepare=get_type("notice").prepare, joint=True)
SAMPLES = {**SAMPLES, JOINT: SAMPLES["notice"]}


def cases():
    return [(key, variant) for key in sorted(SAMPLES) for variant in ("ordinary", "extreme")]


@lru_cache(maxsize=None)
def measured(key: str, variant: str) -> tuple[Measured, dict]:
    kind = get_type(key)
    context = SAMPLES[key][variant == "extreme"]()
    header = dict(issuer="keji", number="焦科〔2026〕12号" if kind.official else "揭榜申报登记2026-0012",
                  title=kind.title_for(context), issued_on=date(2026, 12, 29), verify_url=VERIFY,
                  addressee="各县（市）区科技主管部门，各有关单位" if kind.official else None,
                  cc=(CC_EIGHT if variant == "extreme" else ["市财政局"]) if kind.official else None)
    html = compose_html(kind, context, **header)
    pdf = render.html_to_pdf(html, seed=f"{key}|{variant}")
    return Measured(pdf), header


def test_every_registered_type_has_samples():
    missing = [key for key in all_types() if key not in SAMPLES and "test" not in key]
    assert not missing, f"add ordinary/extreme samples to tests/documents/samples.py for {missing}"
    assert len(LONG_TITLE) == 60


@pytest.mark.parametrize("key,variant", cases())
def test_layout_measured_from_the_pdf(key, variant):
    m, header = measured(key, variant)
    kind = get_type(key)
    text = "".join(line.text for line in m.lines)

    # Nothing leaves the text block (page numbers below it excepted).
    assert m.outside_block() == []
    # Content: no doubled colon, no stray spaces around numbers, no development address.
    assert "：：" not in text and "localhost" not in text and "127.0.0.1" not in text
    assert m.stray_spaces() == []

    title = m_title_lines(m)
    assert "".join(title) == header["title"].replace(" ", "")
    pieces = words(header["title"])
    boundaries = {sum(len(p) for p in pieces[:i]) for i in range(len(pieces) + 1)}
    offset = 0
    for line in title[:-1]:
        offset += len(line)
        assert offset in boundaries, f"title broken inside a word after {line!r}"
    assert all(len(line) >= MIN_LINE for line in title)
    lengths = [len(line) for line in title]
    assert lengths == sorted(lengths) or lengths == sorted(lengths, reverse=True) or (
        len(lengths) >= 3 and max(lengths[1:-1]) >= max(lengths[0], lengths[-1])), lengths
    assert all("JB-Xbs" in f or "Noto" in f for f in m_title_fonts(m))

    # Body face and 26 characters on a first line after the two-character indent.
    body = [line for line in m.lines if abs(line.chars[0].size - 16) < 0.1 and "JB-Fang" in "".join(line.fonts)]
    assert body
    first_lines = [line for i, line in enumerate(m.lines[:-1])
                   if abs(line.chars[0].x0 - INDENT_X) < 0.4 and abs(line.chars[0].size - 16) < 0.1
                   and all("JB-Fang" in f for f in line.fonts)
                   and all(ord(c.c) > 0x2E80 for c in line.chars)
                   and abs(m.lines[i + 1].chars[0].x0 - BLOCK["left"]) < 0.4
                   and m.lines[i + 1].page == line.page
                   and abs(m.lines[i + 1].chars[0].baseline - line.chars[0].baseline - 28 * PT) < 0.2]
    if variant == "ordinary" and kind.key != "bid_summary":
        assert first_lines, "no full first line found"
    for line in first_lines:
        assert len(line.text) == 26, line.text

    if not kind.official:
        assert "文件" not in m.lines[0].text and not _red(m)
        assert "揭榜申报登记2026-0012" in text and "印发" not in text
        return

    # Header: faces, mark top 35 mm into the block, 4 mm from the number to the rule.
    mark = [line for line in m.lines_on(1) if "文件" in line.text][0]
    mark_lines = [line for line in m.lines_on(1) if line.chars[0].color == mark.chars[0].color
                  and line.chars[0].baseline <= mark.chars[0].baseline + 20]
    mark_top = min(c.top for line in mark_lines for c in line.chars)
    assert abs(mark_top - (BLOCK["top"] + 35)) < 0.3, mark_top
    assert all(f.endswith("JB-Xbs") for line in mark_lines for f in line.fonts)
    number = m.find(header["number"], page=1)
    rule_top, rule_bottom = m.red_rule()
    gap = rule_top - max(c.bottom for c in number.chars)
    assert abs(gap - 4.0) < 0.2, gap
    assert m.font_of(header["number"], 1) == {"JB-Fang"}
    # Page 1 still carries body text.
    assert any(line.page == 1 and line.chars[0].baseline > rule_bottom + 40 for line in body)
    # Heading faces: 一、 黑体 (regular), （一） 楷体.
    if key in ("notice", JOINT):
        assert m.font_of("一、", None) == {"JB-Hei"}
        assert m.font_of("（一）", None) == {"JB-Kai"}
    # Page numbers: 宋体, odd right and even left; the 版记 page after a blank is unnumbered.
    for page in range(1, m.pages + 1):
        folio = m.folio(page)
        if folio is None:
            continue
        assert {f.split("+")[-1] for f in folio.fonts} == {"JB-Song"}
        assert folio.text.replace(" ", "") == f"—{page}—"
        centre = (folio.chars[0].x0 + folio.chars[-1].x1) / 2
        assert (centre > 105) == (page % 2 == 1)

    # The end: attachments and signature before the 版记; 版记 at the foot of an even last page.
    assert m.pages % 2 == 0
    last = m.lines_on(m.pages)
    printed = [line for line in last if "印发" in line.text]
    assert printed and max(c.bottom for c in printed[-1].chars) < BLOCK["bottom"]
    rules = m.hlines(m.pages)
    assert [h for _top, h in rules] in ([0.35, 0.25, 0.35], [0.35, 0.35])
    assert abs(rules[-1][0] + rules[-1][1] - BLOCK["bottom"]) < 0.3
    # no empty band: the rules enclose exactly their lines (24 pt each)
    for (top, h), (next_top, _h) in zip(rules, rules[1:]):
        inside = [line for line in last if top < line.chars[0].baseline < next_top]
        baselines = {round(line.chars[0].baseline, 1) for line in inside}
        assert baselines and abs((next_top - top - h) - len(baselines) * 24 * PT) < 0.3
    if variant == "extreme":
        cc = [line for line in last if rules[0][0] < line.chars[0].baseline < rules[1][0]]
        label = [line for line in cc if line.text.startswith("抄送：")][0]
        organs = [line for line in cc if not line.text.startswith("抄送")]
        assert len(organs) >= 2                  # wrapped, and aligned after the colon
        assert all(abs(line.chars[0].x0 - organs[0].chars[0].x0) < 0.3 for line in organs)
        assert abs(organs[0].chars[0].x0 - label.chars[2].x1) < 0.5
    date_line = m.find("2026年12月29日", None)
    date_lines = [line for line in m.lines if line.text.strip() == "2026年12月29日"]
    date_line = date_lines[-1]
    signer_page = date_line.page
    assert signer_page < m.pages or len(m.lines_on(signer_page)) > 4
    others = [line for line in m.lines_on(signer_page)
              if line.chars[0].baseline < date_line.chars[0].baseline - 30
              and abs(line.chars[0].size - 16) < 0.1 and "附件" not in line.text]
    assert others, "signature and date alone on a page"
    # 成文日期 four characters from the right edge (16 pt characters closed up by 0.22 pt)
    assert abs(date_line.chars[-1].x1 - (BLOCK["right"] - 4 * 16 * PT)) < 1.0
    if kind.joint:
        names = [line for line in m.lines_on(signer_page) if line.text in ("焦作市科学技术局", "焦作市财政局")]
        assert len(names) == 2 and abs(names[0].chars[0].baseline - names[1].chars[0].baseline) < 0.1
        assert names[1].chars[0].x0 - names[0].chars[-1].x1 > 10
    if kind.key == "challenge_publication" or header.get("attachments"):
        annex_or_list = m.find("附件", None)
        assert annex_or_list.page <= m.pages


@pytest.mark.parametrize("key,variant", [("notice", "ordinary"), ("bid_summary", "extreme")])
def test_pdf_a_metadata_and_unique_subset_names(key, variant):
    m, header = measured(key, variant)
    xmp = m.xmp()
    assert re.search(r"pdfaid:part[^0-9]*2", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    assert header["number"] in xmp and "2026-12-29" in xmp
    meta = m.metadata()
    assert header["number"] in (meta.get("keywords") or "") and meta.get("title") == header["title"]
    catalog = m.doc.pdf_catalog()
    assert "/StructTreeRoot" in m.doc.xref_object(catalog) and "/OutputIntents" in m.doc.xref_object(catalog)
    fonts = m.base_fonts()
    other, _h = measured("notice", "extreme" if variant == "ordinary" else "ordinary")
    assert any("+JB-Fang" in f for f in fonts) and all("+" in f for f in fonts)
    assert not (fonts & other.base_fonts()), "subset names shared between two documents"


def m_title_lines(m: Measured) -> list[str]:
    return [line.text.replace(" ", "") for line in m.lines_on(1) if abs(line.chars[0].size - 22) < 0.1]


def m_title_fonts(m: Measured) -> set[str]:
    return {f for line in m.lines_on(1) if abs(line.chars[0].size - 22) < 0.1 for f in line.fonts}


def _red(m: Measured) -> bool:
    try:
        m.red_rule()
    except AssertionError:
        return False
    return True
