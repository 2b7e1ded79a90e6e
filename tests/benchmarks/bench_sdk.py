"""One SDK call answered by the fake against a bare respx route's static body."""

from __future__ import annotations

from measure import Figure, print_table, side_by_side


def run(rounds: int) -> list[Figure]:
    """Issues 3 and 14: an SDK ``get`` answered by the fake against a bare respx route."""
    import httpx
    import respx
    from mistralai import Mistral

    from pytest_classifierjobs import ClassifierJobsMock, to_wire

    job = ClassifierJobsMock(seed=0).add(status="SUCCESS")
    url = f"https://api.mistral.ai/v1/fine_tuning/jobs/{job.id}"
    body = to_wire(job)
    client = Mistral(api_key="bench")

    # A new fake and a new router each round, as each test has its own: calls kept since the
    # start of a round are all either holds.
    def fake() -> ClassifierJobsMock:
        mock = ClassifierJobsMock(seed=0)
        mock.add(job)
        return mock

    def bare() -> respx.MockRouter:
        router = respx.MockRouter(assert_all_called=False)
        router.get(url).mock(return_value=httpx.Response(200, json=body))
        return router

    def get() -> None:
        client.fine_tuning.jobs.get(job_id=job.id)

    medians = side_by_side(
        {"bare respx route, static body": get, "ClassifierJobsMock": get},
        rounds=rounds,
        calls=20,
        around={"bare respx route, static body": bare, "ClassifierJobsMock": fake},
    )
    print_table(
        "One SDK fine_tuning.jobs.get() of a SUCCESS job (mistralai, sync; lower is better)",
        medians,
        "bare respx route, static body",
    )
    return [
        Figure(
            "one SDK get: fake vs bare respx route",
            medians["ClassifierJobsMock"] / medians["bare respx route, static body"],
            1.05,
            detail="fine_tuning.jobs.get() of a stored job, medians of interleaved rounds",
        )
    ]
