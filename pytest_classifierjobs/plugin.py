"""The pytest plugin, registered as ``classifierjobs`` through the ``pytest11`` entry point.

It defines nothing yet: the fixtures, markers, options and report header arrive with the fake
API. It stays thin and imports nothing heavy (polyfactory, Faker, cattrs, respx, httpx) at module
level, so that loading it costs pytest's start-up nothing; fixtures import what they need.
"""

__all__: list[str] = []
