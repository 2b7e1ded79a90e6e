import subprocess
import sys

import pytest

import pytest_classifierjobs


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


def test_importing_the_package_leaves_factories_and_cattrs_unloaded() -> None:
    code = (
        "import sys, pytest_classifierjobs as p\n"
        "heavy = {'polyfactory', 'faker', 'cattrs'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "p.ClassifierJobOutFactory\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["[]", "['faker', 'polyfactory']"]
