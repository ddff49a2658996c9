"""Every state change of users and organisations. Nothing here commits."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.audit import record_event, register_labels
from ..core.errors import InvalidInput
from ..core.timeutil import utcnow
from ..extensions import db
from .models import BadCreditRecord, Organisation, OrgType, Role, User
from .rules import normalise_email, password_problem


register_labels(
    actions={
        "login": _l("登录"), "logout": _l("退出登录"), "login_throttled": _l("登录受限"),
        "login_failed": _l("登录失败"),
        "user_created": _l("创建用户"), "user_enabled": _l("启用账号"),
        "user_disabled": _l("停用账号"), "password_changed": _l("修改密码"), "password_reset": _l("重置密码"),
        "organisation_created": _l("登记单位"), "organisation_enabled": _l("启用单位"),
        "organisation_disabled": _l("停用单位"), "bad_credit_recorded": _l("登记失信记录"),
        "user_updated": _l("修改用户"), "organisation_updated": _l("修改单位"),
    },
    entities={"users": _l("用户"), "organisations": _l("单位")},
    admin_only={"login", "logout", "login_throttled", "login_failed"},
)


class AccountError(InvalidInput, ValueError):
    """A refused account operation; the message is shown to the user (400)."""

    status = 400


# Bureau and finance staff act for a government organisation (市科技局 / 市财政局).
GOVERNMENT_ROLES = (Role.BUREAU, Role.FINANCE)


def organisation_problem(role: Role, organisation) -> str | None:
    """Why ``organisation`` cannot be the organisation of a ``role`` user, or None."""
    if role is Role.APPLICANT and organisation is None:
        return _("单位用户必须选择所属单位")
    if role in GOVERNMENT_ROLES and (organisation is None or organisation.org_type is not OrgType.GOVERNMENT):
        return _("科技局、财政局工作人员必须属于政府机关单位")
    return None


def create_organisation(*, name, org_type, credit_code, actor=None, short_name=None,
                        district=None, field=None, is_credit_code_synthetic=False) -> Organisation:
    from ..core import credit_code as cc

    code = cc.normalise(credit_code)
    problem = cc.validation_error(code)
    if problem:
        raise AccountError(problem)
    if Organisation.query.filter_by(credit_code=code).first():
        raise AccountError(_("该统一社会信用代码已登记"))
    if Organisation.query.filter_by(name=name.strip()).first():
        raise AccountError(_("该单位名称已登记"))
    org = Organisation(
        name=name.strip(), short_name=short_name or None, org_type=org_type, credit_code=code,
        district=district or None, field=field or None,
        is_credit_code_synthetic=is_credit_code_synthetic, is_active=True,
    )
    db.session.add(org)
    record_event(org, "organisation_created", actor=actor, data={"credit_code": code})
    return org


def set_organisation_active(org: Organisation, active: bool, *, actor, reason=None) -> None:
    if org.is_active == active:
        return
    org.is_active = active
    record_event(org, "organisation_enabled" if active else "organisation_disabled",
                 actor=actor, reason=reason)


def add_bad_credit_record(org: Organisation, *, recorded_on, reason, source=None, actor) -> BadCreditRecord:
    record = BadCreditRecord(organisation=org, recorded_on=recorded_on, reason=reason,
                             source=source, created_by_id=actor.id if actor else None)
    db.session.add(record)
    record_event(org, "bad_credit_recorded", actor=actor, reason=reason,
                 data={"recorded_on": recorded_on.isoformat(), "source": source})
    return record


def create_user(*, email, name, role: Role, password, organisation=None, phone=None,
                actor=None) -> User:
    email = normalise_email(email)
    if User.query.filter_by(email=email).first():
        raise AccountError(_("该电子邮箱已被注册"))
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    role = Role(role)
    problem = organisation_problem(role, organisation)
    if problem:
        raise AccountError(problem)
    user = User(email=email, name=name.strip(), role=role, organisation=organisation,
                phone=phone or None, is_active_flag=True)
    user.set_password(password)
    db.session.add(user)
    record_event(user, "user_created", actor=actor, data={"role": role.value, "email": email})
    return user


def set_user_active(user: User, active: bool, *, actor, reason=None) -> None:
    if actor is not None and user.id == actor.id and not active:
        raise AccountError(_("不能停用自己的账号"))
    if user.is_active_flag == active:
        return
    user.is_active_flag = active
    if not active:
        user.revoke_sessions()
    record_event(user, "user_enabled" if active else "user_disabled", actor=actor, reason=reason)


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("当前密码不正确"))
    problem = password_problem(new)
    if problem:
        raise AccountError(problem)
    if user.check_password(new):
        raise AccountError(_("新密码不能与当前密码相同"))
    user.set_password(new)
    user.password_changed_at = utcnow()
    user.revoke_sessions()  # every other device is logged out; the view logs this one in again
    record_event(user, "password_changed", actor=user)


_DUMMY_HASH: dict[str, str] = {}


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None. Unknown e-mails cost the same hash
    computation as known ones, so response times do not reveal which accounts exist."""
    from flask import current_app
    from werkzeug.security import check_password_hash, generate_password_hash

    user = User.query.filter_by(email=normalise_email(email)).first()
    if user is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("not-a-password", method=method)
        check_password_hash(_DUMMY_HASH[method], password)
        return None
    return user if user.check_password(password) else None


def record_login(user: User, *, remembered: bool = False) -> None:
    user.last_login_at = utcnow()
    record_event(user, "login", actor=user, data={"remember": remembered})


def record_failed_login(email: str) -> None:
    """A failed login is a security event: on the account when it exists, else on no
    account (a hash of the e-mail typed, never the text: people type passwords there)."""
    import hashlib

    from flask import request

    from ..core.audit import append_event

    address = request.remote_addr
    user = User.query.filter_by(email=normalise_email(email)).first()
    if user is not None:
        record_event(user, "login_failed", actor=None, data={"address": address})
        return
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:16]
    append_event("users", 0, "login_failed", actor=None, data={"address": address, "email_sha256": digest})


def record_throttled(email: str, delay_seconds: int) -> None:
    """A security event on the account when repeated failures start a delay (not for
    unknown e-mails: there is nothing to attach it to, and nothing to protect)."""
    from flask import request

    user = User.query.filter_by(email=normalise_email(email)).first()
    if user is not None:
        record_event(user, "login_throttled", actor=None,
                     data={"address": request.remote_addr, "delay_seconds": delay_seconds})


def logout(user: User) -> None:
    """Log the user out on every device: sessions and remember-me cookies stop working."""
    user.revoke_sessions()
    record_event(user, "logout", actor=user)


def reset_password(user: User, password: str, *, actor=None, reason: str | None = None) -> None:
    """Administrator recovery: set a new password without knowing the old one."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.set_password(password)
    user.password_changed_at = utcnow()
    user.revoke_sessions()
    record_event(user, "password_reset", actor=actor, reason=reason)


def _changes(obj, values: dict) -> dict:
    """{field: [old, new]} for the values that differ; enums and rows as plain values."""
    def plain(v):
        return getattr(v, "value", v)

    return {k: [plain(getattr(obj, k)), plain(v)] for k, v in values.items() if getattr(obj, k) != v}


def update_user(user: User, *, name: str, phone: str | None, role: Role, organisation, actor,
                reason: str | None = None) -> dict:
    """Admin edit of a user; audited with old -> new values, nothing recorded when nothing
    changed. Returns the changes."""
    role = Role(role)
    name = (name or "").strip()
    if not name:
        raise AccountError(_("请输入姓名"))
    if actor is not None and user.id == actor.id and role is not user.role:
        raise AccountError(_("不能修改自己的角色"))
    problem = organisation_problem(role, organisation)
    if problem:
        raise AccountError(problem)
    if user.role is Role.EXPERT and role is not Role.EXPERT and user.expert_profile is not None:
        raise AccountError(_("该用户已有专家档案，不能改为其他角色；如不再担任专家，请将其出库"))
    values = {"name": name, "phone": phone or None, "role": role,
              "organisation_id": organisation.id if organisation else None}
    changes = _changes(user, values)
    if not changes:
        return {}
    for key, value in values.items():
        setattr(user, key, value)
    user.organisation = organisation
    record_event(user, "user_updated", actor=actor, reason=reason, data={"changes": changes})
    return changes


def update_organisation(org: Organisation, *, name: str, short_name: str | None, org_type: OrgType,
                        credit_code: str, district: str | None, field: str | None, actor,
                        reason: str | None = None) -> dict:
    """Admin edit of an organisation (credit code check digit validated); audited with
    old -> new values, nothing recorded when nothing changed. Returns the changes."""
    from ..core import credit_code as cc

    code = cc.normalise(credit_code)
    problem = cc.validation_error(code)
    if problem:
        raise AccountError(problem)
    name = (name or "").strip()
    if not name:
        raise AccountError(_("请输入单位名称"))
    if Organisation.query.filter(Organisation.credit_code == code, Organisation.id != org.id).first():
        raise AccountError(_("该统一社会信用代码已登记"))
    if Organisation.query.filter(Organisation.name == name, Organisation.id != org.id).first():
        raise AccountError(_("该单位名称已登记"))
    org_type = OrgType(org_type)
    if org_type is not OrgType.GOVERNMENT and any(u.role in GOVERNMENT_ROLES for u in org.users):
        raise AccountError(_("该单位有科技局、财政局工作人员，单位类型必须为政府机关"))
    values = {"name": name, "short_name": short_name or None, "org_type": org_type, "credit_code": code,
              "district": district or None, "field": field or None}
    changes = _changes(org, values)
    if not changes:
        return {}
    for key, value in values.items():
        setattr(org, key, value)
    if "credit_code" in changes:
        org.is_credit_code_synthetic = False
    record_event(org, "organisation_updated", actor=actor, reason=reason, data={"changes": changes})
    return changes
