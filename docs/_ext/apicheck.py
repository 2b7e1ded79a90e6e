"""Make the docs build fail on a public name without a docstring or left out of the reference.

Sphinx's autodoc happily renders a public function with an empty docstring (``undoc-members``
only decides whether it is listed), so a name can lose its documentation without a warning.
This extension turns that into one, which ``sphinx-build -W`` turns into a failed build:

* every object autodoc renders whose own name is public (no leading ``_``) must have a
  docstring (``#:`` comments count for attributes);
* every name in ``pytest_classifierjobs.__all__`` must be documented under its public
  path, ``pytest_classifierjobs.<name>``, somewhere in the docs.

It also lets cross-references name an object by the module that defines it
(``pytest_classifierjobs.lifecycle.Progress``) when the docs document it under the package
(``pytest_classifierjobs.Progress``): the same object, re-exported. Any other unresolved
reference stays a warning (``-n``), hence an error.
"""

from __future__ import annotations

import argparse
import builtins
import enum
import importlib
import inspect
import pkgutil
import re
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "pytest_classifierjobs"


def _public(name: str) -> bool:
    return not name.rpartition(".")[2].startswith("_")


def _defining_comment(name: str, obj: Any) -> list[str]:
    """The ``#:`` comment of a re-exported constant, read in the module that defines it.

    autodoc reads ``#:`` comments in the module it documents the name under, the package's
    ``__init__.py``, which only imports the constant.
    """
    short = name.rpartition(".")[2]
    package = importlib.import_module(PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        if getattr(module, short, None) is obj:
            comment = ModuleAnalyzer.for_module(module.__name__).find_attr_docs().get(("", short))
            if comment:
                return list(comment)
    return []


def check_docstring(
    _app: Sphinx, what: str, name: str, obj: Any, _options: Any, lines: list[str]
) -> None:
    if not name.startswith(PACKAGE) or not _public(name):
        return
    if isinstance(obj, enum.Enum):
        return  # an enum member is its value; the enum's docstring documents the members
    if what == "data":
        own = _defining_comment(name, obj)
        type_doc = inspect.cleandoc(type(obj).__doc__ or "")
        if own:
            lines[:] = own
        elif type_doc and "\n".join(lines).strip() == type_doc:
            lines[:] = []  # autodoc fell back to the docstring of the value's type (frozenset's)
    if not any(line.strip() for line in lines):
        logger.warning(
            "%s %s is public but has no docstring", what, name, type="apicheck", subtype="nodoc"
        )


def check_all_documented(_app: Sphinx, env: BuildEnvironment) -> None:
    package = importlib.import_module(PACKAGE)
    documented = set(env.get_domain("py").objects)  # type: ignore[attr-defined]
    for name in package.__all__:
        if f"{PACKAGE}.{name}" not in documented:
            logger.warning(
                "%s.%s is in __all__ but not documented in the reference",
                PACKAGE,
                name,
                type="apicheck",
                subtype="undocumented",
            )


def resolve_reexported(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve ``pytest_classifierjobs.<module>.<Name>`` to ``pytest_classifierjobs.<Name>``."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    parts = target.split(".")
    if len(parts) < 3 or parts[0] != PACKAGE:
        return None
    package = importlib.import_module(PACKAGE)
    # The public name is the one after the module (Name or Name.attribute).
    for cut in range(2, len(parts)):
        if parts[cut] in package.__all__:
            public = ".".join([PACKAGE, *parts[cut:]])
            domain = env.get_domain("py")
            new = node.deepcopy()
            new["reftarget"] = public
            return domain.resolve_xref(  # type: ignore[no-any-return]
                env, node["refdoc"], app.builder, node["reftype"], public, new, contnode
            )
    return None


def unlink_builtins(_app: Sphinx, doctree: nodes.document) -> None:
    """Show builtins in signatures (``type``, ``object``, ``int``) as plain text.

    Without intersphinx they cannot link to Python's docs, and Sphinx's fuzzy search would link
    ``type`` to the first attribute of that name it finds (``WandbIntegration.type``).
    """
    for xref in list(doctree.findall(pending_xref)):
        if xref.get("refdomain") == "py" and hasattr(builtins, xref.get("reftarget", "")):
            xref.replace_self(xref.children)


def _plugin_names() -> list[str]:
    """Every fixture, marker option, command-line option and ini key of the plugin."""
    from pytest_classifierjobs import plugin, settings  # noqa: PLC0415

    fixtures = re.findall(r'@pytest\.fixture\(name="(\w+)"\)', inspect.getsource(plugin))
    options = [f"--classifierjobs-{name.replace('_', '-')}" for name in settings.RUN_OPTIONS]
    ini_keys = [f"classifierjobs_{name}" for name in settings.RUN_OPTIONS]
    return [*fixtures, *settings.FIXTURE_OPTIONS, *options, *ini_keys]


def _cli_options() -> list[str]:
    """Every option of every subcommand of ``python -m pytest_classifierjobs``."""
    from pytest_classifierjobs import __main__ as cli  # noqa: PLC0415

    commands = next(
        action
        for action in cli._parser()._actions  # argparse has no public way
        if isinstance(action, argparse._SubParsersAction)
    )
    names = list(commands.choices)
    for parser in commands.choices.values():
        names += [o for a in parser._actions for o in a.option_strings if o.startswith("--")]
    return [name for name in names if name != "--help"]


# The reference pages that must name every option of one kind (so a new option is documented).
_MUST_NAME = {"reference/plugin": _plugin_names, "reference/cli": _cli_options}


def check_reference_tables(_app: Sphinx, docname: str, source: list[str]) -> None:
    names = _MUST_NAME.get(docname)
    if names is None:
        return
    for name in names():
        if f"`{name}" not in source[0]:
            logger.warning(
                "%s does not document %s", docname, name, type="apicheck", subtype="reference"
            )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", check_reference_tables)
    app.connect("doctree-read", unlink_builtins)
    app.connect("autodoc-process-docstring", check_docstring)
    app.connect("env-check-consistency", check_all_documented)
    app.connect("missing-reference", resolve_reexported)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
