"""Bids (揭榜申报) under the horse-race system: consortia, sealed bids, formal review.

Public API for other domains (reviews, projects, api):

* ``models.Bid`` (``state``, ``organisation`` = lead unit, ``members``, ``latest_version``
  with its immutable ``snapshot``), ``BidState``, ``FormalReview``.
* ``seal.opened_bids_select()`` — the only way staff-facing code should list bids (it
  never returns a sealed one); ``seal.is_opened(challenge)``, ``seal.submitted_count``.
* Bids that passed formal review: ``Bid.state == BidState.PASSED``.
"""
from __future__ import annotations


def _connect_signals() -> None:
    from ..challenges.signals import challenge_amended
    from .operations import mark_needs_reconfirmation

    def on_amended(challenge, amendment=None, **_extra):
        mark_needs_reconfirmation(challenge, amendment)

    challenge_amended.connect(on_amended, weak=False)


_connect_signals()
