"""Every setting of gonghui, read from environment variables with safe defaults.

The README lists each variable. Secrets that are absent from the environment are read
from (or generated into) the key file, ``~/.config/gonghui/keys.json`` by default, so that
the demo needs no configuration; production sets them in the environment, the same on every
app server.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from gonghui.core.keyfile import key_file_default, keys_load

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES_DIR = Path(os.environ.get("GONGHUI_NODE_MODULES", BASE_DIR / "node_modules"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("GONGHUI_TESTING", False)
# Secrets: from the environment, else from the key file outside the project
# (gonghui/core/keyfile.py explains the format and the keyring).
GONGHUI_KEY_FILE = Path(os.environ.get("GONGHUI_KEY_FILE") or key_file_default())
_KEYS = keys_load(os.environ, path=GONGHUI_KEY_FILE, legacy=VAR_DIR / "secrets.json")
SECRET_KEY = _KEYS.secret_key
# Personal data: AES-GCM under the data keys (id, secret; the current one first) and the
# keyed hash used for lookups.
GONGHUI_DATA_KEYS = _KEYS.data_keys
GONGHUI_DATA_KEYS_FROM_ENV = _KEYS.data_keys_from_env
GONGHUI_INDEX_KEY = _KEYS.index_key
GONGHUI_SECRETS_FROM_ENV = _KEYS.all_from_env

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # so the API docs use its bundled Swagger UI, not a CDN
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.aid",
    "gonghui.activities",
    "gonghui.sites",
    "gonghui.skills",
    "gonghui.wages",
    "gonghui.care",
    "gonghui.reports",
    "gonghui.portal",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gonghui.core.middleware.ResponseHeadersMiddleware",
    "gonghui.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.core.security.SessionLifetimeMiddleware",
    "gonghui.core.security.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.gonghui",
                "gonghui.core.replica.replica_context",
            ],
        },
    },
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
        conn_max_age=int(os.environ.get("GONGHUI_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; IMMEDIATE takes the
    # write lock at BEGIN, so two writers wait for each other instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif not TESTING:
    # A second connection to the same database for job progress: an import commits in one
    # long transaction, and progress written through it stays visible while that runs.
    DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# Reports on a read replica (a streaming standby): report pages and exports read there,
# writes never do (gonghui/core/replica.py).
REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
GONGHUI_REPORT_REPLICA = ""
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=int(os.environ.get("GONGHUI_CONN_MAX_AGE", "0"))
    )
    GONGHUI_REPORT_REPLICA = "replica"
elif TESTING:
    # The suite runs the router against a second database of the same kind (a second
    # PostgreSQL database of the test server, or a second SQLite file), which the test
    # runner creates and migrates beside the first; the router tests turn it on.
    DATABASES["replica"] = {
        **DATABASES["default"],
        "TEST": {"NAME": f"{DATABASES['default']['NAME']}_replica_test"}
        if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
        else {"NAME": str(VAR_DIR / "replica_test.sqlite3")},
    }
DATABASE_ROUTERS = ["gonghui.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; one test proves it is the production hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gonghui.core.security.CharacterClassValidator"},
    {"NAME": "gonghui.core.security.PatternPasswordValidator"},
]

# Calls one API client may make in a minute (each is audited).
GONGHUI_API_CALLS_PER_MINUTE = int(os.environ.get("GONGHUI_API_CALLS_PER_MINUTE", "120"))
# Searches by a full ID number or phone a user may make in an hour (each is audited).
GONGHUI_PII_SEARCHES_PER_HOUR = int(os.environ.get("GONGHUI_PII_SEARCHES_PER_HOUR", "60"))
# 等保 2.0 level 3: lock out after repeated failures, idle and absolute session limits.
GONGHUI_LOGIN_MAX_FAILURES = int(os.environ.get("GONGHUI_LOGIN_MAX_FAILURES", "5"))
GONGHUI_LOGIN_LOCKOUT = timedelta(
    minutes=int(os.environ.get("GONGHUI_LOGIN_LOCKOUT_MINUTES", "15"))
)
GONGHUI_SESSION_IDLE = timedelta(minutes=int(os.environ.get("GONGHUI_SESSION_IDLE_MINUTES", "30")))
GONGHUI_SESSION_ABSOLUTE = timedelta(
    hours=int(os.environ.get("GONGHUI_SESSION_ABSOLUTE_HOURS", "12"))
)
# The workers' portal (/m/): how long a union office's activation code stays valid, and how
# long the QR code of an electronic member card is accepted after it is shown.
GONGHUI_PORTAL_CODE_DAYS = int(os.environ.get("GONGHUI_PORTAL_CODE_DAYS", "7"))
GONGHUI_PORTAL_CARD_MINUTES = int(os.environ.get("GONGHUI_PORTAL_CARD_MINUTES", "10"))
# How many reverse proxies stand in front of the application (0: none, clients connect
# directly). The client address is taken that many places from the right of
# X-Forwarded-For, so a forged value on the left escapes neither lockout nor audit.
# (GONGHUI_TRUST_X_FORWARDED_FOR=1, the older setting, means one proxy.)
GONGHUI_TRUSTED_PROXIES = int(
    os.environ.get(
        "GONGHUI_TRUSTED_PROXIES", "1" if env_bool("GONGHUI_TRUST_X_FORWARDED_FOR", False) else "0"
    )
)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(GONGHUI_SESSION_IDLE.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Served over HTTPS everywhere but the demo and the test suite.
GONGHUI_HTTPS = env_bool("GONGHUI_HTTPS", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = GONGHUI_HTTPS
CSRF_COOKIE_SECURE = GONGHUI_HTTPS
SECURE_SSL_REDIRECT = GONGHUI_HTTPS
SECURE_HSTS_SECONDS = (
    int(os.environ.get("GONGHUI_HSTS_SECONDS", "31536000")) if GONGHUI_HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = GONGHUI_HTTPS
SECURE_HSTS_PRELOAD = False
if env_bool("GONGHUI_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the operator of the domain, not for the software.
    "security.W021",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end files copied from node_modules by `gonghui vendor` (never from a CDN).
GONGHUI_VENDOR_DIR = VAR_DIR / "vendor"
for _dir in (GONGHUI_VENDOR_DIR, STATIC_ROOT):
    _dir.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("vendor", GONGHUI_VENDOR_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("GONGHUI_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Files the server keeps (uploads, exports, error workbooks, documents): its own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads and job result files are deleted this many days after their job ended.
GONGHUI_FILE_RETENTION_DAYS = int(os.environ.get("GONGHUI_FILE_RETENTION_DAYS", "30"))

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Domain configuration: which city federation this instance serves.
GONGHUI_CITY_CODE = os.environ.get("GONGHUI_CITY_CODE", "3305")
GONGHUI_AUDIT_RETENTION_DAYS = int(os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", "180"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Imports (the sheets engine): what an uploaded file may weigh and hold.
GONGHUI_IMPORT_MAX_BYTES = int(os.environ.get("GONGHUI_IMPORT_MAX_BYTES", str(256 * 1024 * 1024)))
GONGHUI_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("GONGHUI_IMPORT_MAX_UNCOMPRESSED_BYTES", str(2 * 1024 * 1024 * 1024))
)
GONGHUI_IMPORT_MAX_ZIP_ENTRIES = int(os.environ.get("GONGHUI_IMPORT_MAX_ZIP_ENTRIES", "2000"))
GONGHUI_IMPORT_MAX_COMPRESSION_RATIO = int(
    os.environ.get("GONGHUI_IMPORT_MAX_COMPRESSION_RATIO", "100")
)
GONGHUI_IMPORT_MAX_ROWS = int(os.environ.get("GONGHUI_IMPORT_MAX_ROWS", "1100000"))
# A worksheet's extent, checked before it is parsed: as many columns as an .xls could hold.
GONGHUI_IMPORT_MAX_COLUMNS = int(os.environ.get("GONGHUI_IMPORT_MAX_COLUMNS", "256"))
# The child process that parses a workbook: its address space and CPU time.
GONGHUI_IMPORT_PARSE_MEMORY_MB = int(os.environ.get("GONGHUI_IMPORT_PARSE_MEMORY_MB", "4096"))
GONGHUI_IMPORT_PARSE_CPU_SECONDS = int(os.environ.get("GONGHUI_IMPORT_PARSE_CPU_SECONDS", "1800"))

# 应建未建: which enterprises should form a union (any one of the conditions).
GONGHUI_FORMATION_MIN_EMPLOYEES = int(os.environ.get("GONGHUI_FORMATION_MIN_EMPLOYEES", "25"))
GONGHUI_FORMATION_ABOVE_SCALE = env_bool("GONGHUI_FORMATION_ABOVE_SCALE", True)
GONGHUI_FORMATION_PLATFORM_LEAD = env_bool("GONGHUI_FORMATION_PLATFORM_LEAD", True)
# Imports write through a second connection in a thread of their own (see core/bulk.py).
GONGHUI_IMPORT_WRITER_THREAD = env_bool("GONGHUI_IMPORT_WRITER_THREAD", True)

# The workflow engine: overdue flags in the inbox and the public-notice period (公示).
GONGHUI_REVIEW_OVERDUE_DAYS = int(os.environ.get("GONGHUI_REVIEW_OVERDUE_DAYS", "5"))
GONGHUI_NOTICE_DAYS = int(os.environ.get("GONGHUI_NOTICE_DAYS", "5"))
# Claim documents: stored outside the static and media folders, served only through views.
# A one-time password reset code works for this many hours.
GONGHUI_RESET_CODE_HOURS = int(os.environ.get("GONGHUI_RESET_CODE_HOURS", "24"))
# Live progress of running jobs on SQLite (a small file per job; see gonghui.core.jobs).
GONGHUI_JOB_PROGRESS_DIR = VAR_DIR / "jobs"
# A running job beats every GONGHUI_JOB_HEARTBEAT_SECONDS; one silent for
# GONGHUI_JOB_STALE_SECONDS lost its worker (a crash, kill -9, a restart) and is failed.
GONGHUI_JOB_HEARTBEAT_SECONDS = int(os.environ.get("GONGHUI_JOB_HEARTBEAT_SECONDS", "10"))
GONGHUI_JOB_STALE_SECONDS = int(os.environ.get("GONGHUI_JOB_STALE_SECONDS", "90"))
GONGHUI_PRIVATE_ROOT = Path(os.environ.get("GONGHUI_PRIVATE_ROOT", VAR_DIR / "private"))
GONGHUI_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("GONGHUI_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)

# Reports: a dispatch-table light is yellow up to this many points behind expected progress
# (序时进度), red further behind, green on pace or ahead.
GONGHUI_LIGHT_YELLOW_POINTS = int(os.environ.get("GONGHUI_LIGHT_YELLOW_POINTS", "10"))
# The day reports default to (their default month and year): empty for today; the demo sets
# it to 2023-07-01, since its records are those of the first half of 2023.
GONGHUI_REPORTS_TODAY = os.environ.get("GONGHUI_REPORTS_TODAY", "")
# The first month the indicator facts cover (core/indicators/facts.py): reports on earlier
# months count the records instead. Changing it takes `gonghui facts rebuild`.
GONGHUI_FACTS_FROM = os.environ.get("GONGHUI_FACTS_FROM", "2018-01")

# Follow-up items (督办事项): the owner is reminded this many days before the deadline, and
# every day once it has passed; the board's light is yellow when one is due this soon.
GONGHUI_FOLLOWUP_REMIND_DAYS = int(os.environ.get("GONGHUI_FOLLOWUP_REMIND_DAYS", "3"))

# The city's bounding box (west,south,east,north in GCJ-02 degrees): a site's coordinates
# outside it are refused as mistyped. The default is Huzhou's.
GONGHUI_CITY_BBOX = os.environ.get("GONGHUI_CITY_BBOX", "119.14,30.37,120.50,31.19")
# The industry chains skill competitions are filed under (the city's eight emerging chains;
# the default is Huzhou's), separated by commas.
GONGHUI_INDUSTRY_CHAINS = env_list(
    "GONGHUI_INDUSTRY_CHAINS",
    [
        "新能源汽车及关键零部件",
        "半导体及光电",
        "生物医药",
        "地理信息",
        "高端装备",
        "新材料",
        "绿色家居",
        "数字经济",
    ],
)
# The federation's township boundaries (GeoJSON in GCJ-02, features with a 9- or 12-digit
# `adcode` or `code`): the demo places sites inside their township's shape. None are vendored.
GONGHUI_TOWNSHIP_SHAPES = os.environ.get("GONGHUI_TOWNSHIP_SHAPES", "")
# A site whose last inspection is older than this many days is flagged on the board.
GONGHUI_SITE_INSPECTION_DAYS = int(os.environ.get("GONGHUI_SITE_INSPECTION_DAYS", "90"))
