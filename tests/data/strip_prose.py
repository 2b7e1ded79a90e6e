"""Strip an OpenAPI document's prose, keeping everything that validation and generators read.

Usage: ``python tests/data/strip_prose.py SOURCE.json DESTINATION.json``

Removed wherever they are keywords: ``description`` (but a Response Object's, which OpenAPI 3.1
requires), ``summary``, ``example`` and ``examples``. Kept: every other keyword (types, formats,
bounds, ``default``, ``const``, ``enum``, ``title``, ``required``, discriminators, ``$ref``),
``operationId`` and ``tags``, and every name the spec's authors chose, so a property that is
called ``description`` stays. The output is indented JSON with the keys in the source's order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PROSE = frozenset({"description", "summary", "example", "examples"})
# Objects whose keys are names (a property, a path, a status code), not keywords.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "schemas",
        "paths",
        "responses",
        "content",
        "headers",
        "encoding",
        "mapping",
        "securitySchemes",
    }
)
# Keywords whose value is data, copied as it is even if it holds a key called "description".
VALUES = frozenset({"default", "const", "enum"})


def strip(document: Any, *, is_response: bool = False) -> Any:
    """``document`` without its prose; the argument is not changed."""
    if isinstance(document, list):
        return [strip(item) for item in document]
    if not isinstance(document, dict):
        return document
    kept: dict[str, Any] = {}
    for key, value in document.items():
        if key in PROSE and not (key == "description" and is_response):
            continue
        if key in VALUES:
            kept[key] = value
        elif key in NAME_MAPS and isinstance(value, dict):
            kept[key] = {
                name: strip(item, is_response=key == "responses") for name, item in value.items()
            }
        else:
            kept[key] = strip(value)
    return kept


def main(argv: list[str]) -> int:
    """Write the stripped copy of ``argv[0]`` to ``argv[1]``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, destination = map(Path, argv)
    document = json.loads(source.read_text(encoding="utf-8"))
    text = json.dumps(strip(document), indent=2, ensure_ascii=False) + "\n"
    destination.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
