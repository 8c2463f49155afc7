"""Province of a place named without it: the districts and counties listed in knowledge_base/lexicon/regions.yaml."""

from __future__ import annotations

from functools import lru_cache

import yaml

from assistant.config import KNOWLEDGE_BASE_DIR

REGIONS_FILE = KNOWLEDGE_BASE_DIR / "lexicon" / "regions.yaml"


@lru_cache(maxsize=1)
def region_districts() -> dict[str, list[str]]:
    """Province → its districts and counties (浦东新区, 杨浦区 …)."""
    return yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8")) or {}
