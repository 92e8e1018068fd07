"""SSRF guard: a URL may be fetched only if it belongs to a registered site and
every address its host resolves to is a public one.

Two pieces, used together by the crawler, the re-check and the API:

* :func:`check_url` — the rule.  The scheme is http(s); the host is one of the
  registered sites' hosts; the DNS answers (not just the name) are checked: no
  loopback, private, link-local, shared, multicast, reserved or unspecified
  address — and never a cloud metadata address — unless the site that owns the
  host says ``allow_private_network`` (intranet sites, tests).  Metadata
  addresses stay refused even then.
* :class:`GuardedTransport` / :class:`AsyncGuardedTransport` — httpx transports
  that run the rule on *every* request, so each redirect hop is re-checked, and
  connect to the very address that was checked (the URL's host is replaced by the
  IP, ``Host`` and TLS SNI keep the name), so a second DNS answer cannot rebind
  the connection to an internal address.

``Policy.from_sites(sites)`` builds the allow-list from :class:`SiteConfig` objects.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from scanner.errors import InputError

__all__ = [
    "METADATA_ADDRESSES",
    "AsyncGuardedTransport",
    "GuardedTransport",
    "Policy",
    "SSRFError",
    "address_problem",
    "check_url",
    "guarded_client",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Cloud instance-metadata endpoints (AWS/GCP/Azure/OpenStack, Alibaba, Tencent, AWS IPv6).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "169.254.0.23", "fd00:ec2::254",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class SSRFError(InputError):
    """A URL the guard refuses; the message names the reason, never any response data."""

    code = "ssrf"


@dataclass(slots=True)
class Policy:
    """Which hosts may be fetched, and which of them may resolve to private addresses.

    ``hosts`` are lower-case host names (or IP literals) of registered sites;
    ``private_hosts`` is the subset whose site set ``allow_private_network``.
    ``ports`` limits the ports (None: any).
    """

    hosts: set[str] = field(default_factory=set)
    private_hosts: set[str] = field(default_factory=set)
    ports: frozenset[int] | None = None

    @classmethod
    def from_sites(cls, sites: Iterable[object]) -> Policy:
        policy = cls()
        for site in sites:
            urls = [getattr(site, "base_url", None)]
            urls += [c.get("prefix") for c in (getattr(site, "columns", None) or []) if isinstance(c, dict)]
            extra = getattr(site, "hosts", None) or []
            for host in [_host_of(u) for u in urls if u and "://" in str(u)] + [str(h).lower() for h in extra]:
                if host:
                    policy.add(host, allow_private=bool(getattr(site, "allow_private_network", False)))
        return policy

    def add(self, host: str, allow_private: bool = False) -> None:
        host = host.lower().rstrip(".")
        self.hosts.add(host)
        if allow_private:
            self.private_hosts.add(host)

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts


def _host_of(url: str) -> str:
    return (urlsplit(str(url)).hostname or "").lower().rstrip(".")


DNS_TTL = 30.0  # seconds a resolved host's answers are reused (browsers keep theirs for a minute)
_answers: dict[tuple[str, int], tuple[float, list[str]]] = {}


def _system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver, kept for ``DNS_TTL`` seconds per process: a scan
    asks the same host thousands of times, and glibc caches nothing, so each request would otherwise
    wait for a DNS round trip.  The addresses are checked on every use all the same, and the
    connection goes to a checked one.  Failures are not kept."""
    now = time.monotonic()
    hit = _answers.get((host, port))
    if hit is not None and hit[0] > now:
        return hit[1]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SSRFError(f"cannot resolve host {host!r}: {exc}") from None
    answers = [info[4][0] for info in infos]
    if len(_answers) > 1024:
        _answers.clear()
    _answers[(host, port)] = (now + DNS_TTL, answers)
    return answers


def _embedded_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return None


def address_problem(ip: IPAddress, allow_private: bool = False) -> str | None:
    """Why ``ip`` may not be fetched (a short phrase), or None when it may."""
    inner = _embedded_v4(ip)
    if inner is not None:
        problem = address_problem(inner, allow_private)
        return f"{problem} (embedded in {ip})" if problem else None
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private:
        return None
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a non-public address"
    return None


def check_url(url: str | httpx.URL, policy: Policy, resolver: Resolver | None = None) -> list[str]:
    """Refuse (``SSRFError``) or return the checked IP addresses ``url``'s host resolves to."""
    u = httpx.URL(str(url)) if not isinstance(url, httpx.URL) else url
    if u.scheme not in ("http", "https"):
        raise SSRFError(f"scheme {u.scheme!r} is not allowed; use http or https")
    host = (u.host or "").lower().rstrip(".")
    if not host:
        raise SSRFError("URL has no host")
    if u.userinfo:
        raise SSRFError("URLs with credentials are not allowed")
    port = u.port or (443 if u.scheme == "https" else 80)
    if policy.ports is not None and port not in policy.ports:
        raise SSRFError(f"port {port} is not allowed")
    if not policy.allows_host(host):
        raise SSRFError(f"host {host!r} is not a registered site's host")
    allow_private = host in policy.private_hosts
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    answers = [str(literal)] if literal is not None else (resolver or _system_resolver)(host, port)
    if not answers:
        raise SSRFError(f"host {host!r} has no address")
    checked: list[str] = []
    for answer in answers:
        ip = ipaddress.ip_address(answer.split("%", 1)[0])
        problem = address_problem(ip, allow_private)
        if problem:
            raise SSRFError(f"host {host!r} resolves to {problem}")
        checked.append(str(ip))
    return checked


def _pinned(request: httpx.Request, ip: str) -> httpx.Request:
    """A copy of ``request`` sent to the checked ``ip``, with Host and TLS SNI kept on the name.

    The caller's request is left alone, so relative redirects resolve against the name.
    """
    host = request.url.host
    if ip == host:
        return request
    headers = httpx.Headers(request.headers)
    headers["Host"] = request.headers.get("Host") or request.url.netloc.decode("ascii")
    extensions = dict(request.extensions)
    if request.url.scheme == "https":
        extensions["sni_hostname"] = host
    return httpx.Request(request.method, request.url.copy_with(host=ip), headers=headers,
                         stream=request.stream, extensions=extensions)


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that checks every request (and so every redirect hop)."""

    def __init__(self, policy: Policy, inner: httpx.BaseTransport | None = None, resolver: Resolver | None = None):
        self.policy = policy
        self.inner = inner or httpx.HTTPTransport()
        self.resolver = resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ips = check_url(request.url, self.policy, self.resolver)
        return self.inner.handle_request(_pinned(request, ips[0]))

    def close(self) -> None:
        self.inner.close()


class AsyncGuardedTransport(httpx.AsyncBaseTransport):
    """The asynchronous twin of :class:`GuardedTransport` (DNS lookups run in a thread)."""

    def __init__(self, policy: Policy, inner: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver | None = None):
        self.policy = policy
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.resolver = resolver

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import anyio.to_thread

        ips = await anyio.to_thread.run_sync(check_url, request.url, self.policy, self.resolver)
        return await self.inner.handle_async_request(_pinned(request, ips[0]))

    async def aclose(self) -> None:
        await self.inner.aclose()


def guarded_client(policy: Policy, *, inner: httpx.BaseTransport | None = None, resolver: Resolver | None = None,
                   **kw: object) -> httpx.Client:
    """A :func:`scanner.fetch.client.make_client` client whose every request and redirect hop
    goes through the guard."""
    from scanner.fetch.client import make_client

    return make_client(transport=GuardedTransport(policy, inner, resolver), **kw)  # type: ignore[arg-type]
