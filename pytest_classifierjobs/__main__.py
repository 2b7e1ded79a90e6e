"""``python -m pytest_classifierjobs``: serve the fake, print sample jobs, or check the SDK.

``serve`` runs the live server until interrupted (for a TypeScript suite, a subprocess, a
manual try with curl); ``sample`` prints coherent jobs as the API's JSON; ``check-sdk``
compares the fake's models with the installed ``mistralai`` and exits with 1 on drift
(:mod:`pytest_classifierjobs.drift`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import NoReturn

from .base_models import CLASSIFIER_BASE_MODELS
from .clock import to_seconds
from .models import ClassifierJobOutStatus
from .scores import MULTI_CLASS_SCORES
from .settings import VALIDATION_MODES
from .state.jobs import OUTCOMES, PROGRESSIONS

__all__ = ["main"]

_STATUSES = [status.value for status in ClassifierJobOutStatus]


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected 1 or more, got 0")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _time_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number above 0, got {text!r}")
    return value


def _moment(text: str) -> float:
    try:
        moment: float | str = float(text)  # Unix seconds
    except ValueError:
        moment = text  # ISO 8601
    try:
        return to_seconds(moment)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_classifierjobs",
        description="The fake Mistral fine-tuning jobs API of pytest-classifierjobs.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="{serve,sample,check-sdk}"
    )

    serve = commands.add_parser(
        "serve",
        help="serve the fake jobs API over HTTP until interrupted",
        description="Serve the fake jobs API over HTTP until interrupted (Ctrl-C).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=8000, help="port to bind; 0 picks a free one (default 8000)"
    )
    serve.add_argument("--seed", type=_seed, help="seed of every drawn value (default: random)")
    serve.add_argument(
        "--jobs",
        type=_non_negative,
        default=0,
        help="coherent jobs to store first, spread across the ten statuses (default 0)",
    )
    serve.add_argument(
        "--progression",
        choices=PROGRESSIONS,
        default="per_get",
        help="how created jobs move: one step per GET (per_get), only when advanced (manual), "
        "or with the clock, with realistic dwell times (time) (default per_get)",
    )
    serve.add_argument(
        "--time-scale",
        type=_time_scale,
        default=1.0,
        metavar="FACTOR",
        help="run the fake's clock FACTOR times faster than the wall clock, so that a client "
        "polling in real time sees a whole timeline quickly: with --progression time and 60, "
        "a minute of queueing passes in a second (default 1)",
    )
    serve.add_argument(
        "--frozen-at",
        type=_moment,
        metavar="MOMENT",
        help="stop the fake's clock at MOMENT (Unix seconds or ISO 8601, such as "
        "2025-04-16T14:45:06Z), so that every timestamp is reproducible from the seed",
    )
    serve.add_argument(
        "--outcome",
        choices=[status.value for status in OUTCOMES],
        default="SUCCESS",
        help="where created jobs end (default SUCCESS)",
    )
    auth = serve.add_mutually_exclusive_group()
    auth.add_argument(
        "--no-auth",
        action="store_true",
        help="accept requests without an 'Authorization: Bearer ...' header",
    )
    auth.add_argument(
        "--api-key",
        action="append",
        metavar="KEY",
        help="a bearer token to accept; repeat it for several (default: any token)",
    )
    serve.add_argument(
        "--validation",
        choices=VALIDATION_MODES,
        default="server",
        help="server: accept what the real server accepts; strict: refuse more (default server)",
    )
    models = serve.add_mutually_exclusive_group()
    models.add_argument(
        "--base-model",
        action="append",
        metavar="MODEL",
        help="a base model classifier jobs may fine-tune; repeat it for several "
        f"(default: {', '.join(CLASSIFIER_BASE_MODELS)})",
    )
    models.add_argument(
        "--any-base-model", action="store_true", help="accept classifier jobs of any base model"
    )
    serve.add_argument(
        "--strict-files",
        action="store_true",
        help="refuse (422) a job whose files were not uploaded to this server",
    )
    serve.add_argument(
        "--max-connections",
        type=_positive,
        default=64,
        metavar="N",
        help="connections to keep open at once; one more is answered 503 at once (default 64)",
    )
    serve.add_argument(
        "--multi-class-scores",
        choices=MULTI_CLASS_SCORES,
        default="normalized",
        help="normalized: every target's scores sum to 1, as recorded; independent: each label "
        "of a multi_class target scores on its own (default normalized)",
    )

    sample = commands.add_parser(
        "sample",
        help="print coherent jobs as the API's JSON",
        description="Print coherent jobs as the API's JSON: a list, or one object for --count 1.",
    )
    sample.add_argument(
        "--status",
        choices=_STATUSES,
        help="status of every job (default: drawn for each)",
    )
    sample.add_argument("--count", type=_positive, default=1, help="how many jobs (default 1)")
    sample.add_argument("--seed", type=_seed, help="seed: the same seed prints the same jobs")
    sample.add_argument(
        "--detailed",
        action="store_true",
        help="the detailed form (get/start/cancel) with targets, events and checkpoints",
    )
    commands.add_parser(
        "check-sdk",
        help="compare the fake's models with the installed mistralai SDK",
        description="Compare every response model of the fake with the installed mistralai "
        "SDK's (field names on the wire, required, nullable, enum values); print each "
        "difference and exit with 1 on drift.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "check-sdk":
        return _check_sdk()
    return _sample(args)


def _check_sdk() -> int:
    from .drift import report, sdk_differences  # noqa: PLC0415 - imports the SDK

    try:
        differences = sdk_differences()
    except ValueError as error:  # an SDK major the check does not know
        print(f"python -m pytest_classifierjobs check-sdk: {error}", file=sys.stderr)
        return 2
    _print(report(differences))
    return 1 if any(one.drift for one in differences) else 0


def _serve(args: argparse.Namespace) -> int:
    from .mock import ClassifierJobsMock  # noqa: PLC0415 - heavy; sample does without it
    from .server import LiveServer  # noqa: PLC0415

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    mock = ClassifierJobsMock(
        seed=seed,
        require_auth=not args.no_auth,
        api_keys=args.api_key,
        validation=args.validation,
        base_models=None if args.any_base_model else (args.base_model or CLASSIFIER_BASE_MODELS),
        progression=args.progression,
        outcome=args.outcome,
        strict_files=args.strict_files,
        multi_class_scores=args.multi_class_scores,
        time_scale=args.time_scale,
        frozen_at=args.frozen_at,
    )
    statuses = list(ClassifierJobOutStatus)
    for index in range(args.jobs):
        mock.add(status=statuses[index % len(statuses)])
    try:
        server = LiveServer(
            mock, host=args.host, port=args.port, max_connections=args.max_connections
        )
    except OSError as error:
        print(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr
        )
        return 1
    stopped = ""
    try:
        print(
            f"Serving the fake jobs API at {server.url} (seed {seed}, {args.jobs} jobs); "
            "Ctrl-C stops it.",
            flush=True,
        )
        with _stopping_on_signals():
            server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C when serving outside the main thread's handlers
        stopped = "Stopped."
    except _Stop as stop:
        stopped = "Stopped." if stop.signal is signal.SIGINT else f"Stopped ({stop.signal.name})."
    finally:
        server.stop()  # closes the open connections too
    if stopped:
        print(stopped, flush=True)
    # A stop that was asked for is a clean stop: 0, not the 143 of a process SIGTERM killed.
    return 0


class _Stop(BaseException):
    """A signal asked ``serve`` to stop.

    A ``BaseException``, as ``KeyboardInterrupt`` is: the server's loop catches every
    ``Exception`` of a request it accepts, and would swallow the signal with it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signal = signal.Signals(signum)


def _raise_stop(signum: int, _frame: FrameType | None) -> NoReturn:
    raise _Stop(signum)


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """Within it, SIGTERM and SIGINT stop serving cleanly, rather than killing the process.

    ``docker stop`` and ``kill`` send SIGTERM, and a process that is PID 1 in a container is
    not killed by a signal it has no handler for: without one, ``docker stop`` waits ten
    seconds and then kills it. SIGINT gets the same handler because a process started with
    SIGINT ignored (a background job of a shell, a pytest-xdist worker's child) never gets
    Python's own, and ``kill -INT`` would not stop it. The previous handlers are back as soon
    as serving ends: a second signal while the server closes does what it did before (by
    default, end the process) rather than raise in the middle of the closing. Only the main
    thread may set a handler; serving from another thread, the caller stops the server itself.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _raise_stop) for number in _STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _sample(args: argparse.Namespace) -> int:
    from .factories import ClassifierDetailedJobOutFactory  # noqa: PLC0415
    from .mock import seeded_factory  # noqa: PLC0415
    from .wire import to_wire  # noqa: PLC0415

    factory: type[ClassifierDetailedJobOutFactory] = seeded_factory(args.seed)
    jobs = [factory.build(status=args.status) for _ in range(args.count)]
    bodies = [to_wire(job if args.detailed else job.summary()) for job in jobs]
    _print(json.dumps(bodies[0] if args.count == 1 else bodies, indent=2))
    return 0


def _print(text: str) -> None:
    """``text`` and a newline on stdout; a reader that stops early (``| head``) is no error."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (``| head``): not an error. Python would complain once
        # more when it flushes stdout at exit, so point stdout at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
