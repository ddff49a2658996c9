"""Configuration classes.

Every value can be overridden from the environment. ``APP_ENV`` picks the class
(development | testing | production); ``create_app`` calls ``finalise`` (development
without ``SECRET_KEY``: a random key kept in ``instance/secret_key``) and then
``validate``, so production refuses to start with a weak secret, SQLite, per-process
rate-limit counters or a public base URL that is missing, loopback or plain http.
"""
from __future__ import annotations

import ipaddress
import math
import os
import secrets
import zlib
from collections import Counter
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("JIEBANG_INSTANCE_DIR", BASE_DIR / "instance"))

# Publicly known values (this repository, earlier defaults): never accepted as a key.
DEFAULT_SECRET = "dev-insecure-secret-change-me"
KNOWN_SECRETS = frozenset({DEFAULT_SECRET, "testing-secret", "change-me", "secret"})
SECRET_FILE_NAME = "secret_key"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


# Policy defaults from shared/domain.md §4. Each can be overridden per deployment
# from the admin policy page (rows in ``policy_settings``) without code changes.
POLICY_DEFAULTS: dict[str, int] = {  # ratios may be Decimal("1.5")
    "max_time_limit_months": 36,            # rule 3
    "min_agreement_total_fen": 5_000_000_00,  # rule 4 (5,000,000 yuan)
    "single_project_cap_fen": 10_000_000_00,  # rule 5 (10,000,000 yuan)
    "enterprise_self_funding_ratio": 2,     # rule 6: self : fiscal >= 2:1
    "academic_self_funding_ratio": 1,       # rule 6: self : fiscal >= 1:1
    "max_consortium_members": 5,            # rule 7: besides the lead
    "bad_credit_lookback_years": 3,         # rule 8
    "score_deviation_flag_points": 20,      # rule 12
    "publicity_working_days": 7,            # rule 14
    "max_extension_months": 12,             # rule 18
    "acceptance_due_months": 3,             # rule 18
    "min_bid_window_days": 20,              # minimum bid window after publication
    "conflict_lookback_years": 3,           # rule 11
    # After an amendment, bidders get at least this many days before the deadline to
    # re-confirm (the deadline is moved later automatically when needed).
    "reconfirm_min_days": 15,
    "review_panel_size": 5,                 # stage 5: experts drawn per review panel
}


def secret_key_problem(key: str | None) -> str | None:
    """Why ``key`` is not fit to sign production sessions, or None.

    At least 32 characters, not a published value, and not guessable in structure: few
    distinct characters, a repeated pattern or text that compresses well (a 40-character
    key of one letter, "0123456789abcdef" three times) are refused. A key from
    ``secrets.token_urlsafe(48)`` or ``secrets.token_hex(32)`` passes.
    """
    key = key or ""
    if not key or key in KNOWN_SECRETS:
        return "SECRET_KEY is missing or a published default"
    if len(key) < 32:
        return "SECRET_KEY must be at least 32 characters"
    counts = Counter(key)
    shannon_bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values()) * len(key)
    periodic = (key + key).find(key, 1) < len(key)
    compressed = len(zlib.compress(key.encode("utf-8"), 9))
    if len(counts) < 10 or shannon_bits < 100 or periodic or compressed < 0.7 * len(key.encode("utf-8")):
        return "SECRET_KEY has too little entropy (repeated or patterned characters)"
    return None


def instance_secret(instance_path: str | Path) -> str:
    """The development key of this instance: random, created once in
    ``instance/secret_key`` (mode 0600), so no two installations share a key and
    nobody can forge a session with a key published in the source."""
    path = Path(instance_path) / SECRET_FILE_NAME
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if secret_key_problem(key):
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key + "\n")
    return key


LOOPBACK_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost"}


def public_base_url_problem(url: str | None) -> str | None:
    """Every issued PDF prints this URL in its QR code, forever: it must be the public
    https address of the site."""
    from urllib.parse import urlsplit

    if not url:
        return "PUBLIC_BASE_URL must be set (the public https address printed on every PDF)"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "PUBLIC_BASE_URL must be an https:// URL"
    host = parts.hostname.lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host in LOOPBACK_HOSTS or host.endswith(".localhost") or (
            address is not None and (address.is_loopback or address.is_unspecified or address.is_link_local)):
        return "PUBLIC_BASE_URL must be the public address, not a loopback or private one"
    return None


class BaseConfig:
    ENV_NAME = "base"
    # None: development creates a per-instance key (instance_secret); production refuses.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'jiebang.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Remember-me lasts 14 days at most (never for staff roles, see auth.views.login);
    # no session, remembered or not, is accepted longer after its login.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    SESSION_MAX_AGE = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug default cost (n=32768)

    # Uploads
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    DOCUMENT_STORE = os.environ.get("DOCUMENT_STORE", str(INSTANCE_DIR / "documents"))
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 20 * 1024 * 1024)
    MAX_FILE_SIZE = _env_int("MAX_FILE_SIZE", 10 * 1024 * 1024)
    # Bytes one demand may ever store, removed attachments included, and uploads per user.
    DEMAND_UPLOAD_QUOTA = _env_int("DEMAND_UPLOAD_QUOTA", 50 * 1024 * 1024)
    UPLOAD_RATE_LIMIT = os.environ.get("UPLOAD_RATE_LIMIT", "30 per hour")
    MAX_BID_UPLOAD_TOTAL = _env_int("MAX_BID_UPLOAD_TOTAL", 50 * 1024 * 1024)
    # Uploads per applicant user (Flask-Limiter syntax); the per-bid total counts removed files.
    BID_UPLOAD_RATE_LIMIT = os.environ.get("BID_UPLOAD_RATE_LIMIT", "30 per hour")
    # Unreferenced uploaded files younger than this are never collected (jobs run).
    BLOB_GC_GRACE_SECONDS = _env_int("BLOB_GC_GRACE_SECONDS", 24 * 3600)

    # Time and language
    TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": "简体中文", "en": "English"}

    # Rate limiting (Flask-Limiter); Redis in production, memory elsewhere.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins per (account, client address): this many are free, then the pair
    # waits 1, 2, 4 … minutes between attempts, at most LOGIN_MAX_DELAY seconds.
    LOGIN_FREE_ATTEMPTS = _env_int("LOGIN_FREE_ATTEMPTS", 5)
    LOGIN_MAX_DELAY = _env_int("LOGIN_MAX_DELAY", 3600)
    # Failed logins per client address, across accounts (password spraying).
    LOGIN_RATE_LIMIT_PER_IP = os.environ.get("LOGIN_RATE_LIMIT_PER_IP", "30 per minute;300 per hour")
    # Reverse proxies in front of the app that set X-Forwarded-For / -Proto. 0 = none:
    # the headers are ignored (anyone could forge them); behind one nginx, set 1.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    # Public base URL used in QR codes of issued documents (production: https, public).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Strict-Transport-Security max-age in seconds (0 = header not sent).
    HSTS_SECONDS = 0

    # Mail (notifications). Empty host = mail disabled, in-app notices only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@jiebang.local")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)   # STARTTLS after connecting
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)        # seconds; a slow server defers to `jobs run`
    # Deliver a request's outbox messages right after its commit (else only `jobs run` does).
    OUTBOX_DISPATCH_AFTER_COMMIT = _env_bool("OUTBOX_DISPATCH_AFTER_COMMIT", True)

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    DEMO_DATA_PATH = os.environ.get(
        "DEMO_DATA_PATH", str(BASE_DIR.parent / "shared" / "data" / "jiaozuo_demo.json")
    )
    DEMO_DATA_FALLBACK = str(BASE_DIR / "app" / "core" / "data" / "jiaozuo_demo.json")

    POLICY = dict(POLICY_DEFAULTS)
    PAGE_SIZE = 20
    # The footer of a Chinese government website (shown only when set): 网站标识码,
    # ICP备案号, 公安机关备案号 (e.g. "豫公网安备 41080002000001号") and 联系我们 (a line of
    # text: office, telephone, e-mail).
    SITE_ID_CODE = os.environ.get("SITE_ID_CODE", "")
    SITE_ICP_RECORD = os.environ.get("SITE_ICP_RECORD", "")
    SITE_PSB_RECORD = os.environ.get("SITE_PSB_RECORD", "")
    SITE_CONTACT = os.environ.get("SITE_CONTACT", "")

    @classmethod
    def finalise(cls, config: dict, instance_path: str) -> None:
        """Fill in values that depend on the instance (after overrides)."""

    @classmethod
    def validate(cls, config: dict) -> None:
        """Refuse to start with a configuration that cannot work."""
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            raise RuntimeError("DATABASE_URL is not set")
        if not config.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY is not set")


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = False

    @classmethod
    def finalise(cls, config: dict, instance_path: str) -> None:
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] in KNOWN_SECRETS:
            config["SECRET_KEY"] = instance_secret(instance_path)


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = True
    PUBLIC_BASE_URL = "http://localhost"
    # Cheap hashes keep the suite fast; production keeps werkzeug's default cost.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 365 * 24 * 3600)

    @classmethod
    def validate(cls, config: dict) -> None:
        problem = secret_key_problem(config.get("SECRET_KEY"))
        if problem:
            raise RuntimeError(
                f"{problem}. Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        super().validate(config)
        if "DATABASE_URL" not in os.environ:
            raise RuntimeError("DATABASE_URL must be set in production")
        if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
            raise RuntimeError("DATABASE_URL must be PostgreSQL in production, not SQLite")
        storage = str(config.get("RATELIMIT_STORAGE_URI") or "")
        if not storage or storage.startswith("memory"):
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI must be shared storage such as redis://127.0.0.1:6379/0 in production: "
                "memory:// counts per worker process, so login limits would multiply by the number of workers"
            )
        problem = public_base_url_problem(config.get("PUBLIC_BASE_URL"))
        if problem:
            raise RuntimeError(problem)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[BaseConfig]:
    name = name or os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
