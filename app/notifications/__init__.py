"""In-app and e-mail notifications, fed from the outbox.

Domains register their event kinds (``registry.register_kind``) and call
``operations.notify(kind, recipients, **context)`` inside their operations; the
message is delivered after the commit (``core.outbox``): one in-app notification
per recipient (unless the user turned the category off) and, when SMTP is
configured, one e-mail per recipient in the user's language.
"""
