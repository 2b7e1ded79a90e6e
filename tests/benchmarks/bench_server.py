"""The live server against a standard-library ``http.server`` answering the same bytes.

Both run in this process on 127.0.0.1, each with one client on a kept-alive connection
(``http.client``, the same for both). The standard-library server is the floor for a Python
HTTP server: it answers a fixed JSON body with one write and ``TCP_NODELAY``.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from measure import Figure, print_table, side_by_side

from pytest_classifierjobs import ClassifierJobsMock, LiveServer, to_wire

HEADERS = {"Authorization": "Bearer bench"}


def _standard_server(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            self.wfile.write(head + body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _getter(connection: http.client.HTTPConnection, path: str) -> Callable[[], None]:
    def get() -> None:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status

    return get


def run(rounds: int) -> list[Figure]:
    """Issue 14: one GET of a job on a kept-alive connection, live server vs the floor."""
    fake = ClassifierJobsMock(seed=0)
    job = fake.add(status="SUCCESS")
    path = f"/v1/fine_tuning/jobs/{job.id}"
    standard = _standard_server(json.dumps(to_wire(job)).encode())
    with LiveServer(fake) as live:
        live_connection = http.client.HTTPConnection(urlsplit(live.url).netloc)
        host, port = standard.server_address[:2]
        standard_connection = http.client.HTTPConnection(f"{host!s}:{port}")
        try:
            medians = side_by_side(
                {
                    "http.server, one write": _getter(standard_connection, path),
                    "LiveServer": _getter(live_connection, path),
                },
                rounds=rounds,
                calls=20,
            )
        finally:
            live_connection.close()
            standard_connection.close()
            standard.shutdown()
            standard.server_close()
    print_table(
        "One GET of a job on a kept-alive connection (lower is better)",
        medians,
        "http.server, one write",
    )
    return [
        Figure(
            "live server GET vs stdlib http.server",
            medians["LiveServer"] / medians["http.server, one write"],
            4.0,
            detail="kept-alive connection, 127.0.0.1, medians of interleaved rounds",
        )
    ]
