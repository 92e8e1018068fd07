"""The FastAPI application: CMS check API, management API and the reviewer UI.

``create_app(settings)`` builds it; ``cuomin serve`` runs it under uvicorn.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.context import AppContext
from api.settings import Settings
from scanner.heap import settle_heap

HERE = Path(__file__).resolve().parent

DESCRIPTION = """\
cuomin (错敏) checks Chinese government web content for typos, improper wording, personal data
and red-header documents.  A CMS calls `POST /v1/text/check` before publishing; reviewers and
responsible units work the findings and rectification tickets (整改工单) through the rest of the API
or the reviewer UI at `/ui/`.  Authenticate with an API key (`Authorization: Bearer cm_…` or
`X-Api-Key`) or a UI session.  Personal data in every response is masked."""


UI_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                 b"frame-ancestors 'none'"),
]
BASE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]


class MetricsAndHeaders:
    """Pure ASGI middleware: request count and latency per route, security headers."""

    def __init__(self, app, metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        status = {"code": 500}
        path = scope.get("path", "")
        ui = path.startswith("/ui") or path == "/"

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                extra = BASE_HEADERS + (UI_HEADERS if ui else [])
                headers.extend((k, v) for k, v in extra if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope.get("method", ""), name, str(status["code"])).inc()
            self.metrics.latency.labels(name).observe(time.perf_counter() - t0)


def create_app(settings: Settings | None = None, *, db=None, detectors: list[str] | None = None,
               settle: bool = False) -> FastAPI:
    """The app.  ``settle`` (the server process does this) freezes the warmed-up heap: see ``settle_heap``."""
    settings = settings or Settings()
    ctx = AppContext.build(settings, db=db, detectors=detectors if detectors is not None else settings.detectors)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Serve only once the checkers are loaded: the first CMS requests must not pay for it.
        loop = asyncio.get_running_loop()
        if ctx.check_processes is not None:
            await loop.run_in_executor(None, ctx.check_processes.start)  # each process warms up
        if settings.warm_up:
            await loop.run_in_executor(ctx.check_pool, ctx.warm_up)
        if settle:
            settle_heap()
        yield
        if ctx.check_processes is not None:
            await loop.run_in_executor(None, ctx.check_processes.shutdown)

    app = FastAPI(title="cuomin API", version="1", description=DESCRIPTION, docs_url="/docs", redoc_url=None,
                  lifespan=lifespan)
    app.state.ctx = ctx

    from api.routers import (
        audit,
        dictionaries,
        documents,
        findings,
        health,
        keys,
        ledger,
        scans,
        sites,
        text,
        tickets,
        ui,
        users,
    )

    for module in (health, text, documents, sites, scans, findings, tickets, dictionaries, ledger, audit, users,
                   keys, ui):
        app.include_router(module.router)
    app.include_router(ui.root)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.add_middleware(MetricsAndHeaders, metrics=ctx.metrics)

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
