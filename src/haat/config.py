"""Where Haat keeps its data and how it reads its environment.

Kept apart from settings.py so the command line can resolve the data directory
before Django is configured.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = Path.home() / ".haat"


def data_dir() -> Path:
    """The folder for the SQLite file, media and the generated secret key."""
    path = Path(os.environ.get("HAAT_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    return os.environ.get("HAAT_ENV", "development").lower() == "production"


class ConfigurationError(SystemExit):
    """Start-up must stop with a message a person can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Haat configuration error: {message}")


def local_secret_key(directory: Path) -> str:
    """A secret key generated once per data directory, for laptops and demos only."""
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
