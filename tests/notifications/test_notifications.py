"""Notifications end to end: the real screening route, the outbox, a real SMTP server
on loopback (aiosmtpd, tests/notifications/conftest.py), the user's language, retries
by ``jobs run``, opt-outs, followed fields and the notification pages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import OrgType, User
from app.core.models import OutboxMessage
from app.core.timeutil import frozen_time, utcnow
from app.extensions import db
from app.notifications.models import FieldFollow, Notification, NotificationOptOut

REASON = "缺少可行性论证报告和第三方检测数据"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _notifications(user_id):
    db.session.expire_all()
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user_id)
                              .order_by(Notification.id)).all()


def _emails():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "email")
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def enterprise(make):
    """An enterprise with two users (Chinese by default, one English) and a submitted demand."""
    org = make.org(org_type=OrgType.ENTERPRISE)
    zh = make.user(role="applicant", organisation=org, name="张三")
    en = make.user(role="applicant", organisation=org, name="Alice Smith")
    en.locale = "en"
    db.session.commit()
    demand = make.demand("submitted", organisation=org, user=zh, title="高强度复合材料制备")
    return {"org": org, "zh": zh, "en": en, "demand": demand}


def _reject(login_as, demand, reason=REASON):
    bureau = login_as("bureau")
    response = bureau.post(f"/demands/{demand.id}/reject", {"reason": reason})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return bureau


def _no_cjk_besides(text: str, *allowed: str) -> str:
    for part in allowed:
        text = text.replace(part, "")
    return "".join(CJK.findall(text))


# -- screening a demand: in-app and one e-mail per recipient, in the user's language ---------

def test_rejected_demand_notifies_every_user_of_the_enterprise_by_mail(enterprise, login_as, mail_server):
    demand, zh, en = enterprise["demand"], enterprise["zh"], enterprise["en"]
    _reject(login_as, demand)
    inbox = mail_server.inbox

    # in-app, one per user, in the user's language
    [zh_note] = _notifications(zh.id)
    assert zh_note.kind == "demand.rejected" and zh_note.title == f"需求“{demand.title}”未通过筛选"
    assert f"理由：{REASON}" in zh_note.body and zh_note.link == f"/demands/{demand.id}"
    [en_note] = _notifications(en.id)
    assert demand.title in en_note.title and REASON in en_note.body
    assert _no_cjk_besides(en_note.title + en_note.body, demand.title, REASON) == ""

    # exactly one e-mail each, to the right address, and nobody else (the bureau is not told)
    assert len(inbox) == 2
    [zh_mail] = inbox.to(zh.email)
    [en_mail] = inbox.to(en.email)
    assert zh_mail.rcpt_tos == [zh.email] and en_mail.rcpt_tos == [en.email]
    assert zh_mail.mail_from == "noreply@jiebang.test"
    assert str(zh_mail.message["To"]) == zh.email

    # Chinese mail: subject, plain text and HTML alternatives, the reason and the link
    assert zh_mail.message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in zh_mail.message.iter_parts()] == ["text/plain", "text/html"]
    assert zh_mail.subject == f"需求“{demand.title}”未通过筛选"
    text, html = zh_mail.part("plain"), zh_mail.part("html")
    for part in (text, html):
        assert "张三，您好：" in part and f"理由：{REASON}" in part
        assert f"http://localhost/demands/{demand.id}" in part
    assert "<html" in html and "<html" not in text

    # English mail: the same facts in English (the whole text: tests below)
    assert demand.title in en_mail.subject
    assert _no_cjk_besides(en_mail.subject, demand.title) == "", en_mail.subject
    assert en_mail.part("plain").startswith("Alice Smith, ") and REASON in en_mail.part("plain")
    assert "Alice Smith" in en_mail.part("html") and REASON in en_mail.part("html")

    # every message of the outbox went out once
    assert [(m.attempts, m.sent_at is not None) for m in _emails()] == [(0, True), (0, True)]


@pytest.mark.parametrize("subtype", ["html", "plain"])
def test_english_mail_has_no_chinese_besides_the_users_own_text(enterprise, login_as, mail_server, subtype):
    """Every fixed string of the mail templates is in the English catalogue
    (templates/notifications/mail.txt and mail.html)."""
    demand, en = enterprise["demand"], enterprise["en"]
    _reject(login_as, demand)
    [mail] = mail_server.inbox.to(en.email)
    body = mail.part(subtype)
    assert _no_cjk_besides(body, demand.title, REASON) == "", body


def test_without_mail_server_only_in_app_notifications(enterprise, login_as):
    # MAIL_SERVER is empty in testing; no_outbound_mail would fail the test on any SMTP use
    _reject(login_as, enterprise["demand"])
    assert len(_notifications(enterprise["zh"].id)) == 1
    assert _emails() == []


def test_smtp_down_keeps_the_mail_for_jobs_run_which_sends_it_once(app, enterprise, login_as, smtp_server):
    demand, zh, en = enterprise["demand"], enterprise["zh"], enterprise["en"]
    before = utcnow()
    _reject(login_as, demand)  # nothing listens on the port: connection refused

    # the in-app notification does not depend on the mail
    assert len(_notifications(zh.id)) == 1 and len(_notifications(en.id)) == 1
    mails = _emails()
    assert len(mails) == 2
    for m in mails:
        assert m.sent_at is None and m.attempts == 1
        assert m.last_error and "Connection" in m.last_error
        assert before + timedelta(seconds=50) < m.next_attempt_at <= utcnow() + timedelta(minutes=1)
    due = max(m.next_attempt_at for m in mails)

    runner = app.test_cli_runner()
    smtp_server.start()
    with frozen_time(due - timedelta(seconds=5)):  # not due yet: jobs run leaves them alone
        early = runner.invoke(args=["jobs", "run"])
    assert early.exit_code == 0, early.output
    assert len(smtp_server.inbox) == 0
    with frozen_time(due + timedelta(seconds=1)):
        first = runner.invoke(args=["jobs", "run"])
        second = runner.invoke(args=["jobs", "run"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "outbox.deliver: {'due': 2, 'delivered': 2}" in first.output
    assert "outbox.deliver: {'due': 0, 'delivered': 0}" in second.output
    assert len(smtp_server.inbox.to(zh.email)) == 1 and len(smtp_server.inbox.to(en.email)) == 1
    assert len(smtp_server.inbox) == 2
    assert all(m.sent_at is not None and m.last_error is None for m in _emails())
    assert len(_notifications(zh.id)) == 1  # the retry did not duplicate the in-app notice


def test_a_failing_mail_does_not_hold_up_the_others(app, enterprise, login_as, mail_server, monkeypatch):
    import smtplib

    zh, en = enterprise["zh"], enterprise["en"]
    real = smtplib.SMTP

    class RefuseOneRecipient:
        def __init__(self, *a, **kw):
            self._smtp = real(*a, **kw)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._smtp.quit()

        def send_message(self, message):
            if message["To"] == en.email:
                raise smtplib.SMTPRecipientsRefused({en.email: (550, b"mailbox unavailable")})
            return self._smtp.send_message(message)

    monkeypatch.setattr(smtplib, "SMTP", RefuseOneRecipient)
    _reject(login_as, enterprise["demand"])
    assert len(mail_server.inbox.to(zh.email)) == 1 and mail_server.inbox.to(en.email) == []
    by_user = {m.recipients[0]: m for m in _emails()}
    assert by_user[zh.id].sent_at is not None
    assert by_user[en.id].sent_at is None and by_user[en.id].attempts == 1
    assert "SMTPRecipientsRefused" in by_user[en.id].last_error


# -- preferences -------------------------------------------------------------------------

def _settings(browser, categories, locale="zh"):
    return browser.post("/notifications/settings", {"categories": categories, "locale": locale},
                        token_from="/notifications/settings")


def test_opting_out_of_a_category_suppresses_it_in_app_and_by_mail(app, make, enterprise, login_as,
                                                                     mail_server):
    from app.notifications.registry import optional_categories

    org, zh = enterprise["org"], enterprise["zh"]
    quiet = login_as("applicant", organisation=org)
    others = [c.name for c in optional_categories() if c.name != "demands"]
    response = _settings(quiet, others)
    assert response.status_code == 302
    assert db.session.scalars(sa.select(NotificationOptOut.category)
                              .where(NotificationOptOut.user_id == quiet.user.id)).all() == ["demands"]
    # the settings page shows it unticked, the rest ticked
    html = quiet.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'value="demands"(?![^>]*checked)', html) and re.search(r'checked[^>]*value="bids"|value="bids"[^>]*checked', html)

    _reject(login_as, enterprise["demand"])
    assert _notifications(quiet.user.id) == []
    assert mail_server.inbox.to(quiet.user.email) == []
    assert len(_notifications(zh.id)) == 1 and len(mail_server.inbox.to(zh.email)) == 1

    # turning it back on: the next notice arrives again
    assert _settings(quiet, others + ["demands"]).status_code == 302
    demand2 = make.demand("submitted", organisation=org, user=zh)
    _reject(login_as, demand2)
    assert len(_notifications(quiet.user.id)) == 1 and len(mail_server.inbox.to(quiet.user.email)) == 1


def test_settings_choose_the_mail_language_and_refuse_unknown_values(make, enterprise, login_as, mail_server):
    org = enterprise["org"]
    user = login_as("applicant", organisation=org)
    from app.notifications.registry import optional_categories

    every = [c.name for c in optional_categories()]
    assert _settings(user, every, locale="xx").status_code == 400
    assert _settings(user, every + ["account"], locale="zh").status_code == 400  # not optional
    db.session.expire_all()
    assert db.session.get(User, user.user.id).locale is None
    assert _settings(user, every, locale="en").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.user.id).locale == "en"

    _reject(login_as, enterprise["demand"])
    [mail] = mail_server.inbox.to(user.user.email)
    assert _no_cjk_besides(mail.subject, enterprise["demand"].title) == ""


# -- followed fields ---------------------------------------------------------------------

def test_followers_of_a_field_are_told_when_a_challenge_is_published(make, login_as):
    follower = login_as("applicant", organisation=make.org(org_type=OrgType.UNIVERSITY))
    colleague = make.user(role="applicant", organisation=follower.user.organisation)
    elsewhere = login_as("applicant", organisation=make.org(org_type=OrgType.UNIVERSITY))

    assert follower.post("/notifications/follows", {"follow-fields": ["新材料", "生物医药"]},
                         token_from="/notifications/settings").status_code == 302
    assert elsewhere.post("/notifications/follows", {"follow-fields": ["装备制造"]},
                          token_from="/notifications/settings").status_code == 302
    # an unknown field is refused and changes nothing
    assert follower.post("/notifications/follows", {"follow-fields": ["炼金术"]},
                         token_from="/notifications/settings").status_code == 400
    assert sorted(db.session.scalars(sa.select(FieldFollow.field).where(
        FieldFollow.organisation_id == follower.user.organisation_id))) == ["新材料", "生物医药"]

    challenge = make.challenge("draft", field="新材料")
    bureau = login_as("bureau")
    response = bureau.post("/manage/challenges/publish", {"challenge_ids": [challenge.id]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    for user in (follower.user, colleague):
        [note] = _notifications(user.id)
        assert note.kind == "challenge.published" and challenge.title in note.title
        assert "新材料" in note.body and note.link == f"/challenges/{challenge.id}"
    assert _notifications(elsewhere.user.id) == []
    assert _notifications(bureau.user.id) == []


def test_only_organisation_users_may_follow_fields(login_as):
    expert = login_as("expert")
    response = expert.post("/notifications/follows", {"follow-fields": ["新材料"]},
                           token_from="/notifications/settings")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(FieldFollow.id))) == 0


# -- the pages -----------------------------------------------------------------------------

def _badge(browser) -> int | None:
    html = browser.get("/dashboard").get_data(as_text=True)
    match = re.search(r'class="notif-link">[^<]*(?:<span class="badge"[^>]*>(\d+)</span>)?', html)
    assert match, "no notifications link in the header"
    return int(match.group(1)) if match.group(1) else None


def test_unread_count_mark_read_and_read_all(make, enterprise, login_as):
    org, zh = enterprise["org"], enterprise["zh"]
    user = login_as("applicant", organisation=org)
    assert _badge(user) is None
    _reject(login_as, enterprise["demand"])
    _reject(login_as, make.demand("submitted", organisation=org, user=zh))
    assert _badge(user) == 2

    listing = user.get("/notifications/").get_data(as_text=True)
    assert listing.count("未通过筛选") == 2 and listing.count(">未读<") == 2
    first, second = _notifications(user.user.id)
    response = user.post(f"/notifications/{first.id}/read", token_from="/notifications/")
    assert response.status_code == 302 and response.headers["Location"] == first.link
    assert _badge(user) == 1
    assert user.get("/notifications/?unread=1").get_data(as_text=True).count("未通过筛选") == 1
    assert [n.is_read for n in _notifications(user.user.id)] == [True, False]

    assert user.post("/notifications/read-all", token_from="/notifications/").status_code == 302
    assert _badge(user) is None
    assert all(n.is_read for n in _notifications(user.user.id))
    assert not any(n.is_read for n in _notifications(zh.id))  # only the user's own


def test_another_users_notification_is_not_found(enterprise, login_as):
    _reject(login_as, enterprise["demand"])
    [theirs] = _notifications(enterprise["zh"].id)
    stranger = login_as("applicant")
    colleague = login_as("applicant", organisation=enterprise["org"])  # same organisation, still not theirs
    for browser in (stranger, colleague):
        response = browser.post(f"/notifications/{theirs.id}/read", token_from="/notifications/")
        assert response.status_code == 404
        assert REASON not in browser.get("/notifications/").get_data(as_text=True)
    assert browser.post("/notifications/999999/read", token_from="/notifications/").status_code == 404
    assert _notifications(enterprise["zh"].id)[0].read_at is None


def test_redelivering_a_notify_message_does_not_duplicate(enterprise, login_as):
    from app.core import outbox

    _reject(login_as, enterprise["demand"])
    [message] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "notify")).all()
    # as if the first delivery crashed after writing its rows but before marking it sent
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(sent_at=None))
    db.session.commit()
    assert outbox.deliver(message.id) is True
    assert len(_notifications(enterprise["zh"].id)) == 1 and len(_notifications(enterprise["en"].id)) == 1


def test_only_loopback_mail_is_allowed(loopback_smtp_allowed):
    import smtplib

    from tests.conftest import OutboundMailRefused

    with pytest.raises(OutboundMailRefused):
        smtplib.SMTP("mail.example.cn", 25)
    with pytest.raises(OutboundMailRefused):
        smtplib.SMTP_SSL("127.0.0.1", 465)
