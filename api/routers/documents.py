"""``POST /v1/documents/check``: check an uploaded attachment (PDF, DOCX, XLSX, HTML, text ...).

Small files are answered at once; larger ones get ``202`` with a job id to poll
(``GET /v1/documents/jobs/{id}``) and, optionally, a callback URL the result is
POSTed to — through the SSRF guard, so only a registered site's host is called.
"""

from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from api import checking
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, require_key_or_staff
from api.routers.text import checker_for
from api.schemas import DocumentCheckResponse
from scanner.errors import CuominError

router = APIRouter(prefix="/v1/documents", tags=["check"], responses=COMMON_RESPONSES)


def _check_bytes(checker, data: bytes, filename: str | None, content_type: str | None, data_id: str | None,
                 request_id: str) -> dict:
    from scanner.extract import extract

    t0 = time.perf_counter()
    base = {"requestId": request_id, "dataId": data_id}
    try:
        doc = extract(data, filename or "upload", filename=filename, content_type=content_type)
    except CuominError as exc:
        return {**base, "status": "failed", "error": {"code": exc.code, "message": exc.message}}
    result = checker.check(doc)
    one = checking.text_result(result, data_id)
    return {**base, "status": "done", "suggestion": one["suggestion"], "riskLevel": one["riskLevel"],
            "labels": one["labels"], "ruleset": result.ruleset, "mediaType": result.media_type,
            "elapsedMs": round((time.perf_counter() - t0) * 1000, 2)}


def _callback(request: Request, who: Principal, url: str):
    """A function POSTing the result to ``url``, which must be on one of the caller's sites' hosts."""
    from scanner.fetch.guard import Policy, check_url, guarded_client

    policy = Policy.from_sites([c for c in request.app.state.ctx.sites.all_configs() if who.can_site(c.id)])
    check_url(url, policy)  # refuse at once (400) rather than after the work

    def post(result: dict) -> None:
        with guarded_client(policy, timeout=10.0, follow_redirects=False) as client:
            client.post(url, json=result)
    return post


@router.post("/check", response_model=DocumentCheckResponse, response_model_exclude_none=True,
             summary="Check an uploaded document; large ones are queued (202)",
             responses={202: {"model": DocumentCheckResponse, "description": "queued; poll the job"},
                        400: {"description": "callback URL refused"}, 401: {"description": "no or invalid key"},
                        403: {"description": "site not in scope"}, 404: {"description": "unknown site"},
                        413: {"description": "file too large"}})
async def check_document(request: Request, file: UploadFile = File(...), site: str = Form(..., min_length=1, max_length=64),
                         dataId: str | None = Form(None, max_length=128),
                         callbackUrl: str | None = Form(None, max_length=2048),
                         who: Principal = Depends(require_key_or_staff)):
    from starlette.concurrency import run_in_threadpool

    from scanner.errors import InputError

    ctx = request.app.state.ctx
    checker = await run_in_threadpool(checker_for, request, who, site)
    data = await file.read(ctx.settings.max_upload_bytes + 1)
    if len(data) > ctx.settings.max_upload_bytes:
        raise HTTPException(413, f"file is over {ctx.settings.max_upload_bytes} bytes")
    request_id = uuid.uuid4().hex
    callback = None
    if callbackUrl:
        try:
            callback = await run_in_threadpool(_callback, request, who, callbackUrl)
        except InputError as exc:
            ctx.metrics.refused.labels("ssrf").inc()
            raise HTTPException(400, f"callback URL refused: {exc.message}") from None
    filename, ctype = file.filename, file.content_type
    if len(data) <= ctx.settings.sync_document_bytes and callback is None:
        out = await run_in_threadpool(_check_bytes, checker, data, filename, ctype, dataId, request_id)
        ctx.metrics.checks.labels("document", out.get("suggestion", "failed")).inc()
        return out
    job = ctx.jobs.submit(who.actor, lambda: _check_bytes(checker, data, filename, ctype, dataId, request_id),
                          callback)
    return JSONResponse({"requestId": request_id, "dataId": dataId, "status": "queued", "jobId": job},
                        status_code=202, headers={"Location": f"/v1/documents/jobs/{job}"})


@router.get("/jobs/{job_id}", response_model=DocumentCheckResponse, response_model_exclude_none=True,
            summary="The state or result of a queued document check",
            responses={404: {"description": "no such job"}})
def job(job_id: str, request: Request, who: Principal = Depends(require_key_or_staff)) -> dict:
    found = request.app.state.ctx.jobs.get(job_id)
    if found is None or found["owner"] != who.actor:
        raise HTTPException(404, "no such job")
    if found["result"] is None:
        return {"requestId": job_id, "status": found["status"], "jobId": job_id}
    return {"requestId": job_id, **found["result"], "jobId": job_id}
