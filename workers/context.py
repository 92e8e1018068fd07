"""Per-process resources of a worker: the database, one HTTP client per site (behind the SSRF
guard), robots.txt caches, the shared rate limiter and one :class:`~scanner.pipeline.Checker` per site."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx

from scanner.store.db import Database, open_db

_lock = threading.RLock()
_state: dict[str, Any] = {}
_transport: httpx.BaseTransport | None = None
_checker_factory = None  # tests and benches may build checkers with their own registry


def set_transport(transport: httpx.BaseTransport | None) -> None:
    """Route the workers' HTTP through ``transport`` (tests: ``httpx.MockTransport``)."""
    global _transport
    _transport = transport
    reset()


def reset() -> None:
    with _lock:
        for client in _state.get("clients", {}).values():
            client.close()
        for rev in _state.get("revalidators", {}).values():
            rev.close()
        _state.clear()
        from scanner.store.db import forget

        forget()


def db() -> Database:
    with _lock:
        if "db" not in _state:
            _state["db"] = open_db(pre_ping=False, idle_tx_timeout_ms=60_000)
        return _state["db"]


_keys: dict[int, tuple[Any, str]] = {}


def _site_key(site) -> str:
    """The cache key of a site's configuration (memoised per object: the stages reuse one SiteConfig)."""
    from scanner.store.sites import config_dict

    hit = _keys.get(id(site))
    if hit is not None and hit[0] is site:
        return hit[1]
    key = json.dumps(config_dict(site), sort_keys=True, ensure_ascii=False, default=str)
    if len(_keys) > 1000:
        _keys.clear()
    _keys[id(site)] = (site, key)
    return key


def client(site) -> httpx.Client:
    """The HTTP client for ``site``: every request (and redirect hop) checked by the SSRF guard."""
    from scanner.fetch.client import make_client
    from scanner.fetch.guard import GuardedTransport, Policy

    with _lock:
        clients = _state.setdefault("clients", {})
        key = _site_key(site)
        if key not in clients:
            policy = Policy.from_sites([site])
            inner = _transport or httpx.HTTPTransport(retries=1)
            clients[key] = make_client(transport=GuardedTransport(policy, inner=inner), timeout=15.0)
        return clients[key]


def revalidator(site):
    """The cheap conditional-GET path for ``site``'s re-scans (:class:`~scanner.fetch.revalidate.Revalidator`:
    the client's headers and cookie jar, the same SSRF policy); None when tests route HTTP through
    their own transport."""
    from scanner.fetch.guard import Policy
    from scanner.fetch.revalidate import Revalidator

    if _transport is not None:
        return None
    with _lock:
        cache = _state.setdefault("revalidators", {})
        key = _site_key(site)
        if key not in cache:
            c = client(site)
            cache[key] = Revalidator(Policy.from_sites([site]), c.headers, timeout=15.0, cookies=c.cookies)
        return cache[key]


def robots(site):
    from scanner.fetch.robots import Robots

    with _lock:
        cache = _state.setdefault("robots", {})
        key = _site_key(site)
        if key not in cache:
            cache[key] = Robots(client(site))
        return cache[key]


def link_checker(site):
    from scanner.fetch.links import LinkChecker

    with _lock:
        cache = _state.setdefault("linkcheck", {})
        key = _site_key(site)
        if key not in cache:
            cache[key] = LinkChecker(client(site))
        return cache[key]


def limiter():
    from scanner.fetch.ratelimit import limiter_from_env

    with _lock:
        if "limiter" not in _state:
            _state["limiter"] = limiter_from_env()
        return _state["limiter"]


def set_checker_factory(factory) -> None:
    """Build checkers with ``factory(site)`` instead of ``Checker(site)`` (None: the default)."""
    global _checker_factory
    _checker_factory = factory
    with _lock:
        _state.pop("checkers", None)
        _state.pop("warmed", None)


def _env_factory():
    """``CUOMIN_CHECKER=module:callable`` builds checkers (a custom detector registry for every worker)."""
    import importlib
    import os

    spec = os.environ.get("CUOMIN_CHECKER")
    if not spec:
        return None
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def checker(site, *, warm: bool = True):
    """The site's checker, built once per process.  ``warm`` (for checking documents): on first use it is
    warmed up and the heap settled; a caller that only reads the ruleset passes ``warm=False``."""
    from scanner.heap import settle_heap
    from scanner.pipeline import Checker

    with _lock:
        cache = _state.setdefault("checkers", {})
        key = _site_key(site)
        if key not in cache:
            cache[key] = (_checker_factory or _env_factory() or Checker)(site)
        built = cache[key]
        warmed = _state.setdefault("warmed", set())
        if warm and key not in warmed:
            # A worker is a long-lived checking process, like the API's checker processes: load what the
            # first document would load, then freeze the heap so full collections skip the rule data.
            warmed.add(key)
            warm_up = getattr(built, "warm_up", None)
            if warm_up is not None:
                warm_up()
                settle_heap()
        return built
