"""A kept-running LibreOffice for conversions: ~50–100 ms a file instead of ~1.2 s for a fresh soffice.

Each :class:`OfficeServer` is one process group: :mod:`scanner.extract.office_daemon` (run by the Python
that has LibreOffice's UNO bridge) and the soffice it drives, with a private profile in a temporary
directory.  Isolation is kept where it matters:

- every conversion has its own time limit; past it, the whole group is killed (the file fails with
  :class:`LimitExceeded`) and the next conversion starts a new server;
- a file that crashes LibreOffice fails alone (:class:`CorruptFile`), and the server is restarted;
- a server is replaced after ``MAX_USES`` conversions, bounding what one soffice can accumulate;
- documents are opened hidden and read-only, macros never run, links never updated.

:func:`available` tells whether the UNO bridge is there (Debian: ``python3-uno``); without it
:mod:`scanner.extract.office` runs one soffice per file, as before.  ``CUOMIN_UNO_PYTHON`` names the
Python to run the daemon (default ``/usr/bin/python3``).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from functools import lru_cache
from pathlib import Path

from scanner.errors import CorruptFile, EncryptedFile, LimitExceeded, UnsupportedFormat

DAEMON = Path(__file__).with_name("office_daemon.py")
START_SECONDS = 90.0
MAX_USES = 200


def uno_python() -> str:
    return os.environ.get("CUOMIN_UNO_PYTHON", "/usr/bin/python3")


@lru_cache(maxsize=1)
def available() -> bool:
    """True when the UNO bridge imports in :func:`uno_python` (checked once per process)."""
    try:
        return subprocess.run([uno_python(), "-c", "import uno"], check=False, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to the process group ``proc`` leads (started with ``start_new_session``), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


class OfficeServer:
    """One daemon + soffice pair, started on first use, used by one conversion at a time."""

    def __init__(self, soffice: str) -> None:
        self.soffice = soffice
        self.proc: subprocess.Popen | None = None
        self.home: str | None = None
        self.pid = 0
        self.uses = 0
        self._buffer = b""

    def convert(self, src: Path, dst: Path, filter_name: str, timeout: float) -> bytes:
        if self.proc is None or self.pid != os.getpid() or self.proc.poll() is not None or self.uses >= MAX_USES:
            self._start()
        self.uses += 1
        request = {"src": src.as_uri(), "dst": dst.as_uri(), "filter": filter_name}
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
            answer = self._read(time.monotonic() + timeout)
        except BrokenPipeError:
            answer = None
        except TimeoutError:
            self.stop()
            raise LimitExceeded(f"LibreOffice conversion took longer than {timeout:g} s") from None
        if answer is None or answer.get("kind") == "crashed":
            self.stop()
            raise CorruptFile(f"LibreOffice crashed reading this {src.suffix.lstrip('.').upper()} file")
        if not answer.get("ok"):
            if answer.get("kind") == "password":
                raise EncryptedFile(f"{src.suffix.lstrip('.').upper()} file is password-protected")
            raise CorruptFile(f"LibreOffice could not read this {src.suffix.lstrip('.').upper()} file")
        if not dst.exists():
            raise CorruptFile(f"LibreOffice wrote nothing for this {src.suffix.lstrip('.').upper()} file")
        return dst.read_bytes()

    def _start(self) -> None:
        self.stop()
        self.home = tempfile.mkdtemp(prefix="cuomin-soffice-")
        profile = Path(self.home, "profile").as_uri()
        env = {"HOME": self.home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "SAL_USE_VCLPLUGIN": "svp", "TMPDIR": self.home}
        self.proc = subprocess.Popen(
            [uno_python(), str(DAEMON), self.soffice, profile, f"cuomin-{uuid.uuid4().hex}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=self.home,
            start_new_session=True)
        self.pid, self.uses, self._buffer = os.getpid(), 0, b""
        try:
            ready = self._read(time.monotonic() + START_SECONDS)
        except TimeoutError:
            ready = None
        if not ready or not ready.get("ready"):
            self.stop()
            raise UnsupportedFormat("LibreOffice conversion server did not start"
                                    + (f": {ready.get('message')}" if ready else ""))

    def _read(self, deadline: float) -> dict | None:
        """The next JSON line from the daemon; None when it exited; TimeoutError past ``deadline``."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def stop(self) -> None:
        proc, home, self.proc, self.home = self.proc, self.home, None, None
        if self.pid != os.getpid():  # inherited through fork: the parent's server, not ours to end
            return
        if proc is not None:
            kill_group(proc)
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if home:
            shutil.rmtree(home, ignore_errors=True)


class ServerPool:
    """Idle servers of this process; a conversion takes one and gives it back (callers bound concurrency)."""

    def __init__(self) -> None:
        self._idle: list[OfficeServer] = []
        self._all: list[OfficeServer] = []
        self._lock = threading.Lock()

    def convert(self, soffice: str, src: Path, dst: Path, filter_name: str, timeout: float) -> bytes:
        with self._lock:
            server = self._idle.pop() if self._idle else None
            if server is None:
                server = OfficeServer(soffice)
                self._all.append(server)
        try:
            return server.convert(src, dst, filter_name, timeout)
        finally:
            with self._lock:
                self._idle.append(server)

    def stop(self) -> None:
        with self._lock:
            for server in self._all:
                server.stop()


POOL = ServerPool()
atexit.register(POOL.stop)
