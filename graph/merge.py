"""How a node or relation that is already stored absorbs a new copy of itself.

Written once here and used by every store, so that both stores agree on what an upsert means:
- the first name an organisation was stored under stays its name; other names become aliases;
- other scalar fields take the newer non-empty value;
- lists (aliases, topics) and identifiers are unions, existing entries first;
- a relation keeps every distinct piece of evidence (one per source and sentence).
Upserting the same input again therefore changes nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from graph.errors import ValidationError
from graph.model import Node, Relation, merge_evidence

N = TypeVar("N", bound=Node)
T = TypeVar("T")


def merge_node(existing: N, incoming: N) -> N:
    if type(existing) is not type(incoming):
        raise ValidationError(
            f"node {existing.id} is a {existing.label} in the store but a {incoming.label} in the "
            "input; give the new node another id"
        )
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(existing):
        old, new = getattr(existing, f.name), getattr(incoming, f.name)
        if f.name == "id" or new is None or new == old:
            continue
        if isinstance(old, tuple):
            changes[f.name] = old + tuple(item for item in new if item not in old)
        elif isinstance(old, dict):
            changes[f.name] = {**new, **old}
        elif f.name == "name":
            continue
        else:
            changes[f.name] = new
    if incoming.name != existing.name and hasattr(existing, "aliases"):
        aliases = changes.get("aliases", existing.aliases)
        if incoming.name not in aliases:
            changes["aliases"] = (*aliases, incoming.name)
    return dataclasses.replace(existing, **changes) if changes else existing


def merge_relation(existing: Relation, incoming: Relation) -> Relation:
    evidence = merge_evidence(existing.evidence, incoming.evidence)
    return dataclasses.replace(
        existing,
        role=incoming.role or existing.role,
        start=_earliest(existing.start, incoming.start),
        end=_latest(existing.end, incoming.end),
        evidence=evidence,
    )


def _earliest(a: str | None, b: str | None) -> str | None:
    return min(d for d in (a, b) if d) if (a or b) else None


def _latest(a: str | None, b: str | None) -> str | None:
    return max(d for d in (a, b) if d) if (a or b) else None


def combine_batch(items: list[T], key: Any, merge: Any) -> dict[str, T]:
    """Fold duplicates inside one batch before it meets the store."""
    folded: dict[str, T] = {}
    for item in items:
        k = key(item)
        folded[k] = merge(folded[k], item) if k in folded else item
    return folded
