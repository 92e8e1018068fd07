"""Fetching: a small httpx-based client (:mod:`scanner.fetch.client`); the crawler and
the SSRF guard live beside it (``crawler.py``, ``guard.py``)."""

from scanner.fetch.client import (
                                  DEFAULT_MAX_BYTES,
                                  DEFAULT_TIMEOUT,
                                  DEFAULT_USER_AGENT,
                                  FetchError,
                                  FetchResult,
                                  fetch,
                                  fetch_document,
                                  make_client,
)

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "DEFAULT_USER_AGENT", "FetchError", "FetchResult",
           "fetch", "fetch_document", "make_client"]
