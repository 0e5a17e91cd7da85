"""Test settings: the real settings, with the database from HAAT_TEST_DATABASE_URL.

The suite runs on SQLite by default and on PostgreSQL when HAAT_TEST_DATABASE_URL is set.
"""

import os
import tempfile

os.environ.setdefault("HAAT_DATA_DIR", tempfile.mkdtemp(prefix="haat-test-"))
os.environ["DATABASE_URL"] = os.environ.get("HAAT_TEST_DATABASE_URL", "")

from haat.settings import *  # noqa: F403
from haat.settings import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so tests that open extra connections (threads) share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # Tests open their own connections for concurrency proofs; no pool in between.
    DATABASES["default"]["OPTIONS"].pop("pool", None)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
