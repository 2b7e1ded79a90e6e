"""Sphinx configuration of the pytest-classifierjobs documentation.

Built by ``python -m nox -s docs``: ``sphinx-build -W -n --keep-going``, so any warning (a
broken cross-reference, a public name without a docstring, an example file that moved) fails
the build. The pages are MyST markdown; the code they show is included from ``docs/examples/``,
which pytest runs.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "pytest-classifierjobs"
author = "pytest-classifierjobs developers"
copyright = "pytest-classifierjobs developers"
release = importlib.metadata.version("pytest-classifierjobs")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "apicheck",
    "statustable",
    "lifecyclegraph",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "_ext"]

# No intersphinx: it downloads the other projects' inventories, and the build must work offline.
# Names from other libraries in signatures (httpx.Request, respx.Route, typing) cannot resolve
# then; everything of this package's must.
nitpick_ignore_regex = [
    ("py:.*", r"(httpx|respx|polyfactory|faker|attrs|cattrs|pytest|_pytest|hypothesis)(\..*)?"),
    ("py:.*", r"(typing|collections\.abc|types|random|enum|threading|datetime)\..*"),
    ("py:class", r"(Any|Literal|Mapping|Iterable|Iterator|Sequence|TracebackType|Random)"),
    # Type variables of generic signatures (``build() -> T``): not objects to link to.
    ("py:class", r"pytest_classifierjobs\.\w+\._?T"),
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {
    "members": True,
    # Listed, so that apicheck sees them and fails the build on a missing docstring.
    "undoc-members": True,
    "member-order": "bysource",
}
autodoc_typehints = "signature"
# The fake imports the factories (polyfactory, Faker) only when a test asks for one, so its
# signatures name ClassifierDetailedJobOutFactory under TYPE_CHECKING only. autodoc evaluates a
# signature in its module's namespace and, missing one name, would leave every name in it
# unresolved: the docs build puts the class there.
import pytest_classifierjobs.factories  # noqa: E402
import pytest_classifierjobs.mock  # noqa: E402

pytest_classifierjobs.mock.ClassifierDetailedJobOutFactory = (  # type: ignore[attr-defined]
    pytest_classifierjobs.factories.ClassifierDetailedJobOutFactory
)
autodoc_preserve_defaults = True
autoclass_content = "class"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True

html_theme = "furo"
html_title = f"pytest-classifierjobs {release}"
html_show_sourcelink = False
