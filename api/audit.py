"""The audit log: one row per change, who, what, from where (never personal data)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.auth.principal import Principal
from scanner.store.models import AuditLog


def record(session, request: Request | None, who: Principal | str, action: str, target_type: str | None = None,
           target_id: object = None, **data: Any) -> None:
    ip = request.client.host if request is not None and request.client else None
    session.add(AuditLog(actor=who.actor if isinstance(who, Principal) else str(who), action=action,
                         target_type=target_type, target_id=None if target_id is None else str(target_id),
                         ip=ip, data=data))
