"""The English catalogue: complete, consistent with the code, and actually served.

The msgids are the Simplified Chinese UI text; ``app/translations/en/LC_MESSAGES/messages.po``
translates them. When a test here fails after you added or changed a string, re-run (from the
repository root)::

    .venv/bin/pybabel extract -F app/translations/babel.cfg -k _l -k lazy_gettext \
        -o app/translations/messages.pot --no-location --sort-output --omit-header .
    .venv/bin/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching
    # translate the new entries in messages.po, then
    .venv/bin/pybabel compile -d app/translations
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")

# %(name)s, %%, and the {d}-style fields of strings that JavaScript fills in.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%%|\{[A-Za-z_][A-Za-z0-9_]*\}")
HAN = re.compile(r"[\u3400-\u9fff]")


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _forms(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _label(message) -> str:
    return " | ".join(_forms(message.id))


# -- (a) the catalogue itself ------------------------------------------------------------

def test_every_entry_is_translated_and_none_is_fuzzy():
    catalog = _catalog()
    entries = [m for m in catalog if m.id]
    assert entries, "the English catalogue is empty"
    untranslated = [_label(m) for m in entries if not all(s.strip() for s in _forms(m.string))]
    fuzzy = [_label(m) for m in entries if m.fuzzy]
    assert not untranslated, "untranslated entries in messages.po:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy entries in messages.po:\n  " + "\n  ".join(fuzzy)


def test_plural_entries_have_every_form():
    catalog = _catalog()
    assert catalog.num_plurals == 2
    wrong = [_label(m) for m in catalog if m.id and m.pluralizable
             and len(_forms(m.string)) != catalog.num_plurals]
    assert not wrong, "plural entries without both English forms:\n  " + "\n  ".join(wrong)


def test_placeholders_are_kept():
    problems = []
    for m in _catalog():
        if not m.id:
            continue
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(_forms(m.id)))))
        for form in _forms(m.string):
            missing = [p for p in wanted if p not in form]
            extra = sorted(set(PLACEHOLDER.findall(form)) - set(wanted))
            if missing or extra:
                problems.append(f"{_label(m)!r} -> {form!r}: missing {missing}, unexpected {extra}")
    assert not problems, "placeholder mismatches:\n  " + "\n  ".join(problems)


def test_babel_format_checks_pass():
    # Babel's own checkers (python-format: same names and types, nothing left over).
    errors = [f"{_label(m)!r}: {'; '.join(map(str, errs))}" for m, errs in _catalog().check()]
    assert not errors, "\n  ".join(["babel catalogue check failed:"] + errors)


def test_no_chinese_left_in_english_text():
    left = [_label(m) for m in _catalog() if m.id and any(HAN.search(s) for s in _forms(m.string))]
    assert not left, "English entries still containing Chinese characters:\n  " + "\n  ".join(left)


def test_compiled_catalogue_is_up_to_date():
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `make translations` (pybabel compile)"
    compiled = io.BytesIO()
    write_mo(compiled, _catalog())
    assert compiled.getvalue() == MO.read_bytes(), (
        "messages.mo is older than messages.po: run `make translations` (pybabel compile -d app/translations)")


# -- (b) the catalogue is served -------------------------------------------------------------

def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _english(client):
    response = client.get("/lang/en")
    assert response.status_code == 302
    assert "lang=en" in response.headers["Set-Cookie"]
    return client


def test_home_and_login_in_english_with_the_lang_cookie(client):
    _english(client)
    home = _page(client, "/")
    assert '<html lang="en">' in home
    assert "Open-Challenge Project Management System" in home
    assert "Jiaozuo Municipal Science and Technology Bureau" in home
    assert "Challenge Hall" in home and "揭榜挂帅项目管理系统" not in home

    login = _page(client, "/login")
    assert '<html lang="en">' in login
    assert re.search(r'<button type="submit" class="button">\s*Sign in\s*</button>', login), "no English login button"
    assert "User sign-in" in login and "Remember me" in login
    assert "用户登录" not in login and "记住我" not in login


def test_home_and_login_in_chinese_without_the_cookie(client):
    home = _page(client, "/")
    assert '<html lang="zh-CN">' in home
    assert "揭榜挂帅项目管理系统" in home and "榜单大厅" in home
    assert "Project Management System" not in home

    login = _page(client, "/login")
    assert '<html lang="zh-CN">' in login
    assert re.search(r'<button type="submit" class="button">\s*登录\s*</button>', login)
    assert "Sign in" not in login


def test_switching_back_to_chinese(client):
    _english(client)
    assert '<html lang="en">' in _page(client, "/login")
    assert client.get("/lang/zh").status_code == 302
    assert '<html lang="zh-CN">' in _page(client, "/login")


def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.set_cookie("lang", "fr")
    assert '<html lang="zh-CN">' in _page(client, "/login")


def test_form_errors_are_english(client):
    # Lazy strings in form classes are translated per request, not at import time.
    _english(client)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', _page(client, "/login")).group(1)
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert "Please enter an e-mail address" in html and "Please enter your password" in html
    assert "请输入电子邮箱" not in html


def test_logged_in_dashboard_in_english(login_as, make):
    applicant = login_as("applicant")
    _english(applicant.client)
    html = _page(applicant.client, "/dashboard")
    assert '<html lang="en">' in html
    assert "Dashboard" in html and "Sign out" in html and f"Welcome, {applicant.user.name}." in html
    assert "工作台" not in html


def test_public_challenge_list_in_english(client, make):
    make.challenge(state="published", title="示例榜单")
    _english(client)
    html = _page(client, "/challenges")
    assert '<html lang="en">' in html
    assert "示例榜单" in html  # user data stays as entered
    assert "Fiscal support" in html and "Slots: 1" in html
    assert "财政支持" not in html


# -- (c) everything the code uses is in the catalogue ---------------------------------------

def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel) if pybabel.exists() else "pybabel", "extract",
               "-F", "app/translations/babel.cfg", "-k", "_l", "-k", "lazy_gettext",
               "-o", str(tmp_path / "messages.pot"), "--no-location", "--sort-output", "--omit-header", "."]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with (tmp_path / "messages.pot").open("rb") as f:
        used = {m.id for m in read_po(f) if m.id}
    assert len(used) > 100, "extraction found almost nothing: is babel.cfg still right?"
    translated = {m.id: m for m in _catalog() if m.id}
    new = sorted(_label_id(i) for i in used if i not in translated)
    assert not new, (
        f"{len(new)} string(s) used in the code or templates are missing from messages.po "
        "(re-run pybabel extract/update and translate them; see this file's docstring):\n  "
        + "\n  ".join(new))


def _label_id(msgid) -> str:
    return " | ".join(_forms(msgid))

