"""Role home pages: quick links from the navigation, panels registered by domains."""
from __future__ import annotations

import re

from jinja2 import ChoiceLoader, DictLoader

from app.core import navigation


def _shortcuts(html: str) -> list[str]:
    card = html.split("快捷入口", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', card)


def test_quick_links_follow_the_roles_navigation(login_as):
    admin_links = _shortcuts(login_as("admin").get("/dashboard").get_data(as_text=True))
    assert {"用户管理", "单位管理", "政策参数", "操作日志"} <= set(admin_links)
    assert "工作台" not in admin_links
    expert_html = login_as("expert").get("/dashboard").get_data(as_text=True)
    assert "用户管理" not in expert_html and "操作日志" not in expert_html


def test_registered_panel_is_shown_to_its_roles_only(app, login_as, monkeypatch):
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([
        DictLoader({"test/panel_tasks.html": '<div class="card" id="tasks">{{ panel.count }} 项待评审 · {{ current_user.name }}</div>'}),
        app.jinja_env.loader,
    ]))
    monkeypatch.setattr(navigation, "_PANELS", [])
    navigation.register_panel("test/panel_tasks.html", ["expert"], order=5, context=lambda user: {"count": len(user.name)})
    navigation.register_panel("test/panel_tasks.html", ["expert", "bureau"])  # same template twice: ignored
    expert = login_as("expert", name="王专家")
    html = expert.get("/dashboard").get_data(as_text=True)
    assert '<div class="card" id="tasks">3 项待评审 · 王专家</div>' in html
    assert 'id="tasks"' not in login_as("bureau").get("/dashboard").get_data(as_text=True)
