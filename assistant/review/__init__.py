"""The review engine: `run_review` reviews a dossier end to end (see pipeline.py and docs/review-engine.md)."""

from assistant.review.pipeline import run_review

__all__ = ["run_review"]
