"""Imports every domain's models so metadata (and Alembic) sees all tables."""
from .auth.models import BadCreditRecord, Organisation, User  # noqa: F401
from .auth.expert_models import ExpertEmployment, ExpertField, ExpertProfile, ExpertRelationship  # noqa: F401
from .core.models import AuditEvent, PolicySetting  # noqa: F401
from .core.calendar_models import CalendarDay, CalendarYear  # noqa: F401
from .demands.models import Demand, DemandAttachment  # noqa: F401
from .challenges.models import Amendment, Challenge, ChallengeKpi, MilestoneCheckpoint, Publication  # noqa: F401
from .documents.models import DocumentCounter, IssuedDocument  # noqa: F401
from .bids.models import Bid, BidAttachment, BidKpiAnswer, BidMember, BidMilestone, BidOpening, BidSummary, BidVersion, FormalReview  # noqa: F401,E501
from .core.models import AuditChainHead, JobLock, OutboxMessage  # noqa: F401,E402
from .notifications.models import FieldFollow, Notification, NotificationOptOut  # noqa: F401,E402
from .notifications import delivery as _notification_delivery  # noqa: F401,E402  (outbox handlers)
from .reviews.models import Award, ExpertReview, Objection, Publicity, ReviewCriterion, ReviewDraw, ReviewRating, ReviewRound  # noqa: F401,E402,E501
from .projects.models import (Acceptance, AcceptanceAttachment, AcceptanceKpiResult, MilestoneReport, Project,  # noqa: F401,E402
                              ProjectExtension, ProjectKpi, ProjectMember, ProjectMilestone, ProjectReminder,
                              RaceDecision, RaceOutcome, ReportAttachment, ReportKpiValue, ReportRating,
                              ReportReview, Termination)
