"""The dev server: a loopback-only ThreadingHTTPServer, the live-reload stream, run_server()."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

from brandgen.serve.client import event_message
from brandgen.serve.overlay import STYLE
from brandgen.serve.routes import PRIVATE_PREFIX, Response, is_events, respond
from brandgen.serve.state import Builder, SiteState
from brandgen.serve.watch import Change, Watcher

HOST = "127.0.0.1"  # never anything else: the dashboard is served because this is loopback
HEARTBEAT_SECONDS = 15.0
# Every this many rebuilds the garbage collector looks at the whole heap again (in the idle
# time after a rebuild): the frozen objects' reference cycles are freed then.
FULL_COLLECT_EVERY = 16
SWITCH_SECONDS = 0.001  # how long a thread keeps the interpreter while another waits
QUIET_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class DevHTTPServer(ThreadingHTTPServer):
    """Knows the site state, and every open connection so that stop() never waits on one."""

    daemon_threads = True
    # The listen backlog: socketserver's default of 5 makes a burst of clients (a page with
    # many assets, a reload of several tabs) wait for SYN retries, i.e. 1 s stalls.
    request_queue_size = 64

    def __init__(self, port: int, state: SiteState, verbose: bool = False) -> None:
        self.state = state
        self.verbose = verbose
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._requests: list[threading.Thread] = []
        super().__init__((HOST, port), DevRequestHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        """ThreadingMixIn's, but the daemon threads are kept so server_close can join them
        (socketserver joins only non-daemon threads, and a daemon never blocks an exit)."""
        with self._open_lock:
            self._open.add(request)
            self._requests = [t for t in self._requests if t.is_alive()]
            thread = threading.Thread(target=self.process_request_thread,
                                      args=(request, client_address), daemon=True)
            self._requests.append(thread)
        thread.start()

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            threads, self._requests = self._requests, []
        for thread in threads:  # close_connections() has ended their blocking reads
            thread.join(timeout=5)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Ends idle keep-alive and pre-connected sockets whose threads block on a read."""
        with self._open_lock:
            connections = list(self._open)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], QUIET_ERRORS):
            return  # the browser went away (a reload, a closed tab): nothing to report
        super().handle_error(request, client_address)


class DevRequestHandler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    server_version = "brandgen-serve"
    timeout = 30  # a connection that never sends its request does not hold a thread forever

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        snapshot = self.server.state.snapshot
        try:
            if with_body and is_events(self.path, snapshot):
                self._stream_events()
                return
            self._send(respond(self.path, snapshot, self.headers.get("Host")), with_body)
        except QUIET_ERRORS:
            self.close_connection = True

    def _send(self, response: Response, with_body: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def _stream_events(self) -> None:
        """Server-sent events: after every rebuild, what changed since the epoch the page was
        served at (`?epoch=N`) and the overlay; heartbeats in between."""
        state = self.server.state
        query = parse_qs(urlsplit(self.path).query)
        try:
            epoch = int(query.get("epoch", ["-1"])[0])
        except ValueError:
            epoch = -1
        if query.get("instance", [""])[0] != state.snapshot.instance:
            epoch = -1  # served by another run of the server: its epochs mean nothing here
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        self.wfile.flush()
        while not state.closed:
            snapshot = state.wait_for_epoch(epoch, HEARTBEAT_SECONDS)
            if state.closed:
                return
            if snapshot is None:
                self.wfile.write(b": heartbeat\n\n")  # keeps proxies and the browser patient
            else:
                changed = state.changes_since(epoch) if epoch >= 0 else None
                epoch = snapshot.epoch
                overlay = STYLE + snapshot.overlay if snapshot.overlay else ""
                self.wfile.write(event_message(snapshot.instance, epoch, changed, overlay))
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"  {format % args}\n")


class DevServer:
    """Bind, build, serve and watch; start() and stop() so tests can run it in a thread."""

    def __init__(self, root: Path, *, port: int = 8000, drafts: bool = False,
                 base_url: str | None = None, today: dt.date | None = None,
                 verbose: bool = False, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.root = root
        self.state = SiteState()
        self.verbose = verbose
        self.drafts, self.base_url, self.today = drafts, base_url, today
        self._port = port
        self._out, self._err = out or sys.stdout, err or sys.stderr
        self.httpd: DevHTTPServer | None = None
        self.builder: Builder | None = None
        self.watcher: Watcher | None = None
        self._thread: threading.Thread | None = None
        self._rebuilds = 0
        self._switch = sys.getswitchinterval()

    @property
    def url(self) -> str:
        """The public site's address, with the configured base path."""
        assert self.httpd is not None
        return f"http://{HOST}:{self.httpd.port}{self.state.snapshot.base_path}"

    @property
    def dashboard_url(self) -> str:
        assert self.httpd is not None
        return f"http://{HOST}:{self.httpd.port}{PRIVATE_PREFIX}"

    def start(self) -> None:
        """Raises OSError when the port cannot be bound; content errors never raise."""
        self.httpd = DevHTTPServer(self._port, self.state, self.verbose)
        self._switch = sys.getswitchinterval()
        # A request thread waits for the rebuild thread to hand over the interpreter: at
        # the default 5 ms, a page asked for just after a save took ~30 ms to come back
        # (measured at 4000 posts), at 1 ms ~8 ms.
        sys.setswitchinterval(SWITCH_SECONDS)
        self.builder = Builder(self.root, self.state, self.httpd.port, self.drafts,
                               self.base_url, self.today, self.verbose, self._out, self._err)
        self.builder.rebuild()
        self._settle()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="brandgen-http",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        self.watcher = Watcher(self.root, self._on_change)
        self.watcher.start()

    def _on_change(self, changes: list[Change]) -> None:
        assert self.builder is not None
        before = self.state.snapshot.base_path
        self.builder.rebuild(changes)
        if self.state.snapshot.base_path != before:
            print(f"The base path changed: now serving {self.url}", file=self._out, flush=True)
        self._settle()

    def _settle(self) -> None:
        """Keep the collector's full passes off the next rebuild: the kept state (hundreds of
        MB at 4000 posts) is frozen, so a rebuild's collections look at its own objects
        only; every FULL_COLLECT_EVERY rebuilds, now that the server is idle, it looks at
        everything (one full pass cost 150-250 ms inside every other rebuild)."""
        self._rebuilds += 1
        if self._rebuilds % FULL_COLLECT_EVERY == 1:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Stop watching and serving; returns when every thread it started has ended."""
        if self.watcher is not None:
            self.watcher.stop()
        self.state.close()  # ends the live-reload streams
        if self.httpd is not None:
            if self._thread is not None:
                self.httpd.shutdown()
                self._thread.join()
            self.httpd.close_connections()
            self.httpd.server_close()  # joins the request threads
            sys.setswitchinterval(self._switch)
        gc.unfreeze()


def bind_error(port: int, e: OSError) -> str:
    """One line and a hint instead of a traceback."""
    where = f"{HOST}:{port}"
    if e.errno == errno.EADDRINUSE:
        return (f"error: cannot serve on {where}: the port is already in use\n  hint: stop the "
                f"other server, or choose another port with --port N (--port 0 picks a free one)")
    if e.errno == errno.EACCES:
        return (f"error: cannot serve on {where}: permission denied\n  hint: ports below 1024 "
                f"need privileges; use --port 8000, or --port 0 for any free port")
    return (f"error: cannot serve on {where}: {e.strerror or e}\n  hint: try another port "
            f"with --port N (--port 0 picks a free one)")


def run_server(root: Path, *, port: int = 8000, drafts: bool = False,
               base_url: str | None = None, today: dt.date | None = None,
               open_browser: bool = False, verbose: bool = False,
               ready: Callable[[DevServer], None] | None = None) -> int:
    """`brandgen serve`: runs until Ctrl-C; 0 then, 1 if the port cannot be bound.

    `ready` is called (from this thread) once the server answers; for tests and embedding.
    """
    if not 0 <= port <= 65535:
        print(f"error: --port must be 0-65535, got {port}", file=sys.stderr)
        return 2
    server = DevServer(root, port=port, drafts=drafts, base_url=base_url, today=today,
                       verbose=verbose)
    try:
        try:
            server.start()
        except OSError as e:
            print(bind_error(port, e), file=sys.stderr)
            return 1
        print(f"Serving {server.url} (dashboard: {server.dashboard_url}) — Ctrl-C to stop",
              flush=True)
        if open_browser:
            webbrowser.open(server.url)
        if ready is not None:
            ready(server)
        stopped = threading.Event()
        while not stopped.wait(0.2):  # short waits: Ctrl-C is handled between them
            pass
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server.stop()
    return 0
