"""FastAPI dependencies: the app context, the caller, CSRF, rate limits, a DB session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.auth import sessions
from api.auth.principal import Principal

_bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer cm_…`")
_header = APIKeyHeader(name="X-Api-Key", auto_error=False, description="an API key")

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# A database id in a path: a positive 32-bit integer.
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]

# Documented on every protected operation.
COMMON_RESPONSES: dict[int | str, dict] = {
    400: {"description": "the request is understood but cannot be done (message in `detail`)"},
    401: {"description": "no or invalid API key / session"},
    403: {"description": "not allowed for this caller (role, site scope, CSRF)"},
    404: {"description": "not found, or not visible to this caller"},
    429: {"description": "rate limit exceeded (see Retry-After)"},
}


def ctx(request: Request):
    return request.app.state.ctx


def db_session(request: Request) -> Iterator[object]:
    with request.app.state.ctx.db.session() as s:
        yield s


def _refuse(status: int, detail: str, request: Request, reason: str) -> HTTPException:
    request.app.state.ctx.metrics.refused.labels(reason).inc()
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return HTTPException(status, detail, headers=headers)


async def principal(request: Request, bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
              header_key: str | None = Depends(_header)) -> Principal:
    """The caller: an API key (bearer or X-Api-Key) or a signed-in user (session cookie + CSRF)."""
    c = request.app.state.ctx
    raw_key = (bearer.credentials if bearer else None) or header_key
    if raw_key:
        who = c.auth.cached_key_principal(raw_key)
        if who is False:  # look it up (and note its use) off the event loop
            who = await run_in_threadpool(c.auth.key_principal, raw_key)
        if who is None:
            raise _refuse(401, "invalid API key", request, "bad_key")
        ok, retry = c.limiter.allow(f"key:{who.id}", who.rate_per_minute or c.settings.key_rate_per_minute)
        if not ok:
            c.metrics.refused.labels("rate_limit").inc()
            raise HTTPException(429, "rate limit exceeded", headers={"Retry-After": str(max(1, round(retry)))})
        return who
    cookie = request.cookies.get(sessions.COOKIE)
    who = c.auth.session_principal(cookie) if cookie else None
    if who is None:
        raise _refuse(401, "authentication required", request, "unauthenticated")
    if request.method in UNSAFE:
        token = request.headers.get("X-CSRF-Token")
        if token is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
        if not sessions.csrf_ok(c.settings.secret, cookie, token):
            raise _refuse(403, "CSRF token missing or wrong", request, "csrf")
    return who


def require_role(*roles: str):
    def check(who: Principal = Depends(principal)) -> Principal:
        if who.kind != "user" and "key" not in roles:
            raise HTTPException(403, "this endpoint is for signed-in users")
        if who.kind == "user" and who.role not in roles:
            raise HTTPException(403, f"requires role {' or '.join(roles)}")
        return who
    return check


async def require_key_or_staff(who: Principal = Depends(principal)) -> Principal:
    """API keys, admins and reviewers (operators do not run checks)."""
    if who.kind == "user" and who.role == "operator":
        raise HTTPException(403, "requires role admin or reviewer")
    return who
