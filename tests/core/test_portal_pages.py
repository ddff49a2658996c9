"""Issue 9, items 13 and 15: 通知公告, 网站地图, the footer of a government site, the
larger-text mode and keyboard navigation."""
from __future__ import annotations

from app.documents.operations import issue_document
from app.extensions import db

from tests.documents.helpers import notice_context


def _issue(kind: str, title: str):
    ctx = notice_context(title)
    doc = issue_document(kind, ctx, actor=None)
    db.session.commit()
    return doc


def test_notices_lists_public_notices_only_searchable_and_paginated(client, app):
    public = _issue("public_notice", "关于开展2026年度揭榜挂帅项目需求征集工作的通知")
    private = _issue("notice", "关于内部工作安排的通知")
    page = client.get("/notices").get_data(as_text=True)
    assert public.title in page and public.number in page
    assert private.title not in page
    assert public.title not in client.get("/notices?q=不存在的词").get_data(as_text=True)
    assert public.title in client.get("/notices?q=需求征集").get_data(as_text=True)
    assert public.title in client.get(f"/notices?q={public.number}").get_data(as_text=True)
    assert client.get("/notices?q=%25%27%22" + "x" * 500).status_code == 200
    # the home page has a notices column
    assert public.title in client.get("/").get_data(as_text=True)


def test_notices_paginate(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for i in range(3):
        _issue("public_notice", f"关于第{i + 1}批事项的公开通知")
    first = client.get("/notices").get_data(as_text=True)
    second = client.get("/notices?page=2").get_data(as_text=True)
    assert "关于第3批事项的公开通知" in first and "关于第1批事项的公开通知" in second
    assert "第 1 / 2 页" in first


def test_sitemap_lists_the_public_pages(client):
    page = client.get("/sitemap").get_data(as_text=True)
    for url in ("/challenges", "/notices", "/verify", "/login"):
        assert f'href="{url}"' in page


def test_footer_records_appear_only_when_configured(client, app, monkeypatch):
    page = client.get("/").get_data(as_text=True)
    assert "网站标识码" not in page and "beian.miit.gov.cn" not in page
    assert 'href="/sitemap"' in page
    monkeypatch.setitem(app.config, "SITE_ID_CODE", "4108000001")
    monkeypatch.setitem(app.config, "SITE_ICP_RECORD", "豫ICP备00000000号")
    monkeypatch.setitem(app.config, "SITE_PSB_RECORD", "豫公网安备 41080002000001号")
    monkeypatch.setitem(app.config, "SITE_CONTACT", "市科技局办公室 0391-0000000")
    page = client.get("/").get_data(as_text=True)
    for text in ("网站标识码：4108000001", "豫ICP备00000000号", "豫公网安备 41080002000001号",
                 "联系我们：市科技局办公室 0391-0000000"):
        assert text in page


def test_large_text_mode_is_a_cookie_and_css(client):
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)
    response = client.get("/display/large?next=/challenges")
    assert response.status_code == 302 and response.headers["Location"].endswith("/challenges")
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)
    client.get("/display/normal")
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)
    assert client.get("/display/large?next=https://evil.example/").headers["Location"] == "/"


def test_skip_link_and_focus_styles(client, app):
    page = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in page and 'id="main"' in page
    from pathlib import Path

    text = Path(app.static_folder, "css", "site.css").read_text(encoding="utf-8")
    assert ":focus-visible" in text and "word-break: keep-all" in text and "body.large-text" in text


def test_english_mode_has_no_yuan_fullwidth_punctuation_or_chinese_filter_options(client, make):
    c = make.challenge("published")
    client.get("/lang/en?next=/")
    page = client.get(f"/challenges/{c.id}").get_data(as_text=True)
    facts = page.split('class="facts"', 1)[1].split("</dl>", 1)[0]
    assert "万元" not in facts and "元" not in facts and "（" not in facts and "）" not in facts
    assert "CNY 3 million (CNY 3,000,000.00)" in facts
    listing = client.get("/challenges").get_data(as_text=True)
    options = listing.split('name="field"', 1)[1].split("</select>", 1)[0]
    assert "新材料" not in options.split('value="新材料"', 1)[1].split("<", 1)[0]
    assert "万元" not in listing.split('class="challenge-list"', 1)[1]
    bad = client.get("/challenges?support_min=1e999999").get_data(as_text=True)
    assert "：" not in bad.split('class="portal-search', 1)[1].split("</form>", 1)[0]
