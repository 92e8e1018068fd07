"""Settings of the API process, from arguments or ``CUOMIN_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.isdigit() else default


@dataclass(slots=True)
class Settings:
    """``db`` is a SQLAlchemy URL (default: SQLite file ``cuomin.db``); ``secret`` signs
    session cookies and CSRF tokens (set ``CUOMIN_SECRET`` in production so sessions
    survive restarts); ``secure_cookies`` adds the Secure flag (behind HTTPS)."""

    db: str = field(default_factory=lambda: os.environ.get("CUOMIN_DB", "sqlite:///cuomin.db"))
    secret: str = field(default_factory=lambda: os.environ.get("CUOMIN_SECRET") or secrets.token_hex(32))
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("CUOMIN_SECURE_COOKIES") == "1")
    session_hours: int = 8
    # requests per minute per API key (a key row may override it) and per client address on the login form
    key_rate_per_minute: int = field(default_factory=lambda: _env_int("CUOMIN_KEY_RATE", 600))
    login_rate_per_minute: int = 10
    # uploads: up to this size answered at once, larger ones queued (202); hard cap max_upload_bytes
    sync_document_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 100 * 1024 * 1024
    # allow-list proposals (default $CUOMIN_DATA_DIR/sensitive-proposals) and where approved ones go
    # (default dictionaries/sensitive); tests point both at temporary directories
    proposals_dir: str | None = None
    dictionary_dir: str | None = None
    # CMS checks run on this many threads per process, first come first served (the checkers are
    # CPU-bound and share the GIL: more threads only interleave requests); scale with --workers
    check_threads: int = field(default_factory=lambda: max(1, _env_int("CUOMIN_CHECK_THREADS", 1)))
    # > 0: run them on this many checker processes instead (one uvicorn worker feeding all cores from
    # one queue; see api.checkrun)
    check_processes: int = field(default_factory=lambda: _env_int("CUOMIN_CHECK_PROCESSES", 0))
    # build every site's checker and run it once at start-up (lazy imports, models) before serving
    warm_up: bool = field(default_factory=lambda: os.environ.get("CUOMIN_WARMUP", "1") != "0")
    # detectors the checkers run (None: every registered one); CUOMIN_DETECTORS=typo,sensitive
    detectors: list[str] | None = field(default_factory=lambda: [
        d.strip() for d in os.environ["CUOMIN_DETECTORS"].split(",") if d.strip()]
        if os.environ.get("CUOMIN_DETECTORS") else None)
