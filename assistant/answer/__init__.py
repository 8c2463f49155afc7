"""Chat answers: `ask(question)` answers from the knowledge base with verified citations.

The deterministic backend (default, no model) quotes the articles that answer the question, most
relevant first, with a lead sentence taken from the best one and the matching review-rule guidance; a
model backend (llm.provider = openai | llamacpp) writes the answer from numbered sources, and every
citation it writes is checked. `Conversation` carries follow-ups (那规章呢？, 该条第二款呢？).
"""

from assistant.answer.conversation import CitedArticle, Conversation, Turn, resolve_follow_up
from assistant.answer.core import ask, stream_ask

__all__ = ["ask", "stream_ask", "Conversation", "Turn", "CitedArticle", "resolve_follow_up"]
