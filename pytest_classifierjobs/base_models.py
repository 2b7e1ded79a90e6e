"""The base models a classifier job may fine-tune, in a module that imports nothing.

pytest reads the default of the ``base_models`` option at start-up, before any test uses the fake
(whose modules import attrs and the models); :mod:`pytest_classifierjobs.progression` and the
fake's API take it from here too.
"""

__all__ = ["CLASSIFIER_BASE_MODELS"]

#: The base models a classifier job may fine-tune: "Currently, the classifier factory supports
#: ministral-3b" (platform-docs-public, the fine-tuning FAQ), whose guide and the cookbook's
#: recorded jobs use ``ministral-3b-latest``.
CLASSIFIER_BASE_MODELS: tuple[str, ...] = ("ministral-3b-latest",)
