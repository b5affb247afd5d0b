"""Errors of matching. A missing model is ``embeddings.EmbeddingModelMissing`` (503), re-exported here."""

from askwell.asks.errors import NotYourAsk
from askwell.matching.embeddings import EmbeddingModelMissing


class SuggestionsNotYours(NotYourAsk):
    """Suggestions describe people relative to the asker (ties, load), so only the asker sees them."""

    def __init__(self) -> None:
        super().__init__("see who could help")


__all__ = ["EmbeddingModelMissing", "SuggestionsNotYours"]
