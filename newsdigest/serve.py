"""Serve mode: the built site on 127.0.0.1, rebuilt on changes, with live reload.

Pages are served from whatever generation `site` points at when the request arrives, so a
rebuild never serves a half-written site. HTML responses get a small script (in serve mode
only, never in the built files) that listens on a server-sent-events stream: it reloads the
page after a build that changed the site, and shows the error as an overlay after a failed one.
"""
from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Paths, load_config
from .errors import NewsdigestError
from .watch import BuildEvents, watch

EVENTS_PATH = "/__newsdigest/events"
KEEPALIVE = 10.0

# The overlay is built with textContent: an error message is never parsed as HTML.
LIVE_RELOAD = b"""<script>
(function () {
  var source = new EventSource("/__newsdigest/events");
  var version = null;
  function overlay(message) {
    var box = document.getElementById("newsdigest-error");
    if (!message) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "newsdigest-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;" +
        "background:#3b0d0d;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(box);
    }
    box.textContent = "Build failed; showing the last good site.\\n\\n" + message;
  }
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (version !== null && state.version !== version) { location.reload(); return; }
    version = state.version;
    overlay(state.error);
  });
})();
</script>
"""


class BuildState:
    """The latest build outcome, and a condition to wait on for the next one."""

    def __init__(self):
        self.version = 0
        self.error: str | None = None
        self.changed = threading.Condition()
        self.closing = False

    def success(self, result=None) -> None:
        """A new version (one reload of every open page) only when the build changed the site: a
        build that wrote and removed nothing only clears an error shown."""
        with self.changed:
            if result is None or result.stats.written or result.stats.removed:
                self.version += 1
            self.error = None
            self.changed.notify_all()

    def failure(self, message: str) -> None:
        with self.changed:
            self.error = message
            self.changed.notify_all()

    def snapshot(self) -> tuple[int, str | None]:
        with self.changed:
            return self.version, self.error

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()


def make_handler(paths: Paths, state: BuildState, base_path: str):
    class Handler(BaseHTTPRequestHandler):
        server_version = "newsdigest"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - keep the console for build messages
            pass

        def do_HEAD(self):
            self._serve(head=True)

        def do_GET(self):
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
            else:
                self._serve(head=False)

        def _events(self):
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = None
            try:
                while True:
                    with state.changed:
                        if state.closing:
                            return
                        current = (state.version, state.error)
                        if current == seen:
                            state.changed.wait(KEEPALIVE)
                            if state.closing:
                                return
                            current = (state.version, state.error)
                    if current != seen:
                        data = json.dumps({"version": current[0], "error": current[1]})
                        self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                    else:
                        self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    seen = current
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

        def _file_for(self, url_path: str) -> Path | None:
            site = Path(os.path.realpath(paths.output))  # the current generation, per request
            if base_path != "/" and url_path.startswith(base_path):
                url_path = "/" + url_path[len(base_path):]
            clean = posixpath.normpath(unquote(url_path))
            parts = [p for p in clean.split("/") if p and p not in (".", "..")]
            target = site.joinpath(*parts) if parts else site
            try:
                if not target.resolve().is_relative_to(site):
                    return None
                if target.is_dir():
                    if not url_path.endswith("/"):
                        return target  # redirected by the caller
                    target = target / "index.html"
                return target if target.is_file() else None
            except OSError:  # a name too long for the file system, and the like: not a page
                return None

        def _serve(self, head: bool):
            url_path = urlsplit(self.path).path
            if "\0" in unquote(url_path):  # no file name holds a NUL
                print(f"serve: 400 bad request (NUL in the path) from {self.client_address[0]}", flush=True)
                self.send_error(HTTPStatus.BAD_REQUEST, explain="There is a NUL character in the path.")
                return
            target = self._file_for(url_path)
            if target is not None and target.is_dir():
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.OK
            if target is None:
                status = HTTPStatus.NOT_FOUND
                target = Path(os.path.realpath(paths.output)) / "404.html"
                if not target.is_file():
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
            try:
                body = target.read_bytes()
            except OSError:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if ctype == "text/html":
                body = body.replace(b"</body>", LIVE_RELOAD + b"</body>", 1)
            if ctype.startswith("text/") or ctype in ("application/xml", "application/json", "application/javascript"):
                ctype += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


_DISCONNECTED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class DevServer(ThreadingHTTPServer):
    daemon_threads = True
    # Every open page keeps a live-reload stream: a browser with many tabs, or a test with
    # hundreds of clients, must not find the listen queue full (Python's default is 5).
    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        """One line, never a traceback: a client that went away is routine and not shown."""
        exc = sys.exc_info()[1]
        if isinstance(exc, _DISCONNECTED):
            return
        print(f"serve: error answering {client_address[0]}: {exc.__class__.__name__}: {exc}", file=sys.stderr,
              flush=True)


def make_server(paths: Paths, port: int, state: BuildState) -> ThreadingHTTPServer:
    try:
        config, _ = load_config(paths)
        base_path = config.base_path
    except NewsdigestError:
        base_path = "/"
    return DevServer(("127.0.0.1", port), make_handler(paths, state, base_path))


def run(paths: Paths, port: int) -> int:
    """`build.py serve`: build, serve on 127.0.0.1 and rebuild on every change until Ctrl-C."""
    return serve_and_watch(paths, port, threading.Event())


def serve_and_watch(paths: Paths, port: int, stop: threading.Event) -> int:
    state = BuildState()
    try:
        server = make_server(paths, port, state)
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (choose another port with --port)")
        return 1
    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    thread.start()
    print(f"serving {paths.output} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        watch(paths, stop, BuildEvents(on_success=state.success, on_failure=state.failure))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        state.close()
        server.shutdown()
        server.server_close()
    return 0
