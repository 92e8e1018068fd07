"""Shared helpers of the pipeline tests: a small planted-phrase detector (so the pipeline is tested
independently of the real detectors' dictionaries), a generated government-style site on disk."""

from __future__ import annotations

from pathlib import Path

from scanner.detectors.base import Detector
from scanner.detectors.registry import DetectorRegistry
from scanner.findings import Explanation, Finding, Severity
from scanner.pipeline import Checker

PLANTED = {"中华人民共合国": ("中华人民共和国", "typo", Severity.HIGH, "错别字"),
           "不忘初心、牢记使名": ("不忘初心、牢记使命", "typo", Severity.HIGH, "错别字"),
           "澳门博彩": (None, "sensitive", Severity.VETO, "违规广告")}


class PlantedPhrases(Detector):
    name = "planted"
    version = "1"

    def detect(self, analysis):
        text = analysis.text
        for phrase, (fix, rule, sev, cat) in PLANTED.items():
            start = text.find(phrase)
            while start >= 0:
                yield Finding(detector="planted", rule=rule, category=cat, severity=sev, start=start,
                              end=start + len(phrase), keyword=phrase, suggestion=fix,
                              explanation=Explanation(rule=f"planted phrase {phrase}", entry=phrase))
                start = text.find(phrase, start + 1)


def planted_checker(site) -> Checker:
    reg = DetectorRegistry(use_entry_points=False)
    reg.register(PlantedPhrases)
    return Checker(site, registry=reg)


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="header">某某区人民政府门户网站</div>
<div class="nav">{nav}</div>
<div class="content"><h1>{title}</h1><p>{body}</p>{extra}</div>
<div class="footer">主办：某某区人民政府办公室 地址：某某区人民路1号</div></body></html>"""


def write_site(root: Path, pages: int = 30, attachments: int = 3, planted: dict[str, str] | None = None) -> Path:
    """A government-style site: /index.html, column pages under /xxgk/ /zwdt/ /hdjl/, .txt attachments.

    ``planted`` maps a relative page path to an extra sentence planted in it."""
    planted = planted or {}
    columns = ["xxgk", "zwdt", "hdjl"]
    paths = [f"{columns[i % 3]}/{i:05d}.html" for i in range(pages)]
    nav = " ".join(f'<a href="/{c}/index.html">{c}</a>' for c in columns)
    root.mkdir(parents=True, exist_ok=True)
    for c in columns:
        (root / c).mkdir(exist_ok=True)
        links = "".join(f'<li><a href="/{p}">第{p[-10:-5]}号文</a></li>' for p in paths if p.startswith(c))
        (root / c / "index.html").write_text(PAGE.format(title=f"{c} 栏目", nav=nav, body="栏目列表",
                                                         extra=f"<ul>{links}</ul>"), encoding="utf-8")
    for i, p in enumerate(paths):
        extra = ""
        if i < attachments:
            (root / "files").mkdir(exist_ok=True)
            (root / "files" / f"{i:05d}.txt").write_text(f"附件{i}：关于做好安全生产工作的实施方案。", encoding="utf-8")
            extra = f'<a href="/files/{i:05d}.txt">附件{i}</a>'
        body = (f"为深入贯彻落实党中央、国务院决策部署，区政府第{i}次常务会议研究部署安全生产、民生保障等工作。"
                + planted.get(p, ""))
        (root / p).write_text(PAGE.format(title=f"关于第{i}号工作的通知", nav=nav, body=body, extra=extra),
                              encoding="utf-8")
    (root / "index.html").write_text(PAGE.format(title="某某区人民政府", nav=nav, body="欢迎访问",
                                                 extra=""), encoding="utf-8")
    return root


class TcpProxy:
    """A local TCP proxy to a service (PostgreSQL, Redis) that can be stopped and started, to make
    the service unreachable for the processes using it without touching the shared service."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        import socket

        self.target = (target_host, target_port)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self._server = None
        self._conns: list = []

    def start(self) -> TcpProxy:
        import socket
        import threading

        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(128)
        self._server = srv

        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                # shutdown first: a bare close() leaves the other pump thread's recv() holding the
                # socket open (no fd, still ESTABLISHED), so the service never sees the client go
                for x in (a, b):
                    try:
                        x.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    try:
                        x.close()
                    except OSError:
                        pass

        def accept():
            while True:
                try:
                    c, _ = srv.accept()
                except OSError:
                    return
                try:
                    u = socket.create_connection(self.target)
                except OSError:
                    c.close()
                    continue
                self._conns += [c, u]
                threading.Thread(target=pump, args=(c, u), daemon=True).start()
                threading.Thread(target=pump, args=(u, c), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut the open ones (the service looks down)."""
        import socket

        if self._server is not None:
            self._server.close()
            self._server = None
        for c in self._conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
                c.close()
            except OSError:
                pass
        self._conns = []


def pg_schema_url(schema: str) -> str:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        c.execute(f'CREATE SCHEMA "{schema}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


def drop_pg_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def stop_workers(proc) -> None:
    """End a ``cuomin worker`` process group started with ``start_new_session``: TERM, then KILL after 60 s."""
    import os
    import signal
    import subprocess

    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
