"""Recommendation family: AI trade ideas and their life cycle (approved, executed, expired, ...).

The recommended entry price is ``entry_price``: ``entry`` is the deal entry kind (in/out) and one
field name has one type across the catalogue.
"""

from __future__ import annotations

from ._base import Direction, Event, Millis, Percent, Price, UtcDatetime

__all__ = [
    "RecommendationApproved",
    "RecommendationDismissed",
    "RecommendationExecuted",
    "RecommendationExpired",
    "RecommendationFailed",
    "RecommendationInvalid",
    "RecommendationIssued",
]


class RecommendationIssued(
    Event, tag="recommendation.issued", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.issued — a validated recommendation from the model."""

    recommendation_id: str
    symbol: str
    direction: Direction
    entry_price: Price | None = None
    sl: Price | None = None
    tp: Price | None = None
    confidence: Percent
    reasoning: str = ""
    timeframe: str | None = None
    regime: str | None = None
    model: str
    conversation_id: str | None = None
    signal_id: str | None = None
    prompt_variant: str | None = None
    generation_ms: Millis | None = None
    expires_ts: UtcDatetime | None = None

    def validate(self) -> None:
        """Check that the stop and target sit on the right side of the entry."""
        if self.direction == "HOLD" or self.entry_price is None:
            return
        sign = 1 if self.direction == "BUY" else -1
        if self.sl is not None and sign * (self.entry_price - self.sl) <= 0:
            raise ValueError(f"sl: must be on the losing side of entry_price for {self.direction}")
        if self.tp is not None and sign * (self.tp - self.entry_price) <= 0:
            raise ValueError(f"tp: must be on the winning side of entry_price for {self.direction}")


class RecommendationApproved(
    Event, tag="recommendation.approved", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.approved — the user accepted it."""

    recommendation_id: str
    user_id: int | None = None


class RecommendationDismissed(
    Event, tag="recommendation.dismissed", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.dismissed — the user declined it."""

    recommendation_id: str
    user_id: int | None = None
    note: str | None = None


class RecommendationExpired(
    Event, tag="recommendation.expired", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.expired — nobody acted on it before ``expires_ts``."""

    recommendation_id: str


class RecommendationExecuted(
    Event, tag="recommendation.executed", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.executed — an order was sent for it (links order and position)."""

    recommendation_id: str
    order_ticket: int | None = None
    position_id: int | None = None


class RecommendationFailed(
    Event, tag="recommendation.failed", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.failed — executing it failed (rejected order, terminal down, ...)."""

    recommendation_id: str
    error: str
    retcode: int | None = None


class RecommendationInvalid(
    Event, tag="recommendation.invalid", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: recommendation.invalid — model output that failed validation; the raw text is kept."""

    model: str
    raw: str
    error: str
    conversation_id: str | None = None
