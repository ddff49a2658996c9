"""Bids (揭榜申报) under the horse-race system: consortia, sealed bids, formal review.

Public API for other domains (reviews, projects, api):

* ``models.Bid`` (``state``, ``organisation`` = lead unit, ``members``, ``latest_version``
  with its immutable ``snapshot``), ``BidState``, ``FormalReview``.
* ``seal.opened_bids_select()`` — the only way staff-facing code should list bids (it
  never returns a sealed one); ``seal.is_opened(challenge)``, ``seal.submitted_count``.
* Bids that passed formal review: ``Bid.state == BidState.PASSED``.
* ``snapshots.submitted_view(bid)`` — the submitted version as plain data (lead unit,
  members with credit codes, KPI answers, budget, milestones, attachments): what staff
  see and what conflict-of-interest checks must read (never the working copy).
* URLs name bids and attachments by ``public_id`` (random), never by the integer id.
"""
from __future__ import annotations


def _connect_signals() -> None:
    from ..challenges.signals import challenge_amended, challenge_cancelled
    from .operations import mark_needs_reconfirmation, tell_challenge_cancelled

    def on_amended(challenge, amendment=None, **_extra):
        mark_needs_reconfirmation(challenge, amendment)

    def on_cancelled(challenge, reason=None, **_extra):
        tell_challenge_cancelled(challenge, reason or "")

    challenge_amended.connect(on_amended, weak=False)
    challenge_cancelled.connect(on_cancelled, weak=False)


_connect_signals()
