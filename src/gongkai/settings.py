"""Gongkai's one settings module.

Everything that differs between a developer's laptop and a production server comes from the
environment; the defaults are safe for development (SQLite file, console email, DEBUG on only
when no production secret is set). Nothing here reads the database or other settings at import time
of other modules.

Environment variables
    DATABASE_URL             sqlite:///path or postgres://user@host:port/name (default: SQLite file
                             ``var/gongkai.sqlite3`` in the working directory)
    GONGKAI_SECRET_KEY       required in production; a development key is used when unset
    GONGKAI_DEBUG            "1"/"true" to enable debug (default: on only without GONGKAI_SECRET_KEY)
    GONGKAI_ALLOWED_HOSTS    comma-separated host names (default: localhost, 127.0.0.1)
    GONGKAI_CSRF_TRUSTED_ORIGINS  comma-separated origins (https://gk.example.gov.cn)
    GONGKAI_EMAIL_BACKEND    dotted path (default: console in debug, SMTP otherwise)
    GONGKAI_EMAIL_HOST / _PORT / _USER / _PASSWORD / _USE_TLS / _USE_SSL
    GONGKAI_DEFAULT_FROM_EMAIL
    GONGKAI_MEDIA_ROOT, GONGKAI_STATIC_ROOT, GONGKAI_DATA_DIR
    GONGKAI_SECURE_SSL_REDIRECT  "0" to disable the HTTPS redirect behind a TLS-terminating proxy
    GONGKAI_CACHE_URL / REDIS_URL  redis://host:6379/0 for the shared cache (default: local memory)
    GONGKAI_TRUSTED_PROXIES  comma-separated proxy addresses or networks whose X-Forwarded-For is believed
    GONGKAI_STAFF_SESSION_IDLE_MINUTES / GONGKAI_STAFF_SESSION_MAX_HOURS  staff session timeouts (30 / 12)
    GONGKAI_DAILY_APPLICATION_LIMIT / GONGKAI_DAILY_APPLICATIONS_PER_IP  online applications a day per
                             account (20) and per client address (50; 0 = no limit per address)
    GONGKAI_PAGE_CACHE_SECONDS  seconds a public page is cached whole for anonymous visitors (300; 0 = off)
    GONGKAI_PAGE_CACHE_URL   redis://… of a Redis for the cached pages alone (default: each worker's memory)
    GONGKAI_LOG_FORMAT       json or plain (default: json when DEBUG is off, plain in development)
    GONGKAI_CLAMAV           clamd for the upload virus scan: unix:///path/clamd.ctl or tcp://host:port
    GONGKAI_UPLOAD_QUOTA_BYTES  bytes an applicant may upload per rolling 24 hours (200 MB)
    GONGKAI_UPLOAD_MAX_PIXELS / GONGKAI_UPLOAD_MAX_IMAGE_SIDE  image cap (40 megapixels / 20,000 pixels)
    GONGKAI_HEALTH_MIN_FREE_MB / GONGKAI_HEALTH_MIN_FREE_PERCENT  free disk space /healthz wants (100 / 1)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GONGKAI_DATA_DIR", Path.cwd() / "var")).resolve()

_secret = os.environ.get("GONGKAI_SECRET_KEY", "")
DEBUG = env_bool("GONGKAI_DEBUG", default=not _secret)
# The development key is only ever used when no secret is configured; `check --deploy` flags it.
SECRET_KEY = _secret or "django-insecure-gongkai-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("GONGKAI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("GONGKAI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "gongkai.core",
    "gongkai.orgs",
    "gongkai.applications",
    "gongkai.publishing",
    "gongkai.credit",
    "gongkai.mailbox",
    "gongkai.normative",
    "gongkai.appeals",
    "gongkai.reports",
    "gongkai.land",
    "gongkai.search",
    "gongkai.portal",
    "gongkai.staff",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
]

MIDDLEWARE = [
    "gongkai.core.uploads.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongkai.core.sessions.StaffSessionTimeoutMiddleware",
    "gongkai.orgs.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.core.context_processors.site",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'gongkai.sqlite3'}",
        conn_max_age=int(os.environ.get("GONGKAI_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; busy timeout avoids "database is locked". Transactions
    # begin IMMEDIATE: they take the write lock at the start (waiting up to the timeout), so one that read
    # first never fails to upgrade to a write, and check-then-write steps (a quota, a sequence) run one
    # after the other as SELECT … FOR UPDATE makes them do on PostgreSQL. Reads outside transactions are
    # not affected.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (login throttling counters among others): local memory in development and tests; in production
# Redis through django's built-in RedisCache, shared by every worker (a system check warns without it).
_cache_url = os.environ.get("GONGKAI_CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gongkai"}
    )
}
# Whole public pages (core/pagecache.py): in each worker's memory by default (no round trip on a hit),
# or in a Redis of their own shared by several app servers — never in the one above, whose login-throttle
# counters many distinct URLs could otherwise evict.
_page_cache_url = os.environ.get("GONGKAI_PAGE_CACHE_URL", "")
CACHES["pages"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _page_cache_url}
    if _page_cache_url
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "gongkai-pages",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
)

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongkai.orgs.passwords.PersonalDataPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:account"
LOGOUT_REDIRECT_URL = "portal:home"

# Language and time: Chinese first, English second; Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GONGKAI_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("GONGKAI_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: Django 6.1 mailers. Console in development, SMTP (or what the environment names) otherwise.
MAILERS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": os.environ.get(
            "GONGKAI_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("GONGKAI_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("GONGKAI_EMAIL_PORT", "25")),
        "username": os.environ.get("GONGKAI_EMAIL_USER", ""),
        "password": os.environ.get("GONGKAI_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("GONGKAI_EMAIL_USE_TLS", False),
        "use_ssl": env_bool("GONGKAI_EMAIL_USE_SSL", False),
        "timeout": 30,
    }
DEFAULT_FROM_EMAIL = os.environ.get("GONGKAI_DEFAULT_FROM_EMAIL", "gongkai@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a strict CSP.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("GONGKAI_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer probes the app server over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("GONGKAI_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("GONGKAI_HSTS_PRELOAD", True)
    LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: no inline scripts; every script is a static file.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Logs (bad inputs 20 and 25): one JSON object per line in production, plain text in development; both
# with ISO 8601 timestamps carrying the Beijing offset, line breaks in messages escaped (core/logs.py).
GONGKAI_LOG_FORMAT = os.environ.get("GONGKAI_LOG_FORMAT", "plain" if DEBUG else "json").strip().lower()
if GONGKAI_LOG_FORMAT not in {"json", "plain"}:
    raise ValueError(f"GONGKAI_LOG_FORMAT must be json or plain, not {GONGKAI_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "gongkai.core.logs.PlainFormatter", "tz": TIME_ZONE},
        "json": {"()": "gongkai.core.logs.JsonFormatter", "tz": TIME_ZONE},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": GONGKAI_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGKAI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

FILE_UPLOAD_HANDLERS = ["gongkai.core.uploads.LimitedUploadHandler"]
FILE_UPLOAD_PERMISSIONS = 0o640
# Gongkai's own settings.
GONGKAI_SMS_BACKEND = os.environ.get("GONGKAI_SMS_BACKEND", "gongkai.core.sms.console")
GONGKAI_MAX_UPLOAD_BYTES = int(os.environ.get("GONGKAI_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Uploads (core/uploads.py): image pixel cap (header only, never decoded), per-applicant quota per rolling
# 24 hours, and clamd for the virus scan (unix:///run/clamav/clamd.ctl or tcp://127.0.0.1:3310; unset = none).
GONGKAI_UPLOAD_MAX_PIXELS = int(os.environ.get("GONGKAI_UPLOAD_MAX_PIXELS", "40000000"))
GONGKAI_UPLOAD_MAX_IMAGE_SIDE = int(os.environ.get("GONGKAI_UPLOAD_MAX_IMAGE_SIDE", "20000"))
GONGKAI_UPLOAD_QUOTA_BYTES = int(os.environ.get("GONGKAI_UPLOAD_QUOTA_BYTES", str(200 * 1024 * 1024)))
GONGKAI_CLAMAV = os.environ.get("GONGKAI_CLAMAV", "").strip()
# Whole public pages cached for anonymous visitors (core/pagecache.py); invalidated on publication, 0 = off.
GONGKAI_PAGE_CACHE_SECONDS = int(os.environ.get("GONGKAI_PAGE_CACHE_SECONDS", "300"))
# Health check (/healthz, gongkai health; core/health.py): free space wanted on the media and data disks.
GONGKAI_HEALTH_MIN_FREE_MB = int(os.environ.get("GONGKAI_HEALTH_MIN_FREE_MB", "100"))
GONGKAI_HEALTH_MIN_FREE_PERCENT = float(os.environ.get("GONGKAI_HEALTH_MIN_FREE_PERCENT", "1"))
# Online applications one public account may file per day before the form refuses (bad-inputs 16).
GONGKAI_DAILY_APPLICATION_LIMIT = int(os.environ.get("GONGKAI_DAILY_APPLICATION_LIMIT", "20"))
# ... and from one client address per Beijing day, whatever the accounts (applications/limits.py; 0 = off).
GONGKAI_DAILY_APPLICATIONS_PER_IP = int(os.environ.get("GONGKAI_DAILY_APPLICATIONS_PER_IP", "50"))
# Production is any configuration with a real secret key; it must also provide its own data keys.
GONGKAI_PRODUCTION = bool(_secret)
# Fernet keys for personal data at rest, newest first (generate: gongkai generate_field_key).
GONGKAI_FIELD_KEYS = env_list("GONGKAI_FIELD_KEYS", "")
GONGKAI_LOOKUP_KEY = os.environ.get("GONGKAI_LOOKUP_KEY", "")
GONGKAI_AUDIT_RETENTION_DAYS = int(os.environ.get("GONGKAI_AUDIT_RETENTION_DAYS", "365"))  # >= 183
GONGKAI_SITE_NAME = _("政府信息公开平台")
# Accounts (docs/security.md "Accounts"): login throttling per (client address, user name) and per address.
GONGKAI_TRUSTED_PROXIES = env_list("GONGKAI_TRUSTED_PROXIES", "")
GONGKAI_LOGIN_WINDOW_MINUTES = int(os.environ.get("GONGKAI_LOGIN_WINDOW_MINUTES", "15"))
GONGKAI_LOGIN_FAILURES_PER_PAIR = int(os.environ.get("GONGKAI_LOGIN_FAILURES_PER_PAIR", "5"))
GONGKAI_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("GONGKAI_LOGIN_FAILURES_PER_ADDRESS", "50"))
GONGKAI_STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("GONGKAI_STAFF_SESSION_IDLE_MINUTES", "30"))
GONGKAI_STAFF_SESSION_MAX_HOURS = int(os.environ.get("GONGKAI_STAFF_SESSION_MAX_HOURS", "12"))
