"""API keys for CMS callers (admin): created once (the key is shown only then), listed, revoked."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, IdPath, require_role
from scanner.store.models import ApiKey, Site

router = APIRouter(prefix="/v1/keys", tags=["keys"], responses=COMMON_RESPONSES)


class KeyBody(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    site: str | None = Field(None, max_length=200, description="site key; omit for every site")
    rateLimit: int | None = Field(None, ge=1, le=100_000, description="requests per minute")


@router.post("", status_code=201, summary="Create an API key (shown once)",
             responses={404: {"description": "unknown site"}})
def create_key(body: KeyBody, request: Request, who: Principal = Depends(require_role("admin"))) -> dict:
    ctx = request.app.state.ctx
    with ctx.db.session() as s:
        site_id = None
        if body.site:
            site_id = s.scalar(select(Site.id).where(Site.key == body.site))
            if site_id is None:
                raise HTTPException(404, f"unknown site {body.site!r}")
        raw, row = ctx.auth.create_key(s, body.name, site_id, body.rateLimit)
        audit.record(s, request, who, "key.create", "api_key", row.id, name=body.name, site=body.site)
        return {"id": row.id, "key": raw, "prefix": row.prefix, "name": row.name, "site": body.site,
                "rateLimit": row.rate_limit}


@router.get("", summary="List API keys (no secrets)")
def list_keys(request: Request, who: Principal = Depends(require_role("admin"))) -> list[dict]:
    with request.app.state.ctx.db.session() as s:
        sites = dict(s.execute(select(Site.id, Site.key)).all())
        return [{"id": k.id, "prefix": k.prefix, "name": k.name, "site": sites.get(k.site_id),
                 "rateLimit": k.rate_limit, "revoked": k.revoked_at is not None}
                for k in s.scalars(select(ApiKey).order_by(ApiKey.id))]


@router.delete("/{key_id}", summary="Revoke an API key", responses={404: {"description": "no such key"}})
def revoke_key(key_id: IdPath, request: Request, who: Principal = Depends(require_role("admin"))) -> dict:
    ctx = request.app.state.ctx
    with ctx.db.session() as s:
        row = s.get(ApiKey, key_id)
        if row is None:
            raise HTTPException(404, "no such key")
        row.revoked_at = row.revoked_at or datetime.now(UTC)
        audit.record(s, request, who, "key.revoke", "api_key", key_id)
    ctx.auth.forget_keys()
    return {"id": key_id, "revoked": True}
