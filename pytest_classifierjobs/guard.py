"""Keeping requests meant for Mistral off the network: which hosts are Mistral's, and a block.

A test that reaches the real API spends money and depends on the network; one that does so by
accident (a URL spelt ``http://``, with a port, in capitals or with a trailing dot; a client
built before the fake started) passes or fails for reasons the test does not show. Two guards:

* while a fake is active, :func:`is_mistral_host` tells it which requests to keep in the process
  even when they are not under its base URL (``mock.py`` answers them ``404`` and reports them);
* :class:`MistralBlock`, the suite-wide opt-in guard (``--classifierjobs-block-mistral``), refuses
  to resolve a Mistral host name for any client in the process (httpx, requests, urllib,
  aiohttp: each asks :func:`socket.getaddrinfo` first), so nothing reaches Mistral whether a
  fake is active or not, and it keeps what was refused for the test's report.

Mistral's hosts are ``mistral.ai`` and every name under it: ``api.mistral.ai``, the SDKs' one
server (``SERVER_EU`` of mistralai 1.x and 2.x, ``ServerEu`` of the TypeScript SDK), and
``codestral.mistral.ai``, Codestral's. It imports nothing but the standard library.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

__all__ = ["MISTRAL_DOMAIN", "MistralBlock", "MistralHostBlockedError", "is_mistral_host"]

#: The domain whose every host is Mistral's.
MISTRAL_DOMAIN = "mistral.ai"


def is_mistral_host(host: str | bytes | None) -> bool:
    """Whether ``host`` names a Mistral host, in any case and with or without a trailing dot.

    >>> [is_mistral_host(h) for h in ("API.Mistral.AI.", "codestral.mistral.ai", "mistral.ai")]
    [True, True, True]
    >>> [is_mistral_host(h) for h in ("notmistral.ai", "mistral.ai.example.com", "127.0.0.1")]
    [False, False, False]
    """
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not host:
        return False
    name = host.lower().rstrip(".")
    return name == MISTRAL_DOMAIN or name.endswith(f".{MISTRAL_DOMAIN}")


class MistralHostBlockedError(socket.gaierror):
    """Raised to a client that tries to resolve a Mistral host while the block is on.

    A :class:`socket.gaierror`, what an unknown host gives: every client turns it into its usual
    connection error (``httpx.ConnectError``, ``requests.ConnectionError``, ``URLError``).
    """


class MistralBlock:
    """Refuse to resolve Mistral's hosts while active; ``attempts`` keeps each refused one.

    >>> import urllib.request
    >>> with MistralBlock() as block:
    ...     try:
    ...         urllib.request.urlopen("https://api.mistral.ai/v1/models", timeout=1)
    ...     except OSError as error:
    ...         print(type(error.reason).__name__)
    MistralHostBlockedError
    >>> block.attempts
    ['api.mistral.ai:443']

    It replaces :func:`socket.getaddrinfo` for the whole process (every thread), and puts the
    one it found back when it stops; blocks nest.
    """

    def __init__(self) -> None:
        #: The ``host:port`` of each refused resolution, oldest first.
        self.attempts: list[str] = []
        self._lock = threading.Lock()
        self._original: Callable[..., Any] | None = None

    def start(self) -> MistralBlock:
        """Start refusing (``with`` does this for you)."""
        if self._original is None:
            self._original = socket.getaddrinfo
            socket.getaddrinfo = self._getaddrinfo
        return self

    def stop(self) -> None:
        """Stop refusing; ``attempts`` stays readable."""
        if self._original is not None:
            socket.getaddrinfo = self._original
            self._original = None

    def take_attempts(self) -> list[str]:
        """The attempts since the last call, which are then forgotten."""
        with self._lock:
            taken, self.attempts = self.attempts, []
        return taken

    def _getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if is_mistral_host(host):
            shown = host.decode("ascii", "replace") if isinstance(host, bytes) else host
            with self._lock:
                self.attempts.append(f"{shown}:{port}")
            raise MistralHostBlockedError(
                socket.EAI_NONAME,
                f"classifierjobs: {shown} is a Mistral host, and --classifierjobs-block-mistral "
                "keeps every request to one off the network",
            )
        original = self._original
        assert original is not None  # installed only while started
        return original(host, port, *args, **kwargs)

    def __enter__(self) -> MistralBlock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
