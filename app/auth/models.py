"""Organisations (with credit codes and bad-credit records) and users."""
from __future__ import annotations

from datetime import date, timedelta

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

    organisation = relationship("Organisation", back_populates="users")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"

    # Flask-Login refuses to log in a user whose is_active is False.
    @property
    def is_active(self) -> bool:
        return bool(self.is_active_flag) and (
            self.organisation is None or self.organisation.is_active
        )

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

