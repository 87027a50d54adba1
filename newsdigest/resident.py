"""The resident engine: the next one-shot `build` handed to the process that kept the last one's.

A one-shot build starts from the engine the last one kept (snapshot.py), but reading it back
costs 1.2 to 2.5 s at 10,000 articles and the imports another 0.4 s, more than the change of
one article costs the engine itself. So the process that writes the snapshot stays, once it
has written it, as the site's resident engine: it listens on .newsdigest/engine.sock, and a
`build` run meanwhile (same newsdigest, same Python, same site, snapshots wanted) hands it its
command line, working folder and NEWSDIGEST_*/PATH/TZ settings, prints what it sends back and
ends with its exit code. Its build is the one watch makes (pipeline.build with a held engine);
the site is the one a fresh process makes (tests/test_resident.py).

It ends, writing its engine to the snapshot first when it built since, after
NEWSDIGEST_RESIDENT_SECONDS without a build (default 600; 0: no resident), when its socket is
removed or replaced (`build --clean`, another build keeping its own engine, the state folder
deleted), when asked by a build of another newsdigest, and after a build that failed (what such
a build left in the engine is not kept; the next build starts from the snapshot). A build whose
resident stops half-way is made again in the calling process. A Ctrl-C in the calling build
leaves the resident's build to finish: a build is published whole or not at all.
"""
from __future__ import annotations

import json
import os
import select
import socket
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from .cache import code_fingerprint

SOCKET = "engine.sock"
DEFAULT_IDLE = 600.0
POLL = 1.0   # seconds between checks that the socket is still this resident's
# Settings a build reads from the environment (or its subprocesses do): the resident builds with
# the caller's.
PASSED = ("PATH", "TZ", "CI")


def idle_seconds() -> float:
    """NEWSDIGEST_RESIDENT_SECONDS: how long a resident waits for the next build (0: none)."""
    text = os.environ.get("NEWSDIGEST_RESIDENT_SECONDS", "").strip()
    try:
        return max(0.0, float(text)) if text else DEFAULT_IDLE
    except ValueError:
        return DEFAULT_IDLE


def _passed_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in PASSED or k.startswith("NEWSDIGEST_")}


# --- framing: a kind byte, a 4-byte length, the payload ---------------------------------------

def _send(sock: socket.socket, kind: bytes, payload: bytes) -> None:
    sock.sendall(kind + len(payload).to_bytes(4, "big") + payload)


def _receive(sock: socket.socket) -> tuple[bytes, bytes] | None:
    """The next message, or None when the other side has gone."""
    head = _exactly(sock, 5)
    if head is None:
        return None
    payload = _exactly(sock, int.from_bytes(head[1:], "big"))
    return None if payload is None else (head[:1], payload)


def _exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        try:
            chunk = sock.recv(min(left, 1 << 16))
        except OSError:
            return None
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _at(state: Path, action) -> None:
    """`action(name)` run from inside the state folder with the socket's bare name: a socket's
    path is limited to about 100 bytes, which a site folder may pass."""
    here = os.getcwd()
    os.chdir(state)
    try:
        action(SOCKET)
    finally:
        os.chdir(here)


def processes(state: Path) -> list[int]:
    """The ids of the site's resident engines (Linux): the processes working in its state
    folder, where a resident stays (serve). bench/run.py counts their CPU and memory with the
    build that handed them its work; the tests wait for them to leave."""
    folder = str(state.resolve())
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if os.readlink(f"/proc/{entry}/cwd") == folder:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def dismiss(state: Path) -> None:
    """Send the site's resident away (it ends on finding its socket gone): `build --clean` uses
    nothing earlier builds left."""
    try:
        (state / SOCKET).unlink(missing_ok=True)
    except OSError:
        pass


# --- the calling build -----------------------------------------------------------------------

def ask(root: Path, state: Path, argv: list[str]) -> int | None:
    """Have the site's resident engine run `build` with these arguments: its exit code once its
    output is printed here, or None when there is no resident able to (the caller builds)."""
    if idle_seconds() == 0 or not (state / SOCKET).exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            sock.settimeout(2.0)
            _at(state, sock.connect)
            sock.settimeout(None)
            request = {"code": code_fingerprint(), "python": sys.version, "prefix": sys.prefix, "root": str(root),
                       "cwd": os.getcwd(), "argv": argv, "env": _passed_env()}
            _send(sock, b"q", json.dumps(request).encode())
        except OSError:
            return None   # no resident there (a socket left by one that was killed), or it is going
        answer = _receive(sock)
        if answer is None or not json.loads(answer[1]).get("ok"):
            return None
        while True:
            message = _receive(sock)
            if message is None:
                print(f"{state / SOCKET}: note: the resident engine stopped during the build; building here",
                      file=sys.stderr)
                return None
            kind, payload = message
            if kind == b"x":
                return int(json.loads(payload)["code"])
            out = sys.stdout if kind == b"o" else sys.stderr
            out.write(payload.decode("utf-8", "replace"))
            out.flush()
    finally:
        sock.close()


# --- the resident ----------------------------------------------------------------------------

class _Relay:
    """sys.stdout or sys.stderr of a build run for a caller: what is printed goes to it. A caller
    gone (Ctrl-C) takes nothing more; the build goes on."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, sock: socket.socket, kind: bytes):
        self.sock, self.kind = sock, kind

    def write(self, text: str) -> int:
        if self.sock is not None and text:
            try:
                _send(self.sock, self.kind, text.encode("utf-8", "replace"))
            except OSError:
                self.sock = None
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


# Connections inherited from the build that forked the resident: never used here (SQLite must not
# be used on both sides of a fork) and never closed (closing could checkpoint under that build).
_inherited: list = []


def serve(paths, engine, idle: float, run, usable, save) -> None:
    """Run as the site's resident engine until idle for `idle` seconds or replaced; never
    returns. Called by snapshot.keep's writer once the snapshot is written and its lock let go.
    `run(argv, engine)`: a caller's build, its exit code; `usable()`: whether this site keeps
    engines under the caller's settings; `save(engine)`: the snapshot written on leaving."""
    import gc
    state = paths.state
    gc.freeze()   # the engine lives as long as the process: the collector need never walk it
    gc.enable()
    if engine.cache is not None:
        _inherited.append(engine.cache.db)
        engine.cache.db = None
        engine.cache.reopen()
    if engine.scan is not None:
        _inherited.append(engine.scan)
        engine.scan = None   # made again, with a connection of its own, by the first build here
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = f"engine.{os.getpid()}.sock"
    os.chdir(state)
    listener.bind(temporary)
    listener.listen(8)
    os.replace(temporary, SOCKET)   # a resident there before sees its socket replaced and ends
    mine = os.stat(SOCKET).st_ino
    built = False       # a build made here since the snapshot was written
    leave = None        # why the loop ended: "idle" writes the engine first
    deadline = time.monotonic() + idle
    code = 0
    try:
        while leave is None:
            ready, _, _ = select.select([listener], [], [], POLL)
            if not _still_mine(state, mine):
                leave = "replaced"
            elif not ready:
                if time.monotonic() >= deadline:
                    leave = "idle"
            else:
                connection, _ = listener.accept()
                with connection:
                    outcome = _serve_one(connection, paths, engine, run, usable)
                if outcome == 0:
                    built = True
                    engine.persist()   # after the caller has its answer: off the time the build takes
                    deadline = time.monotonic() + idle
                elif outcome is not None:
                    leave = "failed"   # what a failed build left in the engine is not kept
    except Exception:   # noqa: BLE001 - the resident's own failure: the next build says so
        code, leave = 1, "failed"
        from .snapshot import FAILED   # shown by the next build's restore
        try:
            (state / FAILED).write_text("the resident engine failed: "
                                        + traceback.format_exc(limit=3).replace("\n", " ") + "\n")
        except OSError:
            pass
    finally:
        listener.close()
        if _still_mine(state, mine):
            try:
                os.unlink(state / SOCKET)
            except OSError:
                pass
    if leave == "idle" and built:
        save(engine)
    os._exit(code)


def _still_mine(state: Path, inode: int) -> bool:
    try:
        return os.stat(state / SOCKET).st_ino == inode
    except OSError:
        return False


def _serve_one(connection: socket.socket, paths, engine, run, usable) -> int | None:
    """One caller's build: its exit code, or None when the request was not one to build here."""
    message = _receive(connection)
    if message is None or message[0] != b"q":
        return None
    try:
        request = json.loads(message[1])
        # sys.prefix: the same installed libraries (another virtual environment may hold others)
        same_code = (request["code"] == code_fingerprint() and request["python"] == sys.version
                     and request["prefix"] == sys.prefix)
        env, argv, cwd, root = dict(request["env"]), list(request["argv"]), request["cwd"], request["root"]
    except (ValueError, KeyError, TypeError):
        return None
    with _callers_settings(env):
        if not (same_code and root == str(paths.root) and usable() and idle_seconds() > 0):
            _reply(connection, b"a", {"ok": False})
            return None if same_code else 1   # another newsdigest is in use: this one is of no more use
        _reply(connection, b"a", {"ok": True})
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Relay(connection, b"o"), _Relay(connection, b"e")
        try:
            os.chdir(cwd)
            code = run(argv, engine)
        except BaseException:   # noqa: BLE001 - as the calling process would: the trace, exit 1
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout, sys.stderr = streams
            os.chdir(paths.state)
    _reply(connection, b"x", {"code": code})
    return code


@contextmanager
def _callers_settings(env: dict[str, str]):
    """The environment with the caller's settings (PASSED and NEWSDIGEST_*) in place of this
    process's, for as long as its request is handled."""
    saved = dict(os.environ)
    for key in [k for k in os.environ if k in PASSED or k.startswith("NEWSDIGEST_")]:
        del os.environ[key]
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _reply(connection: socket.socket, kind: bytes, value: dict) -> None:
    try:
        _send(connection, kind, json.dumps(value).encode())
    except OSError:
        pass   # the caller is gone
