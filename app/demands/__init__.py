"""Demands (需求征集): enterprises file hard technical problems; the bureau screens
them (accept → a draft challenge, reject, return for more information).

models.py (Demand, DemandAttachment), forms.py, operations.py (save, submit, screen,
attachments), views.py (the filing enterprise's pages and the bureau's screening).
"""
