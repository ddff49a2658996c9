"""Scheduled jobs of bids: collecting unreferenced uploaded files.

``jobs run`` runs ``storage.collect_garbage``: blobs of the bid, demand and document
stores that no row references (bid attachments — removed ones included —, demand
attachments, issued documents) and that are older than ``BLOB_GC_GRACE_SECONDS``.
"""
from __future__ import annotations

from flask import Flask


def _bid_digests():
    from sqlalchemy import select

    from ..extensions import db
    from .models import BidAttachment

    return db.session.scalars(select(BidAttachment.sha256).distinct())


def _demand_digests():
    from sqlalchemy import select

    from ..demands.models import DemandAttachment
    from ..extensions import db

    return db.session.scalars(select(DemandAttachment.sha256).distinct())


def _document_digests():
    from sqlalchemy import select

    from ..documents.models import IssuedDocument
    from ..extensions import db

    return db.session.scalars(select(IssuedDocument.sha256).distinct())


def _demand_store():
    from flask import current_app

    from ..core.storage import BlobStore

    return BlobStore(current_app.config["UPLOAD_FOLDER"])


def _document_store():
    from ..documents.operations import store

    return store()


def collect_garbage_job(now):
    from ..core.blob_gc import collect_garbage

    return collect_garbage(now)


def register_cli(app: Flask) -> None:
    from ..core.blob_gc import register_blob_source
    from ..core.jobs import register_job
    from .files import store

    register_blob_source("bids", store, _bid_digests)
    register_blob_source("demands", _demand_store, _demand_digests)
    register_blob_source("documents", _document_store, _document_digests)
    register_job("storage.collect_garbage", collect_garbage_job, order=900)
