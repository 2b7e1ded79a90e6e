"""The live server: the same fake over real HTTP, for clients that do not use httpx in-process.

``requests``, ``aiohttp``, a subprocess, or the official TypeScript SDK reach it at
``server.url``. It answers through the same handlers and the same store as the
:class:`~pytest_classifierjobs.mock.ClassifierJobsMock` it serves, faults included: a job a test
adds is visible to the server's clients, and a job they create is in ``mock.jobs``.

The standard library's threaded HTTP/1.1 server does the work (a thread per connection,
keep-alive on); it binds ``127.0.0.1`` and a free port unless told otherwise. What it
guarantees:

- **Nothing runs before the request is whole and sound.** The request line, every header line
  and the body's framing are checked on the bytes received, then the body is read, before the
  fake sees the request. What is wrong gets a JSON ``{"detail": ...}`` naming it, and the
  connection closes: ``400`` for a malformed request line, header line, ``Content-Length`` or
  chunk, ``413`` for a body over :data:`MAX_BODY_BYTES`, ``501`` for a transfer coding other
  than ``chunked``, ``431`` or ``414`` for oversized heads. A client that goes away before its
  request is whole is dropped unanswered. So the store never changes for a request that the
  server refused or that was cut short.
- **Framing as RFC 9112 section 6 says.** With ``Transfer-Encoding``, the body is chunked if
  ``chunked`` is the last coding (else ``400``: its length cannot be known) and the only one
  (else ``501``, as h11, the real server's parser, refuses it too); it is decoded, extensions
  and trailers dropped. With ``Content-Length`` as well, ``Transfer-Encoding`` wins and the
  connection closes after the answer. ``Content-Length`` may repeat one value, on several lines
  or in a list; different values are a ``400``.
- **Header lines as RFC 9110 section 5 says.** Names are tokens; values may hold any byte but
  NUL, CR, LF and the other controls (a tab aside): bytes above 0x7F reach the handlers latin-1
  decoded, as Starlette decodes them, and the recorded request keeps them as sent. Obsolete
  line folding is a ``400``; so is a request target outside visible ASCII.
- **Every request that reaches the fake is answered**, unless an exception fault
  (``raise_error``) asks for a dropped connection, which is what a client sees of a network
  failure. A handler that raises (a test's score function, for one) gets the client
  ``500 {"detail": "Internal Server Error"}``; the exception is kept in
  :attr:`LiveServer.errors` and its traceback printed on stderr.
- **Both transports place a path alike**: the router gets the target's path percent-decoded,
  as uvicorn hands it to the real server's router and as httpx decodes it in-process.
- **Connections are bounded**: beyond ``max_connections`` open at once, a new connection is
  answered ``503`` at once and closed, rather than holding a thread; an idle keep-alive
  connection closes after a few seconds.
"""

from __future__ import annotations

import contextlib
import email.utils
import http
import http.server
import io
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import SplitResult, quote, unquote, urlsplit

import httpx

from .api import ApiRequest, ApiResponse, request_headers
from .mock import ClassifierJobsMock

__all__ = ["DEFAULT_MAX_CONNECTIONS", "MAX_BODY_BYTES", "LiveServer"]

#: The largest request body the server reads; a larger one is answered ``413``.
MAX_BODY_BYTES = 10 * 1024 * 1024
#: How many connections a server keeps open at once unless told otherwise.
DEFAULT_MAX_CONNECTIONS = 64
# How long an idle keep-alive connection stays open, so that stop() never waits on one.
_IDLE_SECONDS = 5.0
# How long a closing connection waits for the client to close its side (see _linger).
_LINGER_SECONDS = 2.0
# The longest request line, header line or chunk line read (as the standard library's).
_MAX_LINE = 65536
# The longest trailer section of a chunked body, in lines.
_MAX_TRAILER_LINES = 100
# FastAPI's answer to an exception no handler caught.
_INTERNAL_ERROR = {"detail": "Internal Server Error"}

# RFC 9110 5.6.2: a header name is a token. 5.5: a value is visible ASCII, obs-text (any byte
# above 0x7F), spaces and tabs; NUL, CR, LF and the other controls are refused.
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_FIELD_VALUE = re.compile(rb"[\t\x20-\x7e\x80-\xff]*")
# RFC 9112 3: method SP request-target SP HTTP-version, in visible ASCII.
_REQUEST_LINE = re.compile(rb"[\x21-\x7e]+ [\x21-\x7e]+ [\x21-\x7e]+")
# RFC 9112 7.1: chunk-size is hex digits (h11 reads up to 20 of them).
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,20}")
# What the standard library's header parser could misread: it splits lines with
# str.splitlines(), which also breaks at \x0b, \x0c, \x1c-\x1e and \x85 (a byte of many UTF-8
# characters), so a header after one of them would be lost or made up.
_UNSAFE_FOR_STDLIB = re.compile(rb"[^\t\x20-\x7e]")


class LiveServer:
    """A real HTTP server in front of a :class:`ClassifierJobsMock`.

    ``max_connections`` bounds the connections open at once (each holds a thread); a client
    beyond it is answered ``503`` at once.

    >>> import json, urllib.request
    >>> from pytest_classifierjobs import ClassifierJobsMock
    >>> with LiveServer(ClassifierJobsMock(seed=1, require_auth=False)) as server:
    ...     with urllib.request.urlopen(f"{server.url}/v1/fine_tuning/jobs") as answer:
    ...         json.load(answer)["total"]
    0
    """

    def __init__(
        self,
        mock: ClassifierJobsMock,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise TypeError(f"max_connections must be an int, not {max_connections!r}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be 1 or more, not {max_connections}")
        #: The fake this server answers for.
        self.mock = mock
        server_class = _Server6 if ":" in host else _Server
        self._httpd = server_class((host, port), _Handler)
        self._httpd.mock = mock
        self._httpd.max_connections = max_connections
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

    @property
    def max_connections(self) -> int:
        """How many connections the server keeps open at once."""
        return self._httpd.max_connections

    @property
    def errors(self) -> list[Exception]:
        """The exceptions the fake raised while answering, oldest first.

        Each client got a ``500``; in-process, the exception would have reached the caller.
        """
        with self._httpd.errors_lock:
            return list(self._httpd.errors)

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


# --- the server: connections ---------------------------------------------------------------------


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    #: ``host:port`` as a client writes it, for requests that sent no ``Host``.
    url_host = ""
    # Many clients at once (the concurrency test runs 20): a deeper accept queue than 5.
    request_queue_size = 128
    mock: ClassifierJobsMock
    max_connections = DEFAULT_MAX_CONNECTIONS

    def __init__(self, address: tuple[str, int], handler: type[_Handler]) -> None:
        # Set before binding: a failed bind calls server_close(), which reads them.
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        # Connections refused at the cap, with the moment to stop waiting for them to close.
        self._refused: dict[socket.socket, float] = {}
        self.errors: list[Exception] = []
        self.errors_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            admitted = len(self._connections) < self.max_connections
            if admitted:
                self._connections.add(request)
        if not admitted:
            self._refuse(request)
            return
        super().process_request(request, client_address)

    def _refuse(self, request: socket.socket) -> None:
        # Answered here, in the accepting thread, so that a refused client costs no thread:
        # a few hundred bytes into a new socket's empty buffer never block.
        detail = (
            f"Too many connections: this server keeps {self.max_connections} open at once "
            "(max_connections); retry later"
        )
        if len(self._refused) >= self.max_connections:
            # A flood of clients that do not close: the oldest waits no longer, so that refused
            # connections hold no more sockets than served ones.
            oldest = next(iter(self._refused))
            del self._refused[oldest]
            oldest.close()
        self._refused[request] = time.monotonic() + _LINGER_SECONDS
        with contextlib.suppress(OSError):
            request.sendall(_raw_answer(503, {"detail": detail}))
            request.shutdown(socket.SHUT_WR)
            request.setblocking(False)
            return
        del self._refused[request]  # the client is gone already: nothing to wait for
        request.close()

    def service_actions(self) -> None:
        # Called by serve_forever between requests: the refused connections are drained here,
        # without a thread, and closed once their client has closed (see _linger for why).
        now = time.monotonic()
        for request, deadline in list(self._refused.items()):
            if _drained(request) or now > deadline:
                del self._refused[request]
                request.close()

    def shutdown_request(self, request: Any) -> None:
        _linger(request)  # still counted: the thread lingers with it
        with self._connections_lock:
            self._connections.discard(request)
        self.close_request(request)

    def close_connections(self) -> None:
        """End the connections still open (keep-alive clients), so stop() really stops."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def server_close(self) -> None:
        super().server_close()
        for request in self._refused:
            request.close()
        self._refused.clear()

    def keep_error(self, error: Exception) -> None:
        with self.errors_lock:
            self.errors.append(error)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that vanished mid-request is its own business: no traceback on stderr.
        pass


class _Server6(_Server):
    address_family = socket.AF_INET6


def _linger(sock: socket.socket) -> None:
    """Close the sending side, then read and drop what the client still sends until it closes.

    Closing a socket with unread bytes in it (the rest of a refused request, a pipelined one)
    makes the kernel reset the connection, and a reset can destroy the answer in the client's
    buffer before the client reads it: the "lingering close" of RFC 9112 9.6.
    """
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(_LINGER_SECONDS)
        deadline = time.monotonic() + _LINGER_SECONDS
        while sock.recv(65536) and time.monotonic() < deadline:
            pass


def _drained(sock: socket.socket) -> bool:
    """Whether a non-blocking socket's client has closed, reading what it sent meanwhile."""
    try:
        while sock.recv(65536):
            pass
    except BlockingIOError:
        return False  # open, and nothing more to read for now
    except OSError:
        return True  # reset: nothing left to protect
    return True


def _raw_answer(status_code: int, body: Any) -> bytes:
    """A whole ``Connection: close`` answer, for a socket that has no handler."""
    content, headers = ApiResponse(status_code=status_code, body=body).wire()
    return _answer_bytes(
        status_code, content, {**headers, "Content-Length": str(len(content))}, close=True
    )


def _answer_bytes(
    status_code: int, content: bytes, headers: Mapping[str, str], *, close: bool
) -> bytes:
    """A whole answer as it goes on the wire: status line, headers, then ``content``."""
    try:
        phrase = http.HTTPStatus(status_code).phrase
    except ValueError:
        phrase = ""  # a status a fault made up: the line has no reason phrase (RFC 9112 4)
    lines = [
        f"HTTP/1.1 {status_code} {phrase}",
        f"Server: {_Handler.server_version}",
        f"Date: {email.utils.formatdate(usegmt=True)}",
        *(f"{name}: {value}" for name, value in headers.items()),
        *(["Connection: close"] if close else []),
    ]
    return "\r\n".join([*lines, "", ""]).encode("latin-1") + content


# --- the handler: one request ------------------------------------------------------------------


class _Refused(Exception):
    """A request the server answers itself, with ``status`` and ``detail``, then closes."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _ClientGone(Exception):
    """The client closed its side before the request was whole: nothing to answer."""


class _HeaderLines:
    """The handler's ``rfile`` while the standard library reads the header block.

    Keeps each line as received, for the server's own checks, and hands the standard library a
    copy with every byte it could misread (see ``_UNSAFE_FOR_STDLIB``) masked, so that its
    decisions (``Connection``, ``Expect``) rest on the same lines as the server's.
    """

    def __init__(self, rfile: io.BufferedIOBase) -> None:
        self._rfile = rfile
        self.lines: list[bytes] = []

    def readline(self, limit: int = -1) -> bytes:
        line = self._rfile.readline(limit)
        self.lines.append(line)
        content, ending = _line_ending(line)
        return _UNSAFE_FOR_STDLIB.sub(b"?", content) + ending


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pytest-classifierjobs"
    timeout = _IDLE_SECONDS
    # TCP_NODELAY, and an answer in one write (_write): with Nagle's algorithm on, a write that
    # follows another unacknowledged one waits for the client's delayed ACK, some 40 ms per
    # answer on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server
    #: The header fields as received: ASCII names, values latin-1 decoded (Starlette's way).
    fields: list[tuple[str, str]]

    def parse_request(self) -> bool:
        if not getattr(self, "raw_requestline", b"").endswith(b"\n"):
            # The client went away in the middle of its request line: nothing to answer.
            self.close_connection = True
            return False
        rfile, header_lines = self.rfile, _HeaderLines(self.rfile)
        self.rfile = header_lines  # type: ignore[assignment]  # readline() is all it uses
        try:
            if not super().parse_request():
                return False
        finally:
            self.rfile = rfile
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 is not supported")
            return False
        if header_lines.lines[-1] not in (b"\r\n", b"\n"):
            self.close_connection = True  # the client went away inside the header block
            return False
        try:
            _check_request_line(self.raw_requestline)
            self.fields = _header_fields(header_lines.lines[:-1])
        except _Refused as refused:
            self.send_error(refused.status, refused.detail)
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
        try:
            request, recorded = self._read_request()
        except _Refused as refused:
            self.send_error(refused.status, refused.detail)
            return
        except _ClientGone:
            self.close_connection = True
            return
        self._answer(request, recorded)

    def _read_request(self) -> tuple[ApiRequest, httpx.Request]:
        """The request for the handlers and its record: all that can fail, before either runs."""
        split = _split_target(self.requestline.split(" ")[1])
        body = self._read_body()
        headers = request_headers(self.fields)
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
        return request, self._as_httpx(split, body)

    def _answer(self, request: ApiRequest, recorded: httpx.Request) -> None:
        # The mock's underscored helpers are shared with this module only: one fake, two
        # transports (respx in-process, and this server).
        mock = self.server.mock
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
        try:
            answer = mock._respond(match, fault, request)
            content, answer_headers = answer.wire()  # encoded once, for the record and the client
            response = httpx.Response(answer.status_code, content=content, headers=answer_headers)
        except Exception as error:  # whatever the fake raised, the client gets an answer
            # In-process the exception reaches the caller; here the client gets what FastAPI
            # answers to an uncaught exception, and the test can find the exception.
            self._report(error, request)
            content, answer_headers = ApiResponse(status_code=500, body=_INTERNAL_ERROR).wire()
            response = httpx.Response(500, content=content, headers=answer_headers)
        # Recorded on the operation's route, as the in-process fake records: call_count counts
        # the live server's calls too.
        mock._record_call(match.operation, recorded, response)
        self._write(response.status_code, content, answer_headers)

    def _report(self, error: Exception, request: ApiRequest) -> None:
        self.server.keep_error(error)
        print(
            f"classifierjobs: {request.method} {request.path} raised; the client got 500 "
            "Internal Server Error (LiveServer.errors keeps the exception):",
            file=sys.stderr,
        )
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)

    def _read_body(self) -> bytes:
        """The request body, read as its framing says; raises when it cannot be read."""
        length = _body_length(self.fields, self.request_version)
        if length is None:
            if _values(self.fields, "content-length"):
                # RFC 9112 6.1: Transfer-Encoding wins, and the server must close after
                # answering, as the two may frame the message differently for a proxy.
                self.close_connection = True
            return _read_chunked(self.rfile)
        body = self.rfile.read(length)
        if len(body) < length:
            raise _ClientGone
        return body

    def _as_httpx(self, split: SplitResult, body: bytes) -> httpx.Request:
        """The request for :attr:`ClassifierJobsMock.unhandled`: its URL as the client sent it.

        An absolute-form target names its own origin; otherwise the server's address stands in
        (a ``Host`` header may be anything). Header values keep their bytes.
        """
        origin = (
            f"{split.scheme}://{split.netloc}" if split.netloc else f"http://{self.server.url_host}"
        )
        path = quote(split.path, safe="/%:@!$&()*+,;=-._~")
        target = f"{path}{'?' + split.query if split.query else ''}"
        headers = [
            (name.encode("ascii"), value.encode("latin-1"))
            for name, value in self.fields
            if name.lower() != "content-length"
        ]
        try:
            return httpx.Request(self.command, f"{origin}{target}", headers=headers, content=body)
        except httpx.InvalidURL:  # a URL httpx will not take even quoted: keep the method
            return httpx.Request(self.command, f"http://{self.server.url_host}/")

    def _send(self, response: ApiResponse) -> None:
        self._write(response.status_code, *response.wire())

    def _write(self, status_code: int, content: bytes, headers: dict[str, str]) -> None:
        # One write for the whole answer (one segment for a small one) rather than the base
        # class's two, headers then body: see disable_nagle_algorithm for what a second costs.
        self.wfile.write(
            _answer_bytes(
                status_code,
                b"" if self.command == "HEAD" else content,
                {**headers, "Content-Length": str(len(content))},
                close=self.close_connection,
            )
        )


# --- reading a request: the checks, on bytes ---------------------------------------------------


def _check_request_line(raw: bytes) -> None:
    """Refuse a request line with a byte outside visible ASCII (h11's rule, RFC 9112 3)."""
    line = raw.rstrip(b"\r\n")
    if not _REQUEST_LINE.fullmatch(line):
        bad = _UNSAFE_FOR_STDLIB.search(line)
        where = f"byte {line[bad.start()]:#04x} at {bad.start()}" if bad else "spacing"
        raise _Refused(400, f"Bad request line: only visible ASCII is allowed ({where})")


def _split_target(target: str) -> SplitResult:
    """A request target's parts, the path as sent (not ``self.path``).

    The standard library makes a leading ``//`` one ``/``, and ``urlsplit`` would read
    ``//v1/...`` as a host; uvicorn splits an origin-form target at its ``?``, as here.
    """
    if target.startswith("/"):
        path, _, query = target.partition("?")
        return SplitResult("", "", path, query, "")
    try:  # absolute-form (what a client writes to a proxy), or whatever the client made up
        return urlsplit(target)
    except ValueError as error:  # one urllib cannot read
        raise _Refused(400, f"Bad request target ({error})") from None


def _line_ending(line: bytes) -> tuple[bytes, bytes]:
    """A head's line and its ending: CRLF, or LF alone (which RFC 9112 2.2 lets a server take)."""
    for ending in (b"\r\n", b"\n"):
        if line.endswith(ending):
            return line[: -len(ending)], ending
    return line, b""


def _header_fields(lines: Sequence[bytes]) -> list[tuple[str, str]]:
    """The header block's fields, checked as RFC 9110 5 and RFC 9112 5 say."""
    fields = []
    for line in lines:
        content, _ = _line_ending(line)
        if content[:1] in (b" ", b"\t"):
            # RFC 9112 5.2 lets a server refuse obsolete line folding with a 400.
            raise _Refused(400, f"Bad header line {content!r}: line folding is obsolete")
        name, colon, value = content.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            # RFC 9112 5.1: no whitespace between name and colon; RFC 9110 5.6.2: a token.
            raise _Refused(
                400, f"Bad header name {name!r}: a name is a token of ASCII letters, digits "
                "and !#$%&'*+-.^_`|~"
            )  # fmt: skip
        value = value.strip(b" \t")
        if not _FIELD_VALUE.fullmatch(value):
            raise _Refused(
                400, f"Bad value of header {name.decode()!r}: NUL, CR, LF and the other "
                "control characters are not allowed"
            )  # fmt: skip
        fields.append((name.decode("ascii"), value.decode("latin-1")))
    return fields


def _values(fields: Sequence[tuple[str, str]], name: str) -> list[str]:
    """Every value of a header, in order: the lines of a list header make one list."""
    return [value for key, value in fields if key.lower() == name]


def _body_length(fields: Sequence[tuple[str, str]], version: str) -> int | None:
    """The body's length in bytes, or ``None`` for a chunked body, as RFC 9112 6.3 decides."""
    encodings = _values(fields, "transfer-encoding")
    if encodings:
        _check_chunked(encodings, version)
        return None
    lengths = _values(fields, "content-length")
    if not lengths:
        return 0
    # RFC 9110 8.6: a list of one repeated value, or the same value on several lines, may be
    # taken as that value; different values are an error.
    found = {part.strip() for value in lengths for part in value.split(",")}
    if len(found) > 1:
        raise _Refused(400, f"Conflicting Content-Length values {', '.join(sorted(found))}")
    (length,) = found
    if not (length.isascii() and length.isdigit()):
        raise _Refused(400, f"Bad Content-Length {length!r}")
    # Compared as text first: int() refuses numbers of more than 4300 digits.
    digits = length.lstrip("0")
    if len(digits) > len(str(MAX_BODY_BYTES)) or int(digits or "0") > MAX_BODY_BYTES:
        raise _Refused(413, f"Request body over {MAX_BODY_BYTES} bytes")
    return int(digits or "0")


def _check_chunked(encodings: Sequence[str], version: str) -> None:
    """Refuse a ``Transfer-Encoding`` other than ``chunked``: only that can be read."""
    codings = [coding.strip().lower() for value in encodings for coding in value.split(",")]
    shown = ", ".join(encodings)
    if version == "HTTP/1.0":
        # RFC 9112 6.1: in HTTP/1.0 a Transfer-Encoding means the framing is faulty.
        raise _Refused(400, f"Transfer-Encoding {shown!r} in an HTTP/1.0 request")
    if codings[-1] != "chunked" or "chunked" in codings[:-1]:
        # RFC 9112 6.3: unless chunked is the last coding (and applied once), the body's
        # length cannot be known: 400, and close.
        raise _Refused(400, f"Transfer-Encoding {shown!r} does not end with chunked once")
    if codings != ["chunked"]:
        # RFC 9112 6.1: a coding the server does not understand is a 501. h11, the real
        # server's parser, takes nothing but chunked either.
        raise _Refused(501, f"Transfer-Encoding {shown!r} is not supported: only chunked is")


def _read_chunked(rfile: io.BufferedIOBase) -> bytes:
    """A chunked body (RFC 9112 7.1), decoded; chunk extensions and trailers are dropped."""
    body = bytearray()
    while True:
        line = _read_line(rfile, "chunk size")
        size_text = line.split(b";", 1)[0].rstrip(b" \t")  # h11 allows trailing spaces
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise _Refused(400, f"Bad chunked body: chunk size {size_text!r} is not hexadecimal")
        size = int(size_text, 16)
        if len(body) + size > MAX_BODY_BYTES:
            raise _Refused(413, f"Request body over {MAX_BODY_BYTES} bytes")
        if size == 0:
            break
        data = rfile.read(size)
        end = rfile.read(2)
        if len(data) < size or len(end) < 2:
            raise _ClientGone
        if end != b"\r\n":
            raise _Refused(400, f"Bad chunked body: CRLF expected after {size} bytes of data")
        body += data
    for _ in range(_MAX_TRAILER_LINES):
        if _read_line(rfile, "trailer") == b"":
            return bytes(body)
    raise _Refused(400, f"Bad chunked body: trailer section over {_MAX_TRAILER_LINES} lines")


def _read_line(rfile: io.BufferedIOBase, what: str) -> bytes:
    """One CRLF-ended line of a chunked body, without its CRLF."""
    line = rfile.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise _Refused(400, f"Bad chunked body: {what} line over {_MAX_LINE} bytes")
    if not line.endswith(b"\n"):
        raise _ClientGone
    if not line.endswith(b"\r\n"):
        raise _Refused(400, f"Bad chunked body: {what} line ends without CR")
    return line[:-2]
