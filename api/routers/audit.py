"""The audit log (admin): every change made through the API or the UI."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, require_role
from scanner.store.models import AuditLog

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=COMMON_RESPONSES)


@router.get("", summary="Audit log entries, newest first (admin)")
def list_audit(request: Request, action: str | None = Query(None, max_length=100),
               limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=1_000_000),
               who: Principal = Depends(require_role("admin"))) -> list[dict]:
    with request.app.state.ctx.db.session() as s:
        q = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit).offset(offset)
        if action:
            q = q.where(AuditLog.action == action)
        return [{"id": a.id, "at": a.at.isoformat(), "actor": a.actor, "action": a.action,
                 "targetType": a.target_type, "targetId": a.target_id, "ip": a.ip, "data": a.data}
                for a in s.scalars(q)]
