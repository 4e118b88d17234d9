"""Settings shared by every environment; read from environment variables.

Defaults here are safe for development. ``production.py`` only tightens them and
``test.py`` only speeds them up.
"""

from datetime import timedelta

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-local-development-key-never-use-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # Django's admin with our site class: password login plus a second factor.
    "housing.admin_site.NajemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "housing",
    "tenders",
    "scoring",
    "applications",
    "review",
    "lists",
    # Background work: django.tasks with django-tasks-db's database backend (the
    # worker is `manage.py db_worker`); jobs records each job's progress.
    "django_tasks_db",
    "jobs",
]

# Django's tasks framework: tasks are rows in the database (django_tasks_db), run by
# `manage.py db_worker` (started by ./scripts/run; in production a service of its
# own, docs/operations.md). Tests use the same backend and run the worker in-process
# with `call_command("db_worker", "--batch")`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before OTPMiddleware: a timed-out user is logged out before it wraps request.user.
    "housing.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Records the signed-in user as the author of every audited change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "housing.middleware.PrivatePagesNoStoreMiddleware",
    # Last, as django-axes' documentation asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "housing.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. A transaction that read first and writes later
    # fails at once with "database is locked" when another wrote meanwhile (issue 9);
    # taking the write lock when each transaction begins makes them queue instead
    # (for up to 20 s). PostgreSQL locks rows (tenders/services.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# The reads compiled once (housing/compiled.py) run as prepared statements of each
# PostgreSQL session. Turn off behind a pooler that shares sessions between clients.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "housing.User"
LOGIN_URL = "login"
# Staff are sent on to their second factor from there; everyone else goes home.
LOGIN_REDIRECT_URL = "login_continue"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out (username, IP address) early.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the user and their staff roles read in one compiled query on
    # every signed-in request; it refuses a wrong password itself (PermissionDenied).
    "housing.auth_backends.UserBackend",
    # Only for sessions signed in before UserBackend existed (they name this path):
    # they stay signed in until they end (docs/decisions.md).
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Slovenian first, English second; Slovenian formats.
LANGUAGE_CODE = "sl"
LANGUAGES = [("sl", _("Slovenian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Ljubljana"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Uploaded documents are private: never under STATIC_ROOT, never served directly.
MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django 6.1 mailers. Development prints mail on the console; DJANGO_EMAIL_FILE_PATH
# switches to the file backend (one file per message) for trying flows by hand.
if env("DJANGO_EMAIL_FILE_PATH", default=""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env("DJANGO_EMAIL_FILE_PATH")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="najem@localhost")

# Who runs the site, shown in every page's footer and on the accessibility statement and
# the privacy notice (a tender page adds the tender's lessor). Set them in production.
NAJEM_CONTACT_NAME = env("DJANGO_CONTACT_NAME", default="Najem")
NAJEM_CONTACT_ADDRESS = env("DJANGO_CONTACT_ADDRESS", default="")
NAJEM_CONTACT_EMAIL = env("DJANGO_CONTACT_EMAIL", default="info@najem.example")
NAJEM_CONTACT_PHONE = env("DJANGO_CONTACT_PHONE", default="")
# Where people report accessibility barriers (ZDSMA); the contact email when empty.
NAJEM_ACCESSIBILITY_EMAIL = env("DJANGO_ACCESSIBILITY_EMAIL", default="")

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
# Django's database sessions; housing/sessions.py reads them with less CPU.
SESSION_ENGINE = "housing.sessions"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# housing.middleware.SessionTimeoutMiddleware: log out after this long without a
# request, and this long after logging in whatever happens (ASVS 7.3).
NAJEM_SESSION_IDLE_SECONDS = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
NAJEM_SESSION_ABSOLUTE_SECONDS = env.int(
    "DJANGO_SESSION_ABSOLUTE_SECONDS", default=60 * 60 * 8
)

# Login throttling (django-axes): 5 failures per (email, IP address) lock that pair
# out for 15 minutes; a successful login resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page: registration/lockout.html with status 429.
AXES_LOCKOUT_CALLABLE = "housing.views_accounts.lockout"
AXES_USERNAME_FORM_FIELD = "username"  # AuthenticationForm's field holds the email
AXES_USERNAME_CALLABLE = "housing.throttling.axes_username"
AXES_CLIENT_IP_CALLABLE = "housing.throttling.client_ip_address"
# How many reverse proxies append to X-Forwarded-For in front of Django (0: trust
# only REMOTE_ADDR). Never set it higher than the real number: that allows spoofing.
NAJEM_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Login records (django-axes' AccessLog and AccessFailureLog: email, IP address, browser)
# are deleted this many days after the login by `manage.py purge_expired` (run daily).
NAJEM_LOGIN_RECORDS_RETENTION_DAYS = env.int(
    "DJANGO_LOGIN_RECORDS_RETENTION_DAYS", default=365
)
# Drafts never submitted are deleted, with their documents, this many days after their
# tender's deadline by `manage.py purge_expired` (issue 12, 10).
NAJEM_DRAFT_RETENTION_DAYS = env.int("DJANGO_DRAFT_RETENTION_DAYS", default=90)
# Applicants' documents (applications.documents): PDF, JPEG or PNG up to this size; an
# image of more pixels than this is refused (decompression bombs).
NAJEM_DOCUMENT_MAX_BYTES = env.int(
    "DJANGO_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024
)
NAJEM_DOCUMENT_MAX_PIXELS = env.int("DJANGO_DOCUMENT_MAX_PIXELS", default=50_000_000)
# The upload pages stop reading a request body declared larger than the file limit plus
# this much for the form's other fields (applications.uploads.CappedUploadHandler).
NAJEM_UPLOAD_FORM_OVERHEAD_BYTES = 64 * 1024
# The site's address for links in emails (e.g. https://najem.example), no trailing "/".
NAJEM_SITE_URL = env("DJANGO_SITE_URL", default="")

# Password-reset links work for one hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=60 * 60)
# Password-reset mails: at most this many per email address and per client IP address
# in the window (seconds); over it none is sent and the page stays the same
# (housing.throttling.password_reset_allowed). Counted in Django's cache (CACHES).
NAJEM_PASSWORD_RESET_PER_EMAIL = env.int("DJANGO_PASSWORD_RESET_PER_EMAIL", default=3)
NAJEM_PASSWORD_RESET_PER_IP = env.int("DJANGO_PASSWORD_RESET_PER_IP", default=10)
NAJEM_PASSWORD_RESET_WINDOW = env.int("DJANGO_PASSWORD_RESET_WINDOW", default=60 * 60)

# Django's cache: request limits (password reset). The default, local memory, is per
# process: with several gunicorn workers each counts on its own, so the limits above
# are multiplied by the number of workers. Point DJANGO_CACHE_URL at a shared cache
# (e.g. "filecache:///var/cache/najem" or "dbcache://najem_cache" after
# `manage.py createcachetable`) to count them once per site.
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}
# The per-process default keeps pages' fixed parts (the tender page, an applicant's
# summary of answers: a few KB each): Django's 300 entries would be culled by a third
# at a tender's deadline rush, so each process keeps up to 3,000 (a few tens of MB).
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 3000)

# Second factor (django-otp) for lessor staff and the Django admin.
OTP_TOTP_ISSUER = "Najem"
# The admin never shows a device's secret key or its QR code: whoever reads them can make
# codes for that person. It also closes django-otp's config/qrcode admin pages (403), which
# would otherwise fail with a server error for a device id that does not exist.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong second-factor codes: the first NAJEM_OTP_FREE_FAILURES in a row cost nothing,
# each further one a wait of NAJEM_OTP_THROTTLE_SECONDS, doubled for every wrong code
# after it (housing.services.otp_throttled). django-otp's own throttle refused even the
# right code for a second after one typo; it is off here, and every code goes through
# housing.services (otp_verify, otp_totp_device_confirm), which applies ours. The
# devices still count the failures.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
NAJEM_OTP_FREE_FAILURES = env.int("DJANGO_OTP_FREE_FAILURES", default=3)
NAJEM_OTP_THROTTLE_SECONDS = env.int("DJANGO_OTP_THROTTLE_SECONDS", default=5)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

# Audit rows are never reverted or edited through an admin (housing/audit.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Every handler carries the redact_personal_numbers filter: no raw EMŠO in any log
# (tests/test_logging.py checks each handler). "django" and "django.server" are named
# so that Django's default handlers, which lack the filter, are replaced.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_personal_numbers": {
            "()": "config.logging_filters.RedactPersonalNumbers",
        },
    },
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}
