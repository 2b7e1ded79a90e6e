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

import http.server
import socket
import threading
import time
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from .api import ApiRequest, ApiResponse, match_operation
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
        self.mock = mock
        self._httpd = _Server((host, port), _Handler)
        self._httpd.mock = mock
        self._httpd.url_host = self.url.removeprefix("http://")
        self._thread: threading.Thread | None = None

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
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"classifierjobs-server-{self.url}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (or Ctrl-C, which the caller handles)."""
        self._httpd.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
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

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that vanished mid-request is its own business: no traceback on stderr.
        pass


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pytest-classifierjobs"
    sys_version = ""
    timeout = _IDLE_SECONDS
    server: _Server

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

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        mock = self.server.mock
        split = urlsplit(self.path)
        path = unquote(split.path)
        request = ApiRequest(
            method=self.command,
            path=path,
            query=httpx.QueryParams(split.query).multi_items(),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        matched = match_operation(self.command, path)
        if matched is None:
            mock.record_unhandled(httpx.Request(self.command, f"{_origin(self)}{self.path}"))
            self._send(mock.api.handle(request))
            return
        operation, job_id = matched
        fault = mock.faults.take(operation)
        if fault is None:
            self._send(mock.api.answer(operation, request, job_id))
            return
        if fault.delay:
            time.sleep(fault.delay)
        if fault.exception is not None:  # a network failure: no answer at all
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(mock.fault_response(fault, operation, request, job_id))

    def _read_body(self) -> bytes | None:
        """The request body, or ``None`` when it was refused (and answered)."""
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            self.send_error(411, "Length Required")
            return None
        length_header = self.headers.get("content-length", "0")
        try:
            length = int(length_header)
        except ValueError:
            self.send_error(400, f"Bad Content-Length {length_header!r}")
            return None
        if length < 0:
            self.send_error(400, f"Bad Content-Length {length_header!r}")
            return None
        if length > MAX_BODY_BYTES:
            self.send_error(413, f"Request body over {MAX_BODY_BYTES} bytes")
            return None
        return self.rfile.read(length)

    def _send(self, response: ApiResponse) -> None:
        content = response.content
        self.send_response(response.status_code)
        headers = {name.lower(): value for name, value in response.headers.items()}
        if content and "content-type" not in headers:
            self.send_header("Content-Type", "application/json")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(content)


def _origin(handler: _Handler) -> str:
    return f"http://{handler.headers.get('host') or handler.server.url_host}"
