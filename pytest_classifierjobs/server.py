"""The live server: the same fake over real HTTP, for clients that do not use httpx in-process.

``requests``, ``aiohttp``, a subprocess, or the official TypeScript SDK reach it at
``server.url``. It answers through the same handlers and the same store as the
:class:`~pytest_classifierjobs.mock.ClassifierJobsMock` it serves, faults included: a job a test
adds is visible to the server's clients, and a job they create is in ``mock.jobs``.

The standard library's threaded HTTP/1.1 server does the work (a thread per connection,
keep-alive on); it binds ``127.0.0.1`` and a free port unless told otherwise. What a client does
wrong costs it its own request only: a request line or header that cannot be parsed gets
``400``, a body over :data:`MAX_BODY_BYTES` gets ``413``, an unknown path ``404``, all with a
JSON ``detail``; a client that goes away mid-request is dropped. An exception fault
(``raise_error``) closes the connection without an answer, which is what a client sees of a
network failure.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from types import TracebackType
from typing import Any
from urllib.parse import SplitResult, quote, unquote, urlsplit

import httpx

from .api import ApiRequest, ApiResponse, request_headers
from .mock import ClassifierJobsMock

__all__ = ["MAX_BODY_BYTES", "LiveServer"]

#: The largest request body the server reads; a larger one is answered ``413``.
MAX_BODY_BYTES = 10 * 1024 * 1024
# How long an idle keep-alive connection stays open, so that stop() never waits on one.
_IDLE_SECONDS = 5.0


class LiveServer:
    """A real HTTP server in front of a :class:`ClassifierJobsMock`.

    >>> import json, urllib.request
    >>> from pytest_classifierjobs import ClassifierJobsMock
    >>> with LiveServer(ClassifierJobsMock(seed=1, require_auth=False)) as server:
    ...     with urllib.request.urlopen(f"{server.url}/v1/fine_tuning/jobs") as answer:
    ...         json.load(answer)["total"]
    0
    """

    def __init__(self, mock: ClassifierJobsMock, *, host: str = "127.0.0.1", port: int = 0) -> None:
        #: The fake this server answers for.
        self.mock = mock
        server_class = _Server6 if ":" in host else _Server
        self._httpd = server_class((host, port), _Handler)
        self._httpd.mock = mock
        self._httpd.url_host = self.url.removeprefix("http://")
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()

    @property
    def url(self) -> str:
        """Where the server listens, e.g. ``http://127.0.0.1:54321``: the SDK's ``server_url``."""
        host, port = self._httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}"

    def start(self) -> LiveServer:
        """Serve in a background thread (``with`` does this for you)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._serve, name=f"classifierjobs-server-{self.url}", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (or Ctrl-C, which the caller handles)."""
        self._serve()

    def _serve(self) -> None:
        self._serving.set()
        self._httpd.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop serving, end the open connections and close the socket."""
        if self._serving.is_set():
            # Returns at once when the loop has ended already (Ctrl-C in serve_forever).
            self._httpd.shutdown()
            self._serving.clear()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._httpd.close_connections()
        self._httpd.server_close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    #: ``host:port`` as a client writes it, for requests that sent no ``Host``.
    url_host = ""
    # Many clients at once (the concurrency test runs 20): a deeper accept queue than 5.
    request_queue_size = 128
    mock: ClassifierJobsMock

    def server_activate(self) -> None:
        super().server_activate()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End the connections still open (keep-alive clients), so stop() really stops."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that vanished mid-request is its own business: no traceback on stderr.
        pass


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pytest-classifierjobs"
    sys_version = ""
    timeout = _IDLE_SECONDS
    # Headers and body go out in two writes: with Nagle's algorithm on, the second one waits
    # for the client's delayed ACK, some 40 ms per answer on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    def parse_request(self) -> bool:
        if not getattr(self, "raw_requestline", b"").endswith(b"\n"):
            # The client went away in the middle of its request line: nothing to answer.
            self.close_connection = True
            return False
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 is not supported")
            return False
        return True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a test suite's output is not the place for an access log

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer the errors the base class finds (400, 414, 431, 501...) in JSON, and close."""
        del explain  # the HTML page's text; the JSON detail says enough
        # An unreadable request line leaves the version at HTTP/0.9, which has no status line.
        self.request_version = self.protocol_version
        detail = message or self.responses.get(code, ("Error",))[0]
        self.close_connection = True
        self._send(ApiResponse(status_code=code, body={"detail": detail}))

    def __getattr__(self, name: str) -> Any:
        # The base class answers 501 to a method it has no do_<METHOD> for; the real server's
        # router places any method (405 where the path is known, 404 elsewhere), and so does
        # this one.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        mock = self.server.mock
        try:
            split = urlsplit(self.path)
        except ValueError as error:  # an absolute-form target urllib cannot read
            self.send_error(400, f"Bad request target ({error})")
            return
        headers = request_headers(self.headers.items())
        # The server answers at its root, whatever the mock's base URL; uvicorn hands the router
        # the percent-decoded path, as unquote() decodes it.
        request = ApiRequest(
            method=self.command,
            path=unquote(split.path),
            query=httpx.QueryParams(split.query).multi_items(),
            query_string=split.query,
            headers=headers,
            body=body,
            root=f"http://{headers.get('host') or self.server.url_host}",
        )
        # The mock's underscored helpers are shared with this module only: one fake, two
        # transports (respx in-process, and this server).
        recorded = self._as_httpx(split, body)
        call = mock._take(request, recorded)
        if isinstance(call, ApiResponse):
            self._send(call)
            return
        match, fault = call
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.exception is not None:  # a network failure: no answer
            mock._record_call(match.operation, recorded, None)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        answer = mock._respond(match, fault, request)
        content, answer_headers = answer.wire()  # encoded once, for the record and the client
        # Recorded on the operation's route, as the in-process fake records: call_count counts
        # the live server's calls too.
        mock._record_call(
            match.operation,
            recorded,
            httpx.Response(answer.status_code, content=content, headers=answer_headers),
        )
        self._write(answer.status_code, content, answer_headers)

    def _read_body(self) -> bytes | None:
        """The request body, or ``None`` when it was refused (and answered)."""
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            self.send_error(411, "Length Required")
            return None
        length_header = self.headers.get("content-length", "0").strip()
        if not length_header.isascii() or not length_header.isdigit():
            self.send_error(400, f"Bad Content-Length {length_header!r}")
            return None
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self.send_error(413, f"Request body over {MAX_BODY_BYTES} bytes")
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away before sending all of it
            self.close_connection = True
            return None
        return body

    def _as_httpx(self, split: SplitResult, body: bytes) -> httpx.Request:
        """The request for :attr:`ClassifierJobsMock.unhandled`: its URL as the client sent it.

        An absolute-form target names its own origin; otherwise the server's address stands in
        (a ``Host`` header may be anything).
        """
        origin = (
            f"{split.scheme}://{split.netloc}" if split.netloc else f"http://{self.server.url_host}"
        )
        path = quote(split.path, safe="/%:@!$&()*+,;=-._~")
        target = f"{path}{'?' + split.query if split.query else ''}"
        headers = [(k, v) for k, v in self.headers.items() if k.lower() != "content-length"]
        try:
            return httpx.Request(self.command, f"{origin}{target}", headers=headers, content=body)
        except httpx.InvalidURL:  # a URL httpx will not take even quoted: keep the method
            return httpx.Request(self.command, f"http://{self.server.url_host}/")

    def _send(self, response: ApiResponse) -> None:
        self._write(response.status_code, *response.wire())

    def _write(self, status_code: int, content: bytes, headers: dict[str, str]) -> None:
        self.send_response(status_code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)
