"""Sign-in for the reviewer UI (session cookie + CSRF token) and user accounts (admin only)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import audit
from api.auth import passwords, sessions
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, principal, require_role
from scanner.store.models import Unit, User

router = APIRouter(prefix="/v1", tags=["users"], responses=COMMON_RESPONSES)


class LoginBody(BaseModel):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=500)


class UserBody(BaseModel):
    username: str = Field(..., min_length=1, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(..., min_length=10, max_length=500)
    role: Literal["admin", "reviewer", "operator"]
    unit: str | None = Field(None, max_length=200)
    displayName: str = Field("", max_length=200)


def start_session(request: Request, response: Response, username: str, password: str) -> tuple[User, str] | None:
    ctx = request.app.state.ctx
    ip = request.client.host if request.client else "-"
    bucket = f"login:{ip}"  # failed sign-ins per client address: 5 at once, then 10 a minute
    retry = ctx.limiter.exhausted(bucket, ctx.settings.login_rate_per_minute, burst=5)
    if retry:
        raise HTTPException(429, "too many sign-in attempts", headers={"Retry-After": str(max(1, round(retry)))})
    found = ctx.auth.login(username, password)
    if found is None:
        ctx.limiter.allow(bucket, ctx.settings.login_rate_per_minute, burst=5)
    with ctx.db.session() as s:
        audit.record(s, request, f"user:{username}" if found else "anonymous", "login" if found else "login_failed",
                     "user", found[0].id if found else None)
    if found is None:
        return None
    user, cookie = found
    response.set_cookie(sessions.COOKIE, cookie, httponly=True, samesite="strict", secure=ctx.settings.secure_cookies,
                        max_age=ctx.settings.session_hours * 3600, path="/")
    return user, cookie


@router.post("/session", summary="Sign in; sets the session cookie and returns the CSRF token",
             responses={401: {"description": "wrong username or password"}, 429: {"description": "too many attempts"}})
def login(body: LoginBody, request: Request, response: Response) -> dict:
    found = start_session(request, response, body.username, body.password)
    if found is None:
        raise HTTPException(401, "wrong username or password")
    user, cookie = found
    return {"username": user.username, "role": user.role,
            "csrfToken": sessions.csrf_token(request.app.state.ctx.settings.secret, cookie)}


@router.delete("/session", summary="Sign out", status_code=204, response_class=Response)
def logout(request: Request, who: Principal = Depends(principal)) -> Response:
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@router.get("/me", summary="Who the caller is")
def me(who: Principal = Depends(principal)) -> dict:
    return {"kind": who.kind, "name": who.name, "role": who.role, "unit": who.unit,
            "sites": sorted(who.sites) if who.sites is not None else None}


@router.get("/users", summary="List user accounts (admin)")
def list_users(request: Request, who: Principal = Depends(require_role("admin"))) -> list[dict]:
    with request.app.state.ctx.db.session() as s:
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
        return [{"id": u.id, "username": u.username, "role": u.role, "unit": units.get(u.unit_id),
                 "displayName": u.display_name, "active": u.active} for u in s.scalars(select(User).order_by(User.id))]


@router.post("/users", status_code=201, summary="Create a user account (admin)",
             responses={409: {"description": "username taken"}, 400: {"description": "operator without a unit"}})
def create_user(body: UserBody, request: Request, who: Principal = Depends(require_role("admin"))) -> dict:
    if body.role == "operator" and not body.unit:
        raise HTTPException(400, "an operator belongs to a unit")
    from scanner.store.sites import unit_id

    with request.app.state.ctx.db.session() as s:
        if s.scalar(select(User.id).where(User.username == body.username)) is not None:
            raise HTTPException(409, "username taken")
        user = User(username=body.username, password_hash=passwords.hash_password(body.password), role=body.role,
                    unit_id=unit_id(s, body.unit), display_name=body.displayName)
        s.add(user)
        s.flush()
        audit.record(s, request, who, "user.create", "user", user.id, role=body.role, unit=body.unit)
        return {"id": user.id, "username": user.username, "role": user.role, "unit": body.unit}
