"""Register a :class:`~scanner.site.SiteConfig` (and its 栏目责任清单) in the database."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanner.site import SiteConfig
from scanner.store.models import Site, SiteColumn, Unit
from scanner.store.upsert import upsert


def unit_id(session: Session, name: str | None, contacts: list[Any] | None = None) -> int | None:
    """The id of unit ``name`` (created on first use); contacts are updated when given."""
    if not name:
        return None
    values: dict[str, Any] = {"name": name, "contacts": contacts or []}
    emails = [c.get("email") for c in contacts or [] if isinstance(c, dict) and c.get("email")]
    hooks = [c.get("webhook") for c in contacts or [] if isinstance(c, dict) and c.get("webhook")]
    if emails:
        values["email"] = emails[0]
    if hooks:
        values["webhook"] = hooks[0]
    return upsert(session, Unit, values, ["name"], update=[k for k in values if k != "name"] if contacts else [])


def config_dict(site: SiteConfig) -> dict[str, Any]:
    data = asdict(site)
    for key in ("block_at", "review_at"):
        data[key] = getattr(site, key).label
    return data


def register_site(session: Session, site: SiteConfig, base_url: str | None = None,
                  schedule: str | None = None) -> int:
    """Create or update the site row and its columns; returns the site id."""
    base = base_url or site.base_url or ""
    values: dict[str, Any] = {"key": site.id, "name": site.name or site.id, "base_url": base,
                              "config": config_dict(site), "default_unit_id": unit_id(session, site.default_unit)}
    if schedule is not None:
        values["schedule"] = schedule
    site_id = upsert(session, Site, values, ["key"])
    for col in site.columns:
        upsert(session, SiteColumn, {
            "site_id": site_id, "prefix": str(col.get("prefix", "")), "name": str(col.get("name", "")),
            "unit_id": unit_id(session, col.get("unit"), col.get("contacts")),
        }, ["site_id", "prefix"])
    return site_id


def site_config(session: Session, site_id: int) -> SiteConfig:
    row = session.get(Site, site_id)
    if row is None:
        raise KeyError(f"no site {site_id}")
    return SiteConfig.from_dict(row.config or {"id": row.key, "base_url": row.base_url})


def site_by_key(session: Session, key: str) -> Site | None:
    return session.execute(select(Site).where(Site.key == key)).scalar_one_or_none()
