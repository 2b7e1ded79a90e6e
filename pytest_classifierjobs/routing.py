"""Which operation a request is, decided as the real server's router decides it.

The real API is a FastAPI application, so Starlette's router places its requests (sources:
Starlette's ``routing.py``, FastAPI's ``APIRoute``; checked by the differential test). That
router:

* matches the *decoded* path (uvicorn percent-decodes the request target, so ``a%2Fb`` is
  ``a/b``) against each route's template, in the order the routes were declared; a ``{name}``
  is one segment, and, Python's ``$`` being what it is, one final newline is tolerated;
* lets the first route whose path and method match answer;
* else answers ``405 {"detail": "Method Not Allowed"}`` with ``Allow`` naming the method of the
  first route whose path matched (a FastAPI route has one method, and unlike Starlette's own
  routes it does not add ``HEAD`` to ``GET``: a ``HEAD`` is a ``405`` too);
* else, when the path with its trailing ``/`` removed (or one added) would match a route,
  answers ``307`` with ``location`` set to that URL;
* else answers ``404 {"detail": "Not Found"}``.

Nothing here knows the resources: each API module declares its routes in a :class:`Route` table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

import attrs

__all__ = ["MethodNotAllowed", "Redirect", "Route", "RouteMatch", "Router", "redirect_location"]

_PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def _compile(template: str) -> re.Pattern[str]:
    """Starlette's regex of a path template: each ``{name}`` is ``[^/]+``, the rest literal."""
    pattern, index = "^", 0
    for found in _PARAM.finditer(template):
        pattern += re.escape(template[index : found.start()]) + f"(?P<{found[1]}>[^/]+)"
        index = found.end()
    return re.compile(pattern + re.escape(template[index:]) + "$")


@attrs.frozen
class Route:
    """An operation's method, path template (``/v1/fine_tuning/jobs/{job_id}``) and name."""

    method: str
    template: str
    operation: str
    regex: re.Pattern[str] = attrs.field(
        init=False, default=attrs.Factory(lambda self: _compile(self.template), takes_self=True)
    )


@attrs.frozen
class RouteMatch:
    """The request is ``operation``, with these path parameters (decoded)."""

    operation: str
    params: Mapping[str, str]


@attrs.frozen
class MethodNotAllowed:
    """The path is a route's, the method is not: ``405`` with this ``Allow``."""

    allow: str


@attrs.frozen
class Redirect:
    """The path differs from a route's by a trailing ``/``: ``307`` to ``path``."""

    path: str


class Router:
    """Places requests on a table of :class:`Route`, in the table's order (module docstring).

    >>> router = Router([Route("GET", "/v1/things/{thing_id}", "get")])
    >>> router.resolve("GET", "/v1/things/a")
    RouteMatch(operation='get', params={'thing_id': 'a'})
    >>> router.resolve("POST", "/v1/things/a"), router.resolve("GET", "/v1/things/a/")
    (MethodNotAllowed(allow='GET'), Redirect(path='/v1/things/a'))
    >>> router.resolve("GET", "/v1/other") is None
    True
    """

    def __init__(self, routes: Sequence[Route]) -> None:
        #: The routes, in the order they are tried.
        self.routes = tuple(routes)

    def resolve(self, method: str, path: str) -> RouteMatch | MethodNotAllowed | Redirect | None:
        """Where ``method`` on the decoded ``path`` goes; ``None`` for ``404``."""
        partial: Route | None = None
        for route in self.routes:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method:
                return RouteMatch(route.operation, found.groupdict())
            if partial is None:
                partial = route
        if partial is not None:
            return MethodNotAllowed(partial.method)
        if path != "/":
            other = path.rstrip("/") if path.endswith("/") else f"{path}/"
            if any(route.regex.match(other) for route in self.routes):
                return Redirect(other)
        return None


def redirect_location(root: str, path: str, query: str) -> str:
    """The ``location`` Starlette writes: ``root`` (scheme, host, prefix), ``path``, ``query``."""
    path = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    url = f"{root}{path}" + (f"?{query}" if query else "")
    return quote(url, safe=":/%#?=@[]!$&'()*+,;")
