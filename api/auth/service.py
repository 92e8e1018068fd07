"""Resolving callers against the store: API keys (cached briefly) and session cookies."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import select

from api.auth import keys, passwords, sessions
from api.auth.principal import Principal
from scanner.store.models import ApiKey, Site, Unit, User

KEY_CACHE_SECONDS = 10.0


class AuthService:
    def __init__(self, db, settings):
        self.db = db
        self.settings = settings
        self._keys: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()
        self._generation = 0  # bumped by forget_keys: a lookup that started before it is not cached

    # -- API keys -----------------------------------------------------------------------
    def cached_key_principal(self, raw: str) -> Principal | None | bool:
        """The caller of ``raw`` when it is known without the database (None: no such key), else False."""
        if keys.split_prefix(raw) is None:
            return None
        cached = self._keys.get(keys.hash_key(raw))
        if cached is not None and time.monotonic() - cached[0] < KEY_CACHE_SECONDS:
            return cached[1]
        return False

    def key_principal(self, raw: str) -> Principal | None:
        if keys.split_prefix(raw) is None:
            return None
        digest = keys.hash_key(raw)
        now = time.monotonic()
        cached = self._keys.get(digest)
        if cached is not None and now - cached[0] < KEY_CACHE_SECONDS:
            return cached[1]
        generation = self._generation
        who = self._load_key(digest)
        with self._lock:
            if len(self._keys) > 10_000:
                self._keys.clear()
            if generation == self._generation:  # not revoked meanwhile (else the next call looks again)
                self._keys[digest] = (now, who)
        return who

    def _load_key(self, digest: str) -> Principal | None:
        with self.db.session() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
            if row is None or row.revoked_at is not None or not keys.matches_hash(digest, row.key_hash):
                return None
            site_key = s.scalar(select(Site.key).where(Site.id == row.site_id)) if row.site_id else None
            row.last_used_at = datetime.now(UTC)
            return Principal("key", row.id, row.name, role="key",
                             sites=frozenset([site_key]) if site_key else None, rate_per_minute=row.rate_limit)

    def forget_keys(self) -> None:
        with self._lock:
            self._generation += 1
            self._keys.clear()

    def create_key(self, session, name: str, site_id: int | None, rate_limit: int | None = None) -> tuple[str, ApiKey]:
        raw, prefix, digest = keys.generate_key()
        row = ApiKey(key_hash=digest, prefix=prefix, name=name, site_id=site_id,
                     rate_limit=rate_limit or self.settings.key_rate_per_minute)
        session.add(row)
        session.flush()
        return raw, row

    # -- users --------------------------------------------------------------------------
    def login(self, username: str, password: str) -> tuple[User, str] | None:
        """(user, session cookie) for good credentials, else None (same work either way)."""
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            ok = passwords.verify_password(user.password_hash if user and user.active else None, password)
            if not ok or user is None:
                return None
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
            return user, sessions.issue(self.settings.secret, user.id)

    def session_principal(self, cookie: str) -> Principal | None:
        read = sessions.read(self.settings.secret, cookie, self.settings.session_hours * 3600)
        if read is None:
            return None
        user_id, _epoch = read
        with self.db.session() as s:
            user = s.get(User, user_id)
            if user is None or not user.active:
                return None
            unit = s.scalar(select(Unit.name).where(Unit.id == user.unit_id)) if user.unit_id else None
            return Principal("user", user.id, user.username, role=user.role, unit=unit, unit_id=user.unit_id,
                             session_cookie=cookie)
