"""Shapes shared by the results of several measures (pydantic, so the API serves them as-is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from graph.errors import ValidationError
from graph.model import Organisation

if TYPE_CHECKING:
    from graph.analytics.links import LinkGraph


class OrgRef(BaseModel):
    """An organisation as results name it."""

    id: str = Field(examples=["org:ror:035b05819"])
    name: str = Field(examples=["University of Copenhagen"])
    country: str | None = Field(default=None, examples=["DK"])
    region: str | None = Field(default=None, examples=["Capital Region"])
    kind: str = Field(default="other", examples=["university"])

    @classmethod
    def of(cls, org: Organisation) -> OrgRef:
        return cls(
            id=org.id, name=org.name, country=org.country, region=org.region, kind=org.kind.value
        )


class Scope(BaseModel):
    """What a result was computed on: the grouping, the link filter and the graph's version."""

    grouping: str = Field(default="country", examples=["country"])
    filter: dict[str, Any] = Field(default_factory=dict)
    organisations: int = Field(default=0, description="organisations with at least one link")
    links: int = Field(default=0, description="links after filtering")

    @classmethod
    def of(cls, links: LinkGraph, grouping: str) -> Scope:
        return cls(
            grouping=grouping,
            filter=links.link_filter.describe(),
            organisations=len(links.linked_orgs()),
            links=len(links.links),
        )


def check_positive(value: int, what: str) -> None:
    """Parameters such as limit and k: a whole number of at least 1."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationError(f"{what} must be a positive integer, got {value!r}")
