"""The FastAPI application: CMS check API, management API and the reviewer UI.

``create_app(settings)`` builds it; ``cuomin serve`` runs it under uvicorn.
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.context import AppContext
from api.settings import Settings

HERE = Path(__file__).resolve().parent

DESCRIPTION = """\
cuomin (错敏) checks Chinese government web content for typos, improper wording, personal data
and red-header documents.  A CMS calls `POST /v1/text/check` before publishing; reviewers and
responsible units work the findings and rectification tickets (整改工单) through the rest of the API
or the reviewer UI at `/ui/`.  Authenticate with an API key (`Authorization: Bearer cm_…` or
`X-Api-Key`) or a UI session.  Personal data in every response is masked."""


def create_app(settings: Settings | None = None, *, db=None, detectors: list[str] | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = AppContext.build(settings, db=db, detectors=detectors)
    app = FastAPI(title="cuomin API", version="1", description=DESCRIPTION, docs_url="/docs", redoc_url=None)
    app.state.ctx = ctx

    from api.routers import (audit, dictionaries, documents, findings, health, keys, ledger, scans, sites,
                             text, tickets, ui, users)

    for module in (health, text, documents, sites, scans, findings, tickets, dictionaries, ledger, audit, users,
                   keys, ui):
        app.include_router(module.router)
    app.include_router(ui.root)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def _metrics_and_headers(request: Request, call_next):
        t0 = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        ctx.metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        ctx.metrics.latency.labels(path).observe(time.perf_counter() - t0)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if path.startswith("/ui") or path == "/":
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # list every method the path supports, not just the first route's
            allowed = sorted({m for r in app.routes for m in (getattr(r, "methods", None) or ())
                              if r.matches({"type": "http", "path": request.url.path, "method": m})[0].name == "FULL"})
            headers["Allow"] = ", ".join(allowed)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        # Never echo the submitted values back (they may hold personal data): location and message only.
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    return app
