"""Triggers match words, not strings: a trigger may not begin or end inside a word of the review lexicon
(knowledge_base/lexicon/review_words.txt), as 区居民委员会 inside 社区居民委员会 or 断电 inside 自动断电.

A purpose-built dictionary rather than a general segmenter: it is the same in every process (the retrieval
tokenizer's dictionary may change with the knowledge base), costs no model load, and says in one file which
words the review reads as wholes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.config import KNOWLEDGE_BASE_DIR

LEXICON = KNOWLEDGE_BASE_DIR / "lexicon" / "review_words.txt"


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], int]:
    words = []
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    words.sort(key=len, reverse=True)
    # a lookahead finds every occurrence, overlapping ones included
    return re.compile("(?=(" + "|".join(map(re.escape, words)) + "))"), max(map(len, words))


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """False when text[start:end] begins or ends strictly inside a lexicon word."""
    rx, longest = _lexicon()
    for m in rx.finditer(text, max(0, start - longest), min(len(text), end + longest)):
        a, b = m.start(1), m.end(1)
        if a < start < b or a < end < b:
            return False
    return True
