"""Django settings for Haat, read from the environment (and a `.env` file)."""

from __future__ import annotations

import os
from pathlib import Path

import environ

from haat.config import ConfigurationError, data_dir, is_production, local_secret_key

env = environ.Env()
if Path(".env").is_file():
    environ.Env.read_env(".env")

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()
PRODUCTION = is_production()

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigurationError("SECRET_KEY must be set when HAAT_ENV=production.")
    SECRET_KEY = local_secret_key(DATA_DIR)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS must be set when HAAT_ENV=production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves the API docs page with the Swagger UI bundled in django-ninja, not a CDN.
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "haat.core",
    "haat.accounts",
    "haat.catalog",
    "haat.inventory",
    "haat.tax",
    "haat.shipping",
    "haat.customers",
    "haat.checkout",
    "haat.fulfillment",
    "haat.orders",
    "haat.payments",
    "haat.gateways",
    "haat.notifications",
    "haat.api",
    "haat.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "haat.core.safe_input.SafeInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "haat.core.middleware.RequestContextMiddleware",
    "haat.core.middleware.StoreTimeZoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haat.urls"
WSGI_APPLICATION = "haat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haat.dashboard.context_processors.dashboard",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
    ),
}


def database_config(url: str | None) -> dict:
    """One database from a URL; SQLite in the data directory when no URL is given."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "haat.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Django's psycopg pool: a process holds at most `max_size` connections and a
        # request borrows one, so a traffic spike queues instead of exhausting the server.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("HAAT_DB_POOL_MIN", default=2),
            "max_size": env.int("HAAT_DB_POOL_MAX", default=8),
            "timeout": env.int("HAAT_DB_POOL_TIMEOUT", default=10),
        }
        # Server-side binding lets psycopg send the same SQL text with separate parameters,
        # and `prepare_threshold` makes it PREPARE a statement on a connection after that
        # many runs: PostgreSQL then skips parsing and planning the hot queries (measured
        # on the flash-sale checkout: about 40 % less database CPU per order). Prepared
        # statements live per connection, so they need session-level pooling (Django's pool
        # or PgBouncer >= 1.21 with max_prepared_statements); set
        # HAAT_DB_SERVER_SIDE_BINDING=false behind an older transaction-mode PgBouncer.
        if env.bool("HAAT_DB_SERVER_SIDE_BINDING", default=True):
            config["OPTIONS"]["server_side_binding"] = True
            config["OPTIONS"]["prepare_threshold"] = env.int("HAAT_DB_PREPARE_THRESHOLD", default=2)
    return config


DATABASES = {"default": database_config(env.str("DATABASE_URL", default=""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute-force lock-out (django-axes): per user name and IP, for one hour.
AXES_FAILURE_LIMIT = env.int("HAAT_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dashboard/auth/locked_out.html"
AXES_VERBOSE = False
# The same client IP the audit log records, so HAAT_TRUST_X_FORWARDED_FOR applies to both.
AXES_CLIENT_IP_CALLABLE = "haat.core.context.client_ip"

# --- I18N, time ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-in"
TIME_ZONE = env.str("HAAT_TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True
HAAT_LOCALE = env.str("HAAT_LOCALE", default="en_IN")

# --- Static, media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("HAAT_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
HAAT_MAX_IMAGE_BYTES = env.int("HAAT_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
HAAT_MAX_CSV_BYTES = env.int("HAAT_MAX_CSV_BYTES", default=20 * 1024 * 1024)

# --- Background work ----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-mail -------------------------------------------------------------------------------
# Where e-mail goes, first match wins: EMAIL_URL (e.g. smtp+tls://user:pass@host:587,
# consolemail://); EMAIL_BACKEND and/or EMAIL_HOST (SMTP, or an anymail provider with
# ANYMAIL); else `.eml` files under HAAT_EMAIL_DIR, because a laptop or the demo has no mail
# server on localhost:25 (haat.core.mail_delivery; `check --deploy` warns about it).
HAAT_EMAIL_DIR = Path(env.str("HAAT_EMAIL_DIR", default=str(DATA_DIR / "mail")))
EMAIL_URL = env.str("EMAIL_URL", default="")
_email_url = environ.Env.email_url_config(EMAIL_URL) if EMAIL_URL else {}
EMAIL_BACKEND = _email_url.get("EMAIL_BACKEND") or env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", default="")
    else "haat.core.mail_delivery.LocalFileBackend",
)
EMAIL_HOST = _email_url.get("EMAIL_HOST") or env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = _email_url.get("EMAIL_PORT") or env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = _email_url.get("EMAIL_HOST_USER") or env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _email_url.get("EMAIL_HOST_PASSWORD") or env.str(
    "EMAIL_HOST_PASSWORD", default=""
)
EMAIL_USE_TLS = _email_url.get("EMAIL_USE_TLS") or env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = _email_url.get("EMAIL_USE_SSL") or env.bool("EMAIL_USE_SSL", default=False)
# A mail server that does not answer must not hang a sign-in or an invitation for minutes.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Haat <no-reply@localhost>")
# Records of e-mails to staff (Settings → E-mail log) are deleted after this many days.
HAAT_EMAIL_LOG_DAYS = env.int("HAAT_EMAIL_LOG_DAYS", default=180)
ANYMAIL = env.dict("ANYMAIL", default={})

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("HAAT_LOG_LEVEL", default="WARNING")},
    "loggers": {"haat": {"level": env.str("HAAT_LOG_LEVEL", default="INFO")}},
}

# --- Haat ---------------------------------------------------------------------------------
HAAT_STORE_NAME = env.str("HAAT_STORE_NAME", default="Haat Store")
# Public storefront address, used for links and search previews (e.g. https://shop.example.in).
HAAT_STOREFRONT_URL = env.str("HAAT_STOREFRONT_URL", default="")
# This server's public address, for links in e-mails sent outside a request (API, commands).
# Without it, `haat serve` points links at itself (`--host`/`--port`, HAAT_SERVE_ADDRESS).
HAAT_BASE_URL = env.str(
    "HAAT_BASE_URL", default=os.environ.get("HAAT_SERVE_ADDRESS") or "http://localhost:8000"
)
# Checkout holds expire after this many minutes unless paid.
HAAT_HOLD_MINUTES = env.int("HAAT_HOLD_MINUTES", default=15)
# A variant at or below this many available units is "low stock" (per-variant overrides exist).
HAAT_LOW_STOCK_DEFAULT = env.int("HAAT_LOW_STOCK_DEFAULT", default=5)
# The storefront says "only N left" below this many available units.
HAAT_ONLY_N_LEFT = env.int("HAAT_ONLY_N_LEFT", default=5)
HAAT_PAGE_SIZE_MAX = 100
# Messages to customers and staff (haat.notifications): the language a rule writes in unless
# it names one ("en" or "hi"), and the accent colour of the e-mail layout.
HAAT_MESSAGE_LANGUAGE = env.str("HAAT_MESSAGE_LANGUAGE", default="en")
HAAT_EMAIL_ACCENT_COLOUR = env.str("HAAT_EMAIL_ACCENT_COLOUR", default="#9a3412")
# SMS (docs/notifications.md#sms): HAAT_SMS_PROVIDER "msg91" or "twilio"; unset = SMS rules
# cannot be switched on. Keys and tokens are secrets: environment only.
HAAT_SMS_PROVIDER = env.str("HAAT_SMS_PROVIDER", default="")
HAAT_SMS_DLT_ENTITY_ID = env.str("HAAT_SMS_DLT_ENTITY_ID", default="")  # India: the PE id
HAAT_MSG91_API_URL = env.str("HAAT_MSG91_API_URL", default="https://control.msg91.com/api/v5")
HAAT_MSG91_AUTHKEY = env.str("HAAT_MSG91_AUTHKEY", default="")
HAAT_MSG91_WEBHOOK_TOKEN = env.str("HAAT_MSG91_WEBHOOK_TOKEN", default="")
HAAT_TWILIO_API_URL = env.str("HAAT_TWILIO_API_URL", default="https://api.twilio.com")
HAAT_TWILIO_ACCOUNT_SID = env.str("HAAT_TWILIO_ACCOUNT_SID", default="")
HAAT_TWILIO_AUTH_TOKEN = env.str("HAAT_TWILIO_AUTH_TOKEN", default="")
HAAT_TWILIO_FROM = env.str("HAAT_TWILIO_FROM", default="")  # a number or sender id
HAAT_TWILIO_MESSAGING_SERVICE_SID = env.str("HAAT_TWILIO_MESSAGING_SERVICE_SID", default="")
# WhatsApp Cloud API (docs/notifications.md#whatsapp): unset = WhatsApp messages are recorded
# and fail with "not set up". The token and app secret are secrets: environment only.
HAAT_WHATSAPP_API_URL = env.str("HAAT_WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0")
HAAT_WHATSAPP_PHONE_NUMBER_ID = env.str("HAAT_WHATSAPP_PHONE_NUMBER_ID", default="")
HAAT_WHATSAPP_ACCESS_TOKEN = env.str("HAAT_WHATSAPP_ACCESS_TOKEN", default="")
HAAT_WHATSAPP_APP_SECRET = env.str("HAAT_WHATSAPP_APP_SECRET", default="")
HAAT_WHATSAPP_VERIFY_TOKEN = env.str("HAAT_WHATSAPP_VERIFY_TOKEN", default="")
# COD confirmation: hours a customer has to answer before the order joins "call the customer".
HAAT_COD_CONFIRMATION_HOURS = env.int("HAAT_COD_CONFIRMATION_HOURS", default=12)

# --- Rate limits (haat.core.ratelimit): "count/period", period s, m, h or d ----------------
# Per client IP limits are generous, so a sale's honest traffic from one office or mobile
# carrier NAT gets through; per customer and per key limits catch one abuser behind them.
HAAT_RATE_LIMITS_ENABLED = env.bool("HAAT_RATE_LIMITS_ENABLED", default=True)
HAAT_RATE_LIMITS = {
    "store_ip": "1200/m",  # storefront API requests per client IP
    "store_key": "60000/m",  # per publishable key: the whole storefront
    "checkout_ip": "600/m",  # checkouts (cart or buy now) per client IP
    "checkout_customer": "10/m",  # checkouts per customer e-mail or phone, or per cart
    "admin_key": "6000/m",  # admin API requests per secret key or signed-in staff member
    "pay_ip": "120/m",  # the pay page /pay/<token> per client IP
    "pay_token": "30/m",  # per order token
    "track_ip": "120/m",  # the tracking page /track/<token> per client IP
    "login_ip": "30/h",  # failed sign-ins per client IP, across accounts
    "login_account": "20/h",  # failed sign-ins per account, across IPs (the owner is told)
    "password_reset_ip": "20/h",  # reset requests per client IP
    "password_reset_email": "5/h",  # reset requests per address
    **env.dict("HAAT_RATE_LIMITS", default={}),
}

# --- Payment gateways ---------------------------------------------------------------------
# Credentials here take precedence over the ones entered in the dashboard (which are stored
# encrypted); the dashboard shows which source is in use.
HAAT_RAZORPAY_KEY_ID = env.str("HAAT_RAZORPAY_KEY_ID", default="")
HAAT_RAZORPAY_KEY_SECRET = env.str("HAAT_RAZORPAY_KEY_SECRET", default="")
HAAT_RAZORPAY_WEBHOOK_SECRET = env.str("HAAT_RAZORPAY_WEBHOOK_SECRET", default="")
# During a secret rotation, events signed with the previous secret still verify.
HAAT_RAZORPAY_WEBHOOK_SECRET_PREVIOUS = env.str("HAAT_RAZORPAY_WEBHOOK_SECRET_PREVIOUS", default="")
HAAT_STRIPE_SECRET_KEY = env.str("HAAT_STRIPE_SECRET_KEY", default="")
HAAT_STRIPE_PUBLISHABLE_KEY = env.str("HAAT_STRIPE_PUBLISHABLE_KEY", default="")
HAAT_STRIPE_WEBHOOK_SECRET = env.str("HAAT_STRIPE_WEBHOOK_SECRET", default="")
HAAT_STRIPE_WEBHOOK_SECRET_PREVIOUS = env.str("HAAT_STRIPE_WEBHOOK_SECRET_PREVIOUS", default="")
HAAT_RAZORPAY_API_BASE = env.str("HAAT_RAZORPAY_API_BASE", default="https://api.razorpay.com/v1")
HAAT_STRIPE_API_BASE = env.str("HAAT_STRIPE_API_BASE", default="https://api.stripe.com/v1")
HAAT_GATEWAY_TIMEOUT_SECONDS = env.int("HAAT_GATEWAY_TIMEOUT_SECONDS", default=10)
# Shiprocket (PIN serviceability): the API base, and how long a checkout waits for it
# before treating the PIN as serviceable (a slow courier API must not block a sale).
HAAT_SHIPROCKET_API_BASE = env.str(
    "HAAT_SHIPROCKET_API_BASE", default="https://apiv2.shiprocket.in/v1/external"
)
HAAT_SHIPROCKET_TIMEOUT_SECONDS = env.float("HAAT_SHIPROCKET_TIMEOUT_SECONDS", default=4.0)
# Webhooks: bodies over this size are refused unread (gateways send a few KB); processed
# and ignored events are kept this many days, rejected samples and counts this many.
HAAT_WEBHOOK_MAX_BYTES = env.int("HAAT_WEBHOOK_MAX_BYTES", default=512 * 1024)
HAAT_WEBHOOK_RETENTION_DAYS = env.int("HAAT_WEBHOOK_RETENTION_DAYS", default=90)
HAAT_WEBHOOK_REJECTION_DAYS = env.int("HAAT_WEBHOOK_REJECTION_DAYS", default=7)
# The built-in test gateway lets anyone "pay" with a button: never on in production unless
# asked for explicitly.
HAAT_TEST_GATEWAY_ENABLED = env.bool("HAAT_TEST_GATEWAY_ENABLED", default=not PRODUCTION)
# Behind a reverse proxy that sets X-Forwarded-For, take the client IP from it (audit log).
HAAT_TRUST_X_FORWARDED_FOR = env.bool("HAAT_TRUST_X_FORWARDED_FOR", default=False)
