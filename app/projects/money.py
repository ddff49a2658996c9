"""Money of a project as the bureau's pages show it.

``paid_fen`` is finance's figure (issue 13: tranches and disbursements). This package
never imports finance: finance registers its query once at import time with
``register_paid_source(lambda project: ...)``. Until then (in this branch) nothing can
have been paid and ``paid_fen`` answers 0. ``spent_fen`` is what the team reported in
its latest report (milestone or final).
"""
from __future__ import annotations

_PAID_SOURCE = None


def register_paid_source(fn) -> None:
    """Finance: ``register_paid_source(lambda project: sum of its disbursed fen)``."""
    global _PAID_SOURCE
    _PAID_SOURCE = fn


def paid_fen(project) -> int:
    return int(_PAID_SOURCE(project)) if _PAID_SOURCE is not None else 0


def spent_fen(project) -> int:
    if project.acceptance is not None:
        return project.acceptance.spent_fen
    reports = [m.latest_report for m in project.milestones if m.latest_report is not None]
    return max((r.spent_fen for r in reports), default=0)
