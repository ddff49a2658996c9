"""Column types shared by every domain."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware datetimes stored as naive UTC.

    Naive UTC is the one representation SQLite and PostgreSQL agree on; values come
    back aware (UTC) so comparisons and conversions to Asia/Shanghai are explicit.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - SQLite raw values
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


# Money is integer fen (1 yuan = 100 fen); BigInteger keeps sums exact.
Money = sa.BigInteger
