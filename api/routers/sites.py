"""Sites and their 栏目责任清单 (URL prefix → column → responsible unit)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, principal, require_role
from scanner.site import SiteConfig
from scanner.store.models import Site, SiteColumn, Unit

router = APIRouter(prefix="/v1/sites", tags=["sites"], responses=COMMON_RESPONSES)


class ColumnBody(BaseModel):
    prefix: str = Field(..., min_length=1, max_length=2000)
    name: str = Field("", max_length=300)
    unit: str | None = Field(None, max_length=200)


class SiteBody(BaseModel):
    key: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field("", max_length=300)
    baseUrl: str = Field(..., min_length=8, max_length=2000, pattern=r"^https?://")
    defaultUnit: str | None = Field(None, max_length=200)
    columns: list[ColumnBody] = Field(default_factory=list, max_length=2000)
    config: dict[str, Any] = Field(default_factory=dict, description="further SiteConfig settings")


def _site_out(s, row: Site) -> dict:
    units = dict(s.execute(select(Unit.id, Unit.name)).all())
    cols = s.scalars(select(SiteColumn).where(SiteColumn.site_id == row.id).order_by(SiteColumn.prefix)).all()
    return {"key": row.key, "name": row.name, "baseUrl": row.base_url, "enabled": row.enabled,
            "defaultUnit": units.get(row.default_unit_id),
            "columns": [{"prefix": c.prefix, "name": c.name, "unit": units.get(c.unit_id)} for c in cols]}


@router.get("", summary="List sites with their responsible-unit map")
def list_sites(request: Request, who: Principal = Depends(principal)) -> list[dict]:
    with request.app.state.ctx.db.session() as s:
        rows = s.scalars(select(Site).order_by(Site.key)).all()
        return [_site_out(s, r) for r in rows if who.can_site(r.key)]


@router.get("/{key}", summary="One site", responses={404: {"description": "unknown site"}})
def get_site(key: str, request: Request, who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        row = s.scalar(select(Site).where(Site.key == key))
        if row is None or not who.can_site(key):
            raise HTTPException(404, "unknown site")
        return _site_out(s, row)


@router.put("/{key}", summary="Create or replace a site and its column map (admin)",
            responses={400: {"description": "invalid site configuration"}})
def put_site(key: str, body: SiteBody, request: Request, who: Principal = Depends(require_role("admin"))) -> dict:
    from scanner.store.sites import register_site, unit_id

    if body.key != key:
        raise HTTPException(400, "key in the path and the body differ")
    try:
        cfg = SiteConfig.from_dict({**body.config, "id": key, "name": body.name, "base_url": body.baseUrl,
                                    "default_unit": body.defaultUnit,
                                    "columns": [c.model_dump() for c in body.columns]})
    except (ValueError, TypeError) as exc:
        raise HTTPException(400, f"invalid site configuration: {exc}") from None
    ctx = request.app.state.ctx
    with ctx.db.session() as s:
        site_id = register_site(s, cfg)
        keep = {c.prefix for c in body.columns}
        for col in s.scalars(select(SiteColumn).where(SiteColumn.site_id == site_id)).all():
            if col.prefix not in keep:
                s.delete(col)
        row = s.get(Site, site_id)
        row.default_unit_id = unit_id(s, body.defaultUnit)
        audit.record(s, request, who, "site.put", "site", key, columns=len(body.columns))
        s.flush()
        out = _site_out(s, row)
    ctx.sites.invalidate()
    return out
