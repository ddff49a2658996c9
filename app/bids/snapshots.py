"""The submitted version of a bid, as plain data: what staff see and what every rule
staff rely on reads (formal review now, conflicts of interest in expert review next).

The working copy a bidder keeps editing after a submission (a consortium member added
but not submitted yet) is never what staff see: :func:`submitted_view` reads the
immutable :class:`~app.bids.models.BidVersion` snapshot only.

    view = submitted_view(bid)            # None when the bid was never submitted
    view.organisation_ids                 # lead + members (conflict-of-interest checks)
    view.credit_codes                     # the same, by 统一社会信用代码
    view.members[0].name, .credit_code, .org_type
    view.kpis[i].proposed_value, .misses  # Decimal, and whether it falls short of the target
    view.attachments_of("signed")
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from . import rules
from .models import Bid, BidVersion

REQUIRED_ATTACHMENT_KINDS = ("signed",)


@dataclass(frozen=True)
class OrgRef:
    id: int
    name: str
    credit_code: str
    org_type: str | None


@dataclass(frozen=True)
class KpiAnswer:
    kpi_id: int
    name: str
    target_text: str
    comparator: str | None
    target_value: Decimal | None
    unit: str
    proposed_value: Decimal | None
    verification: str

    @property
    def is_answered(self) -> bool:
        """Rule 9: a committed value and how it will be verified."""
        return self.proposed_value is not None and bool(self.verification.strip())

    @property
    def misses(self) -> bool:
        """The committed value falls short of the challenge's target (in its direction)."""
        if self.proposed_value is None or self.comparator is None or self.target_value is None:
            return False
        return rules.misses_target(self.comparator, self.target_value, self.proposed_value)


@dataclass(frozen=True)
class Attachment:
    id: int
    public_id: str | None
    name: str
    kind: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class Milestone:
    name: str
    due_on: str | None
    tranche_percent: int | None
    deliverable: str
    is_race_checkpoint: bool


@dataclass(frozen=True)
class SubmittedBid:
    bid_id: int
    challenge_id: int
    version_no: int
    submitted_at: datetime
    content_sha256: str
    title: str
    lead: OrgRef
    members: tuple[OrgRef, ...]
    leader: dict
    technical_plan: str
    budget: dict
    kpis: tuple[KpiAnswer, ...]
    milestones: tuple[Milestone, ...]
    attachments: tuple[Attachment, ...]
    data: dict = field(repr=False)  # the raw snapshot, for templates

    @property
    def organisations(self) -> tuple[OrgRef, ...]:
        return (self.lead, *self.members)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(o.id for o in self.organisations)

    @property
    def credit_codes(self) -> frozenset[str]:
        return frozenset(o.credit_code.upper() for o in self.organisations)

    def attachments_of(self, kind: str) -> list[Attachment]:
        return [a for a in self.attachments if a.kind == kind]

    @property
    def unanswered_kpis(self) -> list[KpiAnswer]:
        return [k for k in self.kpis if not k.is_answered]

    @property
    def kpi_misses(self) -> list[KpiAnswer]:
        return [k for k in self.kpis if k.misses]


def _decimal(text) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _kpis(data: dict, challenge) -> tuple[KpiAnswer, ...]:
    by_id = {k.id: k for k in challenge.kpis}
    rows = []
    for k in data["kpis"]:
        # Versions submitted before the snapshot kept the direction read it from the KPI.
        current = by_id.get(k.get("kpi_id"))
        comparator = k.get("comparator") or (current.comparator.value if current else None)
        target = _decimal(k["target_value"]) if "target_value" in k else (current.target_value if current else None)
        rows.append(KpiAnswer(kpi_id=k.get("kpi_id"), name=k["name"], target_text=k.get("target") or "",
                              comparator=comparator, target_value=target, unit=k.get("unit") or "",
                              proposed_value=_decimal(k.get("proposed_value")),
                              verification=k.get("verification") or ""))
    return tuple(rows)


def view_of(bid: Bid, version: BidVersion) -> SubmittedBid:
    data = version.snapshot
    tokens = {a.id: a.public_id for a in bid.attachments}
    lead = data["lead"]
    return SubmittedBid(
        bid_id=bid.id, challenge_id=bid.challenge_id, version_no=version.version_no,
        submitted_at=version.submitted_at, content_sha256=version.content_sha256, title=data["title"],
        lead=OrgRef(lead["id"], lead["name"], lead["credit_code"], lead.get("type")),
        members=tuple(OrgRef(m["id"], m["name"], m["credit_code"], m.get("type")) for m in data["members"]),
        leader=dict(data["leader"]), technical_plan=data["technical_plan"], budget=dict(data["budget"]),
        kpis=_kpis(data, bid.challenge),
        milestones=tuple(Milestone(m["name"], m["due_on"], m["tranche_percent"], m["deliverable"] or "",
                                   bool(m.get("is_race_checkpoint"))) for m in data["milestones"]),
        attachments=tuple(Attachment(a["id"], a.get("public_id") or tokens.get(a["id"]), a["name"], a["kind"],
                                     a["sha256"], a["size_bytes"]) for a in data["attachments"]),
        data=data,
    )


def submitted_view(bid: Bid) -> SubmittedBid | None:
    """The bid as last submitted (None if it never was): the one read API for staff pages
    and for the rules staff rely on."""
    version = bid.latest_version
    return view_of(bid, version) if version is not None else None


@dataclass(frozen=True)
class Fact:
    """Something the system knows about a submitted version, shown on the review page."""

    key: str
    label: str
    ok: bool
    detail: str = ""
    required: bool = True


def review_facts(bid: Bid, view: SubmittedBid) -> list[Fact]:
    """The facts formal review must not contradict, computed from the submitted version."""
    from flask_babel import gettext as _

    from .models import AttachmentKind, BidState

    facts = []
    for kind in REQUIRED_ATTACHMENT_KINDS:
        found = view.attachments_of(kind)
        label = AttachmentKind(kind).label
        facts.append(Fact(f"attachment_{kind}", _("已上传%(kind)s", kind=label), bool(found),
                          "、".join(a.name for a in found) if found else _("提交的版本中没有“%(kind)s”类附件",
                                                                           kind=label)))
    reconfirmed = bid.state is not BidState.NEEDS_RECONFIRM
    facts.append(Fact("reconfirmed", _("榜单变更后已重新确认"), reconfirmed,
                      "" if reconfirmed else _("榜单变更后申报单位未在截止前重新确认")))
    answered = {k.kpi_id for k in view.kpis if k.is_answered}
    missing = [k.name for k in bid.challenge.kpis if k.id not in answered]
    facts.append(Fact("kpis_answered", _("逐项响应了全部考核指标"), not missing,
                      _("未作答：%(names)s", names="、".join(missing)) if missing else ""))
    misses = view.kpi_misses
    facts.append(Fact("kpi_targets", _("承诺值均达到榜单要求"), not misses,
                      "；".join(_("%(name)s：承诺%(value)s %(unit)s，榜单要求%(target)s",
                                  name=k.name, value=rules_plain(k.proposed_value), unit=k.unit,
                                  target=k.target_text) for k in misses),
                      required=False))
    return facts


def rules_plain(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def missed_kpi_ids(data: dict, challenge) -> set[int]:
    """KPI ids whose committed value in ``data`` (a snapshot dict: a version or the
    working copy) misses the challenge's target: marked on the bid's pages."""
    return {k.kpi_id for k in _kpis(data, challenge) if k.misses}
