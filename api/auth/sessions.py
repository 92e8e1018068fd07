"""Signed session cookies and CSRF tokens for the reviewer UI.

The cookie is ``<user id>.<issued>.<nonce>.<hmac>``; the CSRF token is an HMAC of
the cookie, sent back in a hidden form field or the ``X-CSRF-Token`` header on
every state-changing request (synchroniser token bound to the session).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

COOKIE = "cuomin_session"


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def issue(secret: str, user_id: int, session_epoch: int = 0) -> str:
    payload = f"{user_id}.{int(time.time())}.{session_epoch}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def read(secret: str, cookie: str | None, max_age_s: int) -> tuple[int, int] | None:
    """(user id, session epoch) of a valid, unexpired cookie, else None."""
    if not cookie or cookie.count(".") != 4:
        return None
    payload, _, sig = cookie.rpartition(".")
    if not hmac.compare_digest(_sign(secret, payload), sig):
        return None
    user, issued, epoch, _nonce = payload.split(".")
    if not (user.isdigit() and issued.isdigit() and epoch.isdigit()):
        return None
    if time.time() - int(issued) > max_age_s:
        return None
    return int(user), int(epoch)


def csrf_token(secret: str, cookie: str) -> str:
    return _sign(secret, "csrf:" + cookie)


def csrf_ok(secret: str, cookie: str | None, token: str | None) -> bool:
    return bool(cookie and token) and hmac.compare_digest(csrf_token(secret, cookie), token)  # type: ignore[arg-type]
