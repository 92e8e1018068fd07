"""Dictionaries: the data files with their version, and the review of proposed entries.

Proposals (an allow-list phrase a reviewer wants added, a new banned wording …)
are kept by :mod:`scanner.detectors.sensitive.proposals`; approving one writes it
into the dictionary data with its provenance, which changes the ruleset version,
and the running checkers reload.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, Request

from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, principal
from scanner.ruleset import DICTIONARY_ROOT, dictionary_files, ruleset_version

router = APIRouter(prefix="/v1/dictionaries", tags=["dictionaries"], responses=COMMON_RESPONSES)


def files() -> list[dict]:
    out = []
    for path in dictionary_files():
        data = path.read_bytes()
        lines = [ln for ln in data.decode("utf-8", "replace").splitlines() if ln.strip() and not ln.startswith("#")]
        out.append({"path": path.relative_to(DICTIONARY_ROOT).as_posix(), "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest()[:16], "lines": len(lines)})
    return out


@router.get("", summary="Dictionary files with their sizes and hashes, and the data version")
def list_dictionaries(request: Request, who: Principal = Depends(principal)) -> dict:
    return {"version": ruleset_version([]), "files": files()}


@router.get("/version", summary="The dictionary data version and the ruleset of each loaded site checker")
def version(request: Request, who: Principal = Depends(principal)) -> dict:
    checkers = request.app.state.ctx.checkers
    return {"data": ruleset_version([]),
            "sites": {k: c.ruleset for k, (_v, c) in list(checkers._checkers.items()) if who.can_site(k)}}
