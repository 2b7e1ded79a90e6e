import subprocess
import sys

import pytest

import pytest_classifierjobs
from pytest_classifierjobs import lifecycle, mock, models, statuses, wire


def printed_by(code: str) -> list[str]:
    """The lines ``code`` prints in a fresh interpreter (nothing imported before it)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def test_all_is_sorted_and_every_name_resolves() -> None:
    names = pytest_classifierjobs.__all__
    # isort's order, which ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in names:
        assert getattr(pytest_classifierjobs, name) is not None
    assert set(names) <= set(dir(pytest_classifierjobs))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(
        AttributeError, match="module 'pytest_classifierjobs' has no attribute 'Nope'"
    ):
        pytest_classifierjobs.Nope  # noqa: B018


def test_importing_the_package_loads_each_name_with_its_module_on_first_access() -> None:
    # A fresh interpreter: pytest imports the package at start-up (through the plugin), and a
    # suite that never touches the fake must not pay for the models, the factories or the fake.
    code = (
        "import sys, pytest_classifierjobs as p\n"
        "heavy = {'attr', 'attrs', 'polyfactory', 'faker', 'cattrs', 'respx', 'httpx'}\n"
        "def show():\n"
        "    loaded = [n for n in p.__all__ if n in dir(p)]\n"
        "    print(sorted(heavy & set(sys.modules)), loaded)\n"
        "show()\n"
        "from pytest_classifierjobs import ClassifierJobOutStatus\n"
        "show()\n"
        "p.ClassifierJobOut\n"
        "show()\n"
        "p.ClassifierJobOutFactory\n"
        "show()\n"
    )
    assert printed_by(code) == [
        "[] []",
        "[] ['ClassifierJobOutStatus']",
        "['attr', 'attrs'] ['ClassifierJobOut', 'ClassifierJobOutStatus']",
        "['attr', 'attrs', 'faker', 'polyfactory'] "
        "['ClassifierJobOut', 'ClassifierJobOutFactory', 'ClassifierJobOutStatus']",
    ]


def test_a_fake_that_adds_and_serves_jobs_loads_neither_polyfactory_nor_faker() -> None:
    # Their import costs a run more than its first test: the fake draws its jobs without them
    # (drawing.py), and they load when a test asks for a factory.
    code = (
        "import sys, httpx\n"
        "from pytest_classifierjobs import ClassifierJobsMock\n"
        "def show():\n"
        "    print(sorted({'polyfactory', 'faker'} & set(sys.modules)))\n"
        "mock = ClassifierJobsMock(seed=1)\n"
        "with mock:\n"
        "    job = mock.add(status='SUCCESS')\n"
        "    mock.add_many(20)\n"
        "    mock.set_status(job.id, 'RUNNING')\n"
        "    url = 'https://api.mistral.ai/v1/fine_tuning/jobs/' + job.id\n"
        "    httpx.get(url, headers={'Authorization': 'Bearer k'}).raise_for_status()\n"
        "show()\n"
        "mock.factory.build()\n"
        "show()\n"
    )
    assert printed_by(code) == ["[]", "['faker', 'polyfactory']"]


def test_every_name_is_its_modules_own_object() -> None:
    code = (
        "import importlib, pytest_classifierjobs as p\n"
        "from pytest_classifierjobs import *\n"
        "names = [n for n in p.__all__ if globals()[n] is not getattr(p, n)]\n"
        "print(names, sorted(set(p.__all__) - set(dir(p))))\n"
    )
    assert printed_by(code) == ["[] []"]
    # The one status enum, wherever it is imported from.
    assert (
        pytest_classifierjobs.ClassifierJobOutStatus
        is models.ClassifierJobOutStatus
        is models.jobs.ClassifierJobOutStatus
        is statuses.ClassifierJobOutStatus
    )
    assert pytest_classifierjobs.ClassifierJobsMock is mock.ClassifierJobsMock
    assert pytest_classifierjobs.STATUS_GROUPS is lifecycle.STATUS_GROUPS
    assert pytest_classifierjobs.to_wire is wire.to_wire
