"""`cuomin serve` starts the API on the given host, port and database; --create-admin makes an account."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def test_cuomin_serve_starts_and_answers(tmp_path):
    db = tmp_path / "serve.db"
    env = {**os.environ, "CUOMIN_ADMIN_PASSWORD": "Qinghe-admin-2026", "CUOMIN_DETECTORS": "typo"}
    cli = [sys.executable, "-m", "scanner"]
    made = subprocess.run(cli + ["serve", "--db", str(db), "--create-admin", "admin"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(cli + ["serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                r = httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert r.json() == {"status": "ok", "database": "ok"}
        r = httpx.post(base + "/v1/session", json={"username": "admin", "password": "Qinghe-admin-2026"})
        assert r.status_code == 200 and r.json()["role"] == "admin"
        assert httpx.get(base + "/ui/", follow_redirects=False).headers["location"].startswith("/ui/login")
    finally:
        proc.terminate()
        proc.wait(15)
