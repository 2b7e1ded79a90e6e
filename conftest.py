"""Enables ``pytester`` here: pytest accepts ``pytest_plugins`` only in the root conftest."""

pytest_plugins = ["pytester"]
