"""Official documents (公文): numbering, rendering, fonts, issued-document store, verification.

Other domains use:

* ``app.documents.types.register_type(...)`` — add a document type;
* ``app.documents.operations.issue_document(...)`` / ``correct_document(...)``;
* ``app.documents.queries.documents_for(subject)`` — the documents of an object;
* ``url_for("documents.download", doc_id=...)`` — download (``IssuedDocument.can_download``).
"""
