"""Sites from the store as :class:`~scanner.site.SiteConfig` (with the 栏目责任清单), cached briefly."""

from __future__ import annotations

import hashlib
import json
import threading
import time

from sqlalchemy import select

from scanner.site import SiteConfig
from scanner.store.models import Site, SiteColumn, Unit

CACHE_SECONDS = 5.0


def site_config(session, site: Site) -> SiteConfig:
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    cols = session.scalars(select(SiteColumn).where(SiteColumn.site_id == site.id)).all()
    data = {k: v for k, v in (site.config or {}).items() if k not in ("id", "base_url", "columns", "default_unit")}
    cfg = SiteConfig.from_dict({**data, "id": site.key, "name": data.get("name") or site.name,
                                "base_url": site.base_url})
    cfg.columns = [{"prefix": c.prefix, "name": c.name, "unit": units.get(c.unit_id)} for c in cols]
    cfg.default_unit = units.get(site.default_unit_id)
    return cfg


class SiteDirectory:
    """site key → (SiteConfig, version); the version changes when the configuration does."""

    def __init__(self, db):
        self.db = db
        self._cache: dict[str, tuple[float, tuple[SiteConfig, str] | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, key: str) -> tuple[SiteConfig, str] | None:
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        with self.db.session() as s:
            row = s.scalar(select(Site).where(Site.key == key, Site.enabled.is_(True)))
            loaded = None
            if row is not None:
                cfg = site_config(s, row)
                version = hashlib.sha256(json.dumps([row.config, row.base_url, cfg.columns, cfg.default_unit],
                                                    sort_keys=True, default=str).encode()).hexdigest()[:16]
                loaded = (cfg, version)
        with self._lock:
            self._cache[key] = (now, loaded)
        return loaded

    def cached(self, key: str) -> tuple[tuple[SiteConfig, str] | None] | None:
        """A fresh cache entry as a 1-tuple ``(loaded,)`` (``loaded`` None: no such enabled site), or None
        when the database must be read; never touches the database."""
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return (hit[1],)
        return None

    def invalidate(self) -> None:
        self._cache.clear()

    def all_configs(self) -> list[SiteConfig]:
        with self.db.session() as s:
            return [site_config(s, row) for row in s.scalars(select(Site)).all()]
