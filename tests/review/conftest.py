"""Fixtures shared by the review tests."""

import pytest

from assistant.review.rules import load_rules


@pytest.fixture(scope="module")
def content_rules(catalog):
    """The content (C.*) rules, with every basis verified against the real catalog."""
    return [r for r in load_rules(catalog=catalog).rules if r.kind == "content"]


@pytest.fixture(scope="module")
def rules(catalog):
    """The whole rule catalog, bases verified against the real catalog."""
    return load_rules(catalog=catalog)
