"""A LibreOffice conversion server: one headless soffice kept running, driven over its UNO bridge.

This file is *not* imported by cuomin.  :mod:`scanner.extract.office_server` runs it as a script with
the Python that carries LibreOffice's UNO bridge (Debian's ``python3-uno`` for ``/usr/bin/python3``)::

    python3 office_daemon.py SOFFICE PROFILE_URL PIPE_NAME

It starts soffice with a private profile, accepting UNO connections on a named pipe, then answers
one JSON request per line on stdin with one JSON line on stdout:

    {"src": "file:///…/input.doc", "dst": "file:///…/out.docx", "filter": "MS Word 2007 XML"}
    → {"ok": true} | {"ok": false, "kind": "password" | "unreadable" | "crashed", "message": "…"}

Documents are opened hidden, read-only, with macros never executed and links never updated (no
network, no code from the file).  After a crash of soffice it answers ``crashed`` and exits; the
parent enforces every time limit by killing this process group, and starts a new server.
Only the standard library and ``uno`` are used: the system Python has none of cuomin's packages.
"""

import contextlib
import json
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE
CONNECT_SECONDS = 60.0


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def connect(office, url):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            ctx = resolver.resolve(url)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException until soffice listens
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def convert(desktop, request):
    load = (prop("Hidden", True), prop("ReadOnly", True), prop("MacroExecutionMode", NEVER_EXECUTE),
            prop("UpdateDocMode", NO_UPDATE), prop("Silent", True))
    doc = desktop.loadComponentFromURL(request["src"], "_blank", 0, load)
    if doc is None:
        return {"ok": False, "kind": "unreadable", "message": "LibreOffice opened no document"}
    try:
        doc.storeToURL(request["dst"], (prop("FilterName", request["filter"]),))
    finally:
        with contextlib.suppress(Exception):  # already disposed: nothing left to close
            doc.close(True)
    return {"ok": True}


def main():
    soffice, profile, pipe = sys.argv[1:4]
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore", "--nologo",
         "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop = connect(office, url)
    except Exception as exc:  # noqa: BLE001
        reply({"ready": False, "message": f"{type(exc).__name__}: {exc}"[:300]})
        office.kill()
        return 1
    reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = convert(desktop, request)
        except Exception as exc:  # noqa: BLE001 — every UNO error becomes an answer
            message = str(getattr(exc, "Message", "") or exc)[:300]
            if office.poll() is not None or "Disposed" in type(exc).__name__ or "bridge" in message.lower():
                reply({"ok": False, "kind": "crashed", "message": message})
                office.kill()
                return 1
            kind = "password" if "password" in message.lower() else "unreadable"
            answer = {"ok": False, "kind": kind, "message": message}
        reply(answer)
    with contextlib.suppress(Exception):
        desktop.terminate()
    office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
