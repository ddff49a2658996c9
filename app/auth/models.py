"""Organisations (with credit codes and bad-credit records) and users."""
from __future__ import annotations

import hmac
import secrets
import time
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.enums import EnumType, LabelledEnum
from ..core.timeutil import local_today, utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class Role(LabelledEnum):
    ADMIN = "admin", _l("系统管理员")
    BUREAU = "bureau", _l("科技局工作人员")
    FINANCE = "finance", _l("财政局工作人员")
    EXPERT = "expert", _l("评审专家")
    APPLICANT = "applicant", _l("单位用户")


class OrgType(LabelledEnum):
    ENTERPRISE = "enterprise", _l("企业")
    UNIVERSITY = "university", _l("高等院校")
    INSTITUTE = "institute", _l("科研院所")
    NEW_RD_INSTITUTE = "new_rd_institute", _l("新型研发机构")
    GOVERNMENT = "government", _l("政府机关")

    @property
    def is_academic(self) -> bool:
        """Universities and institutes lead with the 1:1 self-funding ratio (rule 6)."""
        return self in (OrgType.UNIVERSITY, OrgType.INSTITUTE, OrgType.NEW_RD_INSTITUTE)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint("length(credit_code) = 18", name="credit_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(100))
    org_type: Mapped[OrgType] = mapped_column(EnumType(OrgType, "org_type"))
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    is_credit_code_synthetic: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    district: Mapped[str | None] = mapped_column(sa.String(64))
    field: Mapped[str | None] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    users = relationship("User", back_populates="organisation")
    bad_credit_records = relationship(
        "BadCreditRecord", back_populates="organisation", order_by="BadCreditRecord.recorded_on.desc()"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"

    def bad_credit_within(self, years: int, on: date | None = None) -> list[BadCreditRecord]:
        """Bad-credit records dated within ``years`` before ``on`` (rule 8)."""
        on = on or local_today()
        try:
            since = on.replace(year=on.year - years)
        except ValueError:  # 29 February
            since = on.replace(year=on.year - years, day=28)
        return [r for r in self.bad_credit_records if since <= r.recorded_on <= on]


class BadCreditRecord(db.Model):
    """失信 record of an organisation; bids are refused within the look-back window."""

    __tablename__ = "bad_credit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    recorded_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organisation = relationship("Organisation", back_populates="bad_credit_records")


def new_session_token() -> str:
    return secrets.token_hex(16)


def _clock() -> float:
    """Seconds since the epoch (a seam for tests of session age)."""
    return time.time()


# Roles whose sessions end with the browser: no remember-me cookie (they move money,
# run reviews and administer accounts).
STAFF_ROLES = frozenset({"admin", "bureau", "finance"})


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint(
            "role != 'applicant' OR organisation_id IS NOT NULL", name="applicant_has_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(EnumType(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    is_active_flag: Mapped[bool] = mapped_column("is_active", sa.Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime)
    password_changed_at = mapped_column(UTCDateTime)
    # Language of e-mails and notifications (the UI follows the lang cookie).
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Part of every session and remember-me cookie (see get_id); replacing it on logout,
    # password change or reset and on disabling revokes every session of the user, in
    # every app instance, since it lives in the database.
    # NULL (rows inserted by hand or before this column existed): no session is valid
    # until the next login assigns one.
    session_token: Mapped[str | None] = mapped_column(sa.String(64), default=new_session_token)

    organisation = relationship("Organisation", back_populates="users")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"

    # Flask-Login refuses to log in a user whose is_active is False.
    @property
    def is_active(self) -> bool:
        return bool(self.is_active_flag) and (
            self.organisation is None or self.organisation.is_active
        )

    # -- sessions (Flask-Login's alternative id) --------------------------------------
    def get_id(self) -> str:
        """``"<id>:<session token>:<login time>:<nonce>"``: stored in the session and,
        signed, in the remember-me cookie at login. A new token revokes them all; the
        login time bounds their age (``SESSION_MAX_AGE``); the nonce makes every login's
        cookie distinct."""
        if not self.session_token:
            self.session_token = new_session_token()
        return f"{self.id}:{self.session_token}:{int(_clock())}:{secrets.token_hex(4)}"

    # Equality by row (UserMixin compares get_id(), which now carries the login time).
    __hash__ = object.__hash__

    def __eq__(self, other):
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def revoke_sessions(self) -> None:
        """Log the user out everywhere: every session and remember-me cookie stops working."""
        self.session_token = new_session_token()

    @classmethod
    def from_session_id(cls, alt_id, *, max_age_seconds: int) -> User | None:
        """The active user a session or remember-me cookie names, if still valid."""
        parts = str(alt_id).split(":")
        if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) <= 20 for p in (parts[0], parts[2])):
            return None
        user_id, token, issued = int(parts[0]), parts[1], int(parts[2])
        if user_id > 2**63 - 1 or not token:
            return None
        now = _clock()
        if not now - max_age_seconds <= issued <= now + 60:
            return None
        user = db.session.get(cls, user_id)
        if user is None or not user.session_token or not hmac.compare_digest(
                user.session_token.encode(), token.encode()):
            return None
        # A disabled account (or one of a disabled organisation) loses its open sessions too.
        return user if user.is_active else None

    @property
    def is_staff(self) -> bool:
        return self.role.value in STAFF_ROLES

    def set_password(self, password: str) -> None:
        # werkzeug's scrypt: a maintained, salted, memory-hard hash.
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Predicates used by views and templates.
    @property
    def can_bid(self) -> bool:
        """Applicant users act for their organisation as a bidder (揭榜单位)."""
        return self.role is Role.APPLICANT and self.organisation_id is not None and self.is_active

