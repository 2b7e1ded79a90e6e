"""The SDK drift check (``drift.py``), against the installed mistralai: 1.x here, 2.x in tests_sdk2.

An altered model stands for an SDK that moved: the check must name the field that differs.
"""

from __future__ import annotations

import enum
import importlib.metadata
import types
import typing
from typing import Any, Literal

import attrs
import pytest

from pytest_classifierjobs import drift, models
from pytest_classifierjobs.__main__ import main

pytestmark = pytest.mark.sdk

VERSION = importlib.metadata.version("mistralai")
JOB_NAMES = drift.RESPONSE_MODELS[models.ClassifierJobOut]


def altered(
    model: type[Any], *, drop: str | None = None, add: dict[str, Any] | None = None
) -> type[Any]:
    """A copy of ``model`` without the field ``drop`` and with the fields ``add`` (name: type)."""
    hints = typing.get_type_hints(model)
    fields = {
        field.name: (hints[field.name], field.default)
        for field in attrs.fields(model)
        if field.name != drop
    }
    for name, hint in (add or {}).items():
        fields[name] = (hint, None)
    made = attrs.make_class(
        model.__name__,
        {name: attrs.field(default=default, type=hint) for name, (hint, default) in fields.items()},
        kw_only=True,
    )
    made.__annotations__ = {name: hint for name, (hint, _) in fields.items()}
    return made


def test_no_drift_on_the_installed_sdk() -> None:
    differences = drift.sdk_differences()

    assert [str(one) for one in differences if one.known is None] == []
    assert drift.report(differences).splitlines()[0] == f"mistralai {VERSION}: no drift"


def test_the_known_differences_are_reported_with_their_reason() -> None:
    known = {(one.model, one.field): one.known for one in drift.sdk_differences() if one.known}

    if VERSION.startswith("1."):
        assert known == {}
    else:  # 2.x reads fields of the spec that no recorded answer has
        assert set(known) == set(drift.KNOWN_DIFFERENCES)
        report = drift.report(drift.sdk_differences())
        assert "  known: UploadFileOut.visibility: the SDK reads it; the fake does not send it" in (
            report
        )


def test_a_renamed_field_is_named_both_ways() -> None:
    renamed = altered(models.ClassifierJobOut, drop="suffix", add={"sufix": str | None})

    differences = drift.sdk_differences({renamed: JOB_NAMES})

    assert [str(one) for one in differences] == [
        "ClassifierJobOut.suffix: the SDK reads it; the fake does not send it",
        "ClassifierJobOut.sufix: the fake sends it; the SDK has no such field",
    ]
    assert drift.report(differences).splitlines() == [
        f"mistralai {VERSION}: 2 difference(s) with the fake's models",
        "  drift: ClassifierJobOut.suffix: the SDK reads it; the fake does not send it",
        "  drift: ClassifierJobOut.sufix: the fake sends it; the SDK has no such field",
    ]


def test_a_field_the_sdk_requires_and_the_fake_lacks_is_named() -> None:
    without = altered(models.ClassifierJobOut, drop="created_at")

    differences = drift.sdk_differences({without: JOB_NAMES})

    assert [str(one) for one in differences] == [
        "ClassifierJobOut.created_at: the SDK requires it; the fake does not send it"
    ]


def test_a_null_the_sdk_refuses_is_named() -> None:
    nullable = altered(models.ClassifierJobOut, drop="model", add={"model": str | None})

    differences = drift.sdk_differences({nullable: JOB_NAMES})

    assert [str(one) for one in differences] == [
        "ClassifierJobOut.model: the fake may send null; the SDK refuses null"
    ]


def test_enum_values_that_differ_are_named_both_ways() -> None:
    values = [status.value for status in models.ClassifierJobOutStatus if status.value != "STARTED"]
    Status = enum.Enum("Status", {value: value for value in [*values, "PAUSED"]})  # type: ignore[misc]
    changed = altered(models.ClassifierJobOut, drop="status", add={"status": Status})

    differences = drift.sdk_differences({changed: JOB_NAMES})

    open_enum = "accepts" if VERSION.startswith("2.") else "refuses"
    assert [str(one) for one in differences] == [
        f"ClassifierJobOut.status: the fake sends 'PAUSED', which the SDK does not list (it "
        f"{open_enum} it)",
        "ClassifierJobOut.status: the SDK lists 'STARTED', which the fake never sends",
    ]


def test_a_nested_model_is_compared_too() -> None:
    # The checkpoints of a detailed job: a field renamed two levels down is found.
    metric = altered(models.MetricOut, drop="valid_loss", add={"validation_loss": float | None})
    checkpoint = altered(models.CheckpointOut, drop="metrics", add={"metrics": metric})
    detailed = altered(
        models.ClassifierDetailedJobOut,
        drop="checkpoints",
        add={"checkpoints": types.GenericAlias(list, (checkpoint,))},
    )

    differences = drift.sdk_differences(
        {detailed: drift.RESPONSE_MODELS[models.ClassifierDetailedJobOut]}
    )

    assert [str(one) for one in differences] == [
        "MetricOut.valid_loss: the SDK reads it; the fake does not send it",
        "MetricOut.validation_loss: the fake sends it; the SDK has no such field",
    ]


def test_a_literal_counts_as_an_enum() -> None:
    kinds = altered(
        models.ClassifierJobOut,
        drop="status",
        add={"status": Literal["QUEUED", "RUNNING"]},
    )

    differences = drift.sdk_differences({kinds: JOB_NAMES})

    assert len(differences) == 8  # the eight statuses the altered model never sends
    assert all(one.field == "status" and "never sends" in one.problem for one in differences)


def test_check_sdk_prints_the_report_and_exits_0_without_drift(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["check-sdk"])

    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == f"mistralai {VERSION}: no drift"


def test_check_sdk_exits_1_on_drift(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    renamed = altered(models.ClassifierJobOut, drop="suffix", add={"sufix": str | None})
    monkeypatch.setattr(drift, "RESPONSE_MODELS", {renamed: JOB_NAMES})

    status = main(["check-sdk"])

    assert status == 1
    assert "  drift: ClassifierJobOut.sufix: the fake sends it; the SDK has no such field" in (
        capsys.readouterr().out
    )


def test_the_start_up_check_stops_the_run_on_drift(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    renamed = altered(models.ClassifierJobOut, drop="suffix", add={"sufix": str | None})
    monkeypatch.setattr(drift, "RESPONSE_MODELS", {renamed: JOB_NAMES})

    result = pytester.runpytest("--classifierjobs-check-sdk=true")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--classifierjobs-check-sdk: the fake's models and the installed SDK differ",
            "*drift: ClassifierJobOut.sufix: the fake sends it; the SDK has no such field",
        ]
    )


def test_the_start_up_check_lets_a_run_without_drift_go_on(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nclassifierjobs_check_sdk = yes\n")
    pytester.makepyfile("def test_nothing():\n    pass\n")

    pytester.runpytest().assert_outcomes(passed=1)


def test_a_model_where_the_sdk_reads_another_kind_of_value_is_named_both_ways() -> None:
    # An object where the SDK reads a status, and a string where it reads the hyperparameters.
    changed = altered(
        models.ClassifierJobOut,
        drop="status",
        add={"status": models.MetricOut},
    )
    flat = altered(models.ClassifierJobOut, drop="hyperparameters", add={"hyperparameters": str})

    assert [str(one) for one in drift.sdk_differences({changed: JOB_NAMES})] == [
        "ClassifierJobOut.status: the fake sends an object; the SDK reads none"
    ]
    assert [str(one) for one in drift.sdk_differences({flat: JOB_NAMES})] == [
        "ClassifierJobOut.hyperparameters: the SDK reads an object; the fake sends none"
    ]


def test_an_sdk_major_the_check_does_not_know_is_an_error_everywhere(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pytester: pytest.Pytester,
) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda _: "3.0.1")
    message = "mistralai 3.0.1 is installed; the check knows the models of majors 1 and 2"

    with pytest.raises(ValueError, match=message):
        drift.sdk_differences()
    assert main(["check-sdk"]) == 2
    assert capsys.readouterr().err == f"python -m pytest_classifierjobs check-sdk: {message}\n"
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest("--classifierjobs-check-sdk=true")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--classifierjobs-check-sdk: {message}"])
