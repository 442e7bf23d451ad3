"""Confide's settings, read from the environment (see docs/production.md)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP

from confide.lib.crypto import Keyring, KeyringError
from confide.lib.env import (
    ImproperlyConfiguredError,
    env_bool,
    env_int,
    env_list,
    env_required,
    env_str,
)
from confide.lib.files import private_dir, private_file, private_write

# Lets generic classes such as ModelAdmin[Article] be written at run time as mypy wants.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CONFIDE_VAR_DIR", str(BASE_DIR / "var")))

# "production" turns on every HTTPS and cookie protection and insists on real secrets.
CONFIDE_ENV = env_str("CONFIDE_ENV", "development")
if CONFIDE_ENV not in {"development", "production"}:
    raise ImproperlyConfiguredError("CONFIDE_ENV must be 'development' or 'production'")
PRODUCTION = CONFIDE_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _dev_secret_key() -> str:
    """Return a random key kept under var/, so sign-ins survive a restart of `make run`."""
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        private_dir(VAR_DIR)
        private_write(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


def _production_secret_key() -> str:
    key = env_required("SECRET_KEY")
    # The same test Django's deploy check applies, made fatal instead of a warning.
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        raise ImproperlyConfiguredError(
            "SECRET_KEY must be a random value of at least 50 characters; "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key


def _dev_data_keys() -> str:
    """Return a random data key kept under var/, so notes written in development stay readable."""
    path = VAR_DIR / "dev-data-keys"
    if not path.exists():
        private_dir(VAR_DIR)
        private_write(path, "dev1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = _production_secret_key()
    # Clinical text is sealed with these keys, never with SECRET_KEY: see docs/production.md.
    DATA_KEYS = env_required("CONFIDE_DATA_KEYS")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfiguredError("ALLOWED_HOSTS must list the site's host names")
else:
    SECRET_KEY = env_str("SECRET_KEY") or _dev_secret_key()
    DATA_KEYS = env_str("CONFIDE_DATA_KEYS") or _dev_data_keys()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
try:
    Keyring.parse(DATA_KEYS)
except KeyringError as error:
    raise ImproperlyConfiguredError(f"CONFIDE_DATA_KEYS: {error}") from None

INSTALLED_APPS = [
    "confide.keys",
    "confide.practice",
    "confide.clients",
    "confide.scheduling",
    "confide.billing",
    "confide.intake",
    "confide.messaging",
    "confide.measures",
    "confide.plans",
    "confide.notifications",
    "confide.accounts",
    "confide.office",
    "confide.portal",
    "confide.records",
    "confide.audit",
    "confide.operations",
    # /metrics for Prometheus, behind METRICS_TOKEN (docs/production.md, "Metrics").
    "confide.metrics",
    # Demo data for every app above, loaded by `manage.py load_demo` (confide/demo/).
    "confide.demo",
    # The admin behind the office's sign-in and second factor (confide/accounts/admin_site.py).
    "confide.accounts.apps.OfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
]

MIDDLEWARE = [
    # First, so it sees the status every other layer settles on.
    "confide.metrics.middleware.RequestCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "confide.lib.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "confide.accounts.middleware.SessionLimitsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "confide.accounts.middleware.OfficeGuardMiddleware",
    # A sealed record that cannot be opened gets a page naming the key id, not a server error.
    "confide.clients.middleware.UnreadableRecordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves the collected, compressed static files from the app servers themselves.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "confide.urls"
WSGI_APPLICATION = "confide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "confide.practice.context_processors.practice",
                "confide.accounts.context_processors.session_limits",
            ],
        },
    },
]


def _private_sqlite_files(name: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would follow the umask, often 0644).

    SQLite gives its -wal and -shm files the database file's own mode; ones left from before
    are tightened too.
    """
    if name == ":memory:" or name.startswith("file:"):
        return
    database = Path(name)
    if database.parent.is_dir():
        private_file(database)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(name + suffix)
        if companion.exists():
            private_file(companion)


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if not url:
        private_dir(VAR_DIR)
        url = f"sqlite:///{VAR_DIR / 'confide.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        _private_sqlite_files(str(config["NAME"]))
        # A file, not memory, so the servers and workers that tests start can share it; one per
        # test run, so two runs side by side don't trip over each other.
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
        # instead of one failing halfway; WAL lets readers go on while one writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # Opening the file and running the pragmas takes longer than most pages' queries, so
        # each process keeps its connection, as with PostgreSQL. (A restore stops the servers
        # first: docs/production.md.)
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    else:
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database()}
# Shared by every app server process: one-time TOTP codes and sign-in rate limits must hold
# across all of them. `migrate` creates the table (confide/accounts/migrations).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "confide_cache",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Every page loads only from its own origin: no fonts, scripts or images from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# No referrer leaves the site: the neutral site a visitor leaves to must not learn where they
# were. Within the site it is kept, because with "no-referrer" browsers send "Origin: null"
# on form posts and Django's CSRF check (rightly) refuses them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

SESSION_COOKIE_HTTPONLY = True
# Staff sessions: the absolute limit; the 15-minute idle limit is kept by
# confide.accounts.middleware.SessionLimitsMiddleware (see docs/decisions/0005-staff-sign-in.md).
SESSION_COOKIE_AGE = 10 * 60 * 60
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 15 * 60)
STAFF_SESSION_MAX_SECONDS = SESSION_COOKIE_AGE
# The client portal's idle limit (confide/portal/access.py): the office's unless set.
PORTAL_SESSION_IDLE_SECONDS = env_int("PORTAL_SESSION_IDLE_SECONDS", STAFF_SESSION_IDLE_SECONDS)

# Staff sign-in (django-allauth) at /office/account/; django-axes checks every password first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "office:home"
ACCOUNT_ADAPTER = "confide.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's own count of failures (per username and address, see confide/accounts/adapters.py;
# per user for second-factor codes) stays above django-axes' limit, so axes' page explains a pause.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,10/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Seals second-factor secrets with the data keys (confide/accounts/adapters.py).
MFA_ADAPTER = "confide.accounts.adapters.StaffMFAAdapter"
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Confide office")
# One step either side for clocks that drift; each code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
# Say when a right code was already used, instead of "Incorrect code".
MFA_FORMS = {
    "authenticate": "confide.accounts.mfa_forms.StaffAuthenticateForm",
    "reauthenticate": "confide.accounts.mfa_forms.StaffReauthenticateForm",
}
MFA_RECOVERY_CODE_COUNT = 10
# Passkeys need HTTPS, except on this machine while developing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Brute-force throttling per username AND address, so nobody elsewhere can lock the therapist out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "confide.lib.request_address.client_address"
AXES_USERNAME_CALLABLE = "confide.accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "confide.accounts.lockout.lockout_response"
AXES_VERBOSE = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])
    if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
        # Only behind a proxy that sets this header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The public site's absolute address, for links in emails and calendar files.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many proxies in front add themselves to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# The bearer token Prometheus sends to /metrics; empty (the default) turns /metrics into a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Public booking forms: this many submissions per client address per ten minutes.
BOOKING_RATE_LIMIT = env_int("BOOKING_RATE_LIMIT", 10)

# Background work runs on Django's tasks framework with a database-backed queue, so a booking and
# the messages it causes commit together. Start workers with `manage.py confide_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}


def _mailers() -> dict[str, dict[str, object]]:
    """Read EMAIL_URL: outbox: (kept in the database), console:, or smtp[s]://user:pass@host:port."""
    url = env_str("EMAIL_URL", "outbox:")
    if url == "outbox:":
        return {"default": {"BACKEND": "confide.notifications.outbox.OutboxBackend"}}
    if url == "console:":
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "smtp+tls"} or not parts.hostname:
        raise ImproperlyConfiguredError(
            "EMAIL_URL must be outbox:, console:, or smtp://user:password@host:port "
            "(smtps:// for TLS from the start, smtp+tls:// for STARTTLS)"
        )
    options: dict[str, object] = {
        "host": parts.hostname,
        "port": parts.port
        or (465 if parts.scheme == "smtps" else 587 if parts.scheme == "smtp+tls" else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": parts.scheme == "smtp+tls",
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


MAILERS = _mailers()
# A sender name that says nothing about therapy: it shows on lock screens and shared inboxes.
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "Appointments <appointments@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Text messages: outbox: (kept in the office) or twilio://SID:TOKEN@api.twilio.com?from=%2B1...;
# checked at startup by the notifications app (see confide/notifications/texts.py).
TEXT_MESSAGES_URL = env_str("TEXT_MESSAGES_URL", "outbox:")

# Backups (`manage.py backup`): encrypted to this age public key (age1...); its private key is
# kept off the server. Kept in BACKUP_DIR, the newest of each of the last N days and M weeks.
BACKUP_RECIPIENT = env_str("BACKUP_RECIPIENT")
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 5)

# The searchable ICD-10-CM codes, written once per package version (confide/billing/icd10.py).
ICD10_INDEX_DIR = Path(env_str("ICD10_INDEX_DIR", str(VAR_DIR / "cache")))

# Error reports show no form field, local variable or query string (clinical text may be in any).
DEFAULT_EXCEPTION_REPORTER_FILTER = "confide.reporting.ClinicalTextReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "confide.reporting.ClinicalTextExceptionReporter"

# One JSON object per line, identifiers only (confide/lib/jsonlog.py), unless told otherwise;
# `make run` stays readable as text.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfiguredError("LOG_FORMAT must be 'json' or 'text'")
_JSON_LOGS = LOG_FORMAT == "json"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Office searches and links' tokens travel in query strings: request lines keep the path only.
    "filters": {"no_query_strings": {"()": "confide.lib.logfilters.DropQueryStrings"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        "json": {"()": "confide.lib.jsonlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if _JSON_LOGS else {}),
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _JSON_LOGS else "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["no_query_strings"]},
        # Django's own set-up for the development server's request lines, plus the filter.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_strings"],
        },
    },
}
