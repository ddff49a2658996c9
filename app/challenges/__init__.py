"""Demands (需求征集) and challenges (榜单): from an enterprise's problem to a published list.

Public API for other domains (bids, reviews, projects):

* ``models.Challenge`` with ``state``, ``issuer``, ordered ``kpis`` and
  ``milestone_template``, amounts in fen, aware-UTC bid window and the predicates
  ``is_open_for_bids(now)``, ``is_past_deadline(now)``, ``is_public``,
  ``can_view(user)``, ``can_edit(user)``.
* ``operations``: ``start_review``, ``award_challenge``, ``start_execution``,
  ``finish_challenge``, ``cancel_challenge``, ``close_if_due``.
* ``signals``: ``challenge_published``, ``challenge_amended``, ``challenge_closed``.
"""
