"""SSRF guard: registered hosts only, DNS answers checked, every redirect re-checked."""

import http.server
import threading

import pytest

from scanner.fetch.guard import Policy, SSRFError, check_url, guarded_client
from scanner.site import SiteConfig

PUBLIC = "36.112.10.5"  # a public (global) address


def _resolver(table):
    def resolve(host, port):
        return table[host]
    return resolve


SITES = [
    SiteConfig(id="qh", base_url="https://www.qinghe.gov.cn/"),
    SiteConfig(id="evil", base_url="http://rebind.qinghe.gov.cn/"),
    SiteConfig(id="lh", base_url="http://localhost:8080/"),
    SiteConfig(id="meta", base_url="http://169.254.169.254/"),
    SiteConfig(id="ten", base_url="http://10.1.2.3/"),
    SiteConfig(id="lo", base_url="http://127.0.0.1/"),
]
POLICY = Policy.from_sites(SITES)
DNS = _resolver({"www.qinghe.gov.cn": [PUBLIC], "rebind.qinghe.gov.cn": [PUBLIC, "10.0.0.7"],
                 "localhost": ["127.0.0.1", "::1"]})


def test_registered_public_host_passes_and_returns_checked_address():
    assert check_url("https://www.qinghe.gov.cn/xxgk/index.html", POLICY, DNS) == [PUBLIC]


@pytest.mark.parametrize("url,reason", [
    ("http://127.0.0.1/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://10.1.2.3/", "private"),
    ("http://localhost:8080/admin", "loopback"),           # a name resolving to loopback
    ("http://rebind.qinghe.gov.cn/", "private"),           # one bad DNS answer among good ones
    ("http://www.example.com/", "not a registered"),      # not a registered site
    ("file:///etc/passwd", "scheme"),
    ("http://user:pw@www.qinghe.gov.cn/", "credentials"),
])
def test_refused(url, reason):
    with pytest.raises(SSRFError, match=reason):
        check_url(url, POLICY, DNS)


@pytest.mark.parametrize("ip", ["::ffff:127.0.0.1", "::1", "fe80::1", "fd00:ec2::254", "64:ff9b::a00:1",
                                "100.64.0.1", "0.0.0.0", "224.0.0.1", "100.100.100.200"])
def test_ipv6_embeddings_and_odd_ranges_refused(ip):
    policy = Policy(hosts={"odd.qinghe.gov.cn"})
    with pytest.raises(SSRFError):
        check_url("http://odd.qinghe.gov.cn/", policy, _resolver({"odd.qinghe.gov.cn": [ip]}))


def test_private_network_only_for_a_site_that_allows_it_and_never_metadata():
    policy = Policy.from_sites([SiteConfig(id="intra", base_url="http://oa.intra.qinghe/", allow_private_network=True),
                                SiteConfig(id="meta", base_url="http://169.254.169.254/", allow_private_network=True)])
    dns = _resolver({"oa.intra.qinghe": ["10.20.0.5"]})
    assert check_url("http://oa.intra.qinghe/a", policy, dns) == ["10.20.0.5"]
    with pytest.raises(SSRFError, match="metadata"):
        check_url("http://169.254.169.254/", policy, dns)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif self.path == "/to-local":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
        else:
            body = f"host={self.headers.get('Host')}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()


def test_real_requests_pin_the_checked_address_and_recheck_redirects(server):
    # The test site resolves to loopback and is explicitly allowed to (allow_private_network).
    policy = Policy.from_sites([SiteConfig(id="t", base_url="http://cms.qinghe.test/", allow_private_network=True),
                                SiteConfig(id="m", base_url="http://169.254.169.254/", allow_private_network=True)])
    dns = _resolver({"cms.qinghe.test": ["127.0.0.1"]})
    with guarded_client(policy, resolver=dns) as client:
        r = client.get(f"http://cms.qinghe.test:{server}/to-local")
        assert r.status_code == 200
        assert r.text == f"host=cms.qinghe.test:{server}"  # Host kept on the name, connection to the checked IP
        assert str(r.url) == f"http://cms.qinghe.test:{server}/page"
        with pytest.raises(SSRFError, match="metadata"):
            client.get(f"http://cms.qinghe.test:{server}/to-metadata")


def test_without_permission_the_loopback_server_is_refused(server):
    policy = Policy.from_sites([SiteConfig(id="t", base_url=f"http://127.0.0.1:{server}/")])
    with guarded_client(policy) as client, pytest.raises(SSRFError, match="loopback"):
        client.get(f"http://127.0.0.1:{server}/page")
    with guarded_client(Policy.from_sites([SiteConfig(id="l", base_url="http://localhost/")])) as client:
        with pytest.raises(SSRFError, match="loopback"):  # real DNS answer for localhost
            client.get(f"http://localhost:{server}/page")


def test_system_resolver_answers_are_kept_for_a_while_and_checked_on_every_use(monkeypatch):
    """A scan asks one host thousands of times: its DNS answers are reused for DNS_TTL seconds; a host
    that later rebinds to a private address is refused once the kept answers expire."""
    import socket

    from scanner.fetch import guard

    answers = {"www.qinghe.gov.cn": PUBLIC}
    lookups = []

    def getaddrinfo(host, port, type=0):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    clock = [1000.0]
    monkeypatch.setattr(guard.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(guard.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(guard, "_answers", {})
    for i in range(50):
        assert check_url(f"https://www.qinghe.gov.cn/xxgk/{i}.html", POLICY) == [PUBLIC]
    assert lookups == ["www.qinghe.gov.cn"]
    answers["www.qinghe.gov.cn"] = "10.0.0.7"  # rebinds: still the kept public answer within the TTL
    clock[0] += guard.DNS_TTL - 1
    assert check_url("https://www.qinghe.gov.cn/", POLICY) == [PUBLIC]
    clock[0] += 2
    with pytest.raises(SSRFError, match="private"):
        check_url("https://www.qinghe.gov.cn/", POLICY)
    assert lookups == ["www.qinghe.gov.cn"] * 2
