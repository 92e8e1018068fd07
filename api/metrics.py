"""Prometheus metrics of the API (a registry per app, so tests can build several apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("cuomin_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("cuomin_http_request_seconds", "HTTP request latency", ["route"],
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10), registry=self.registry)
        self.checks = Counter("cuomin_checks_total", "documents checked through the API", ["kind", "suggestion"],
                              registry=self.registry)
        self.hits = Counter("cuomin_check_hits_total", "findings returned by API checks", ["label"],
                            registry=self.registry)
        self.refused = Counter("cuomin_refused_total", "requests refused", ["reason"], registry=self.registry)
