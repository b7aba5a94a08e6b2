"""Experiment family: A/B tests of prompts or settings, and which user got which variant."""

from __future__ import annotations

from ._base import Event

__all__ = ["ExperimentAssigned", "ExperimentStarted"]


class ExperimentStarted(
    Event, tag="experiment.started", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: experiment.started — an experiment and its variants."""

    experiment_id: str
    variants: list[str]
    description: str | None = None

    def validate(self) -> None:
        """At least two distinct variants."""
        if len(set(self.variants)) < 2 or len(set(self.variants)) != len(self.variants):
            raise ValueError("variants: need at least two distinct names")


class ExperimentAssigned(
    Event, tag="experiment.assigned", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: experiment.assigned — a user was put in a variant."""

    experiment_id: str
    user_id: int
    variant: str
