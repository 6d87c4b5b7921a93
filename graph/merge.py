"""How a node or relation that is already stored absorbs a new copy of itself.

Written once here and used by every store, so that both stores agree on what an upsert means:
- the first name an organisation was stored under stays its name (unless it was only a
  placeholder such as "PIC 999987163"); other names become aliases;
- a kind of "other" never overrides a known kind;
- other scalar fields take the newer non-empty value;
- lists (aliases, topics) and identifiers are unions, existing entries first;
- a relation keeps every distinct piece of evidence (one per source and sentence).
Upserting the same input again therefore changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from graph.errors import ValidationError
from graph.model import Node, OrgKind, Relation, merge_evidence

N = TypeVar("N", bound=Node)
T = TypeVar("T")


# Names that loaders give organisations known only by a registry code ("PIC 999987163",
# "LEI 5493…"): a real name replaces them, and they never become aliases.
_PLACEHOLDER_NAME = re.compile(r"^(?:PIC|LEI|CVR|ROR) [A-Za-z0-9-]+$")


def is_placeholder_name(name: str) -> bool:
    return bool(_PLACEHOLDER_NAME.match(name))


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
        if f.name == "kind" and new == OrgKind.OTHER:
            continue  # "other" is what a loader says when it does not know; never a correction
        if isinstance(old, tuple):
            changes[f.name] = old + tuple(item for item in new if item not in old)
        elif isinstance(old, dict):
            changes[f.name] = {**new, **old}
        elif f.name == "name":
            if is_placeholder_name(old) and not is_placeholder_name(new):
                changes["name"] = new
        else:
            changes[f.name] = new
    names = (existing.name, incoming.name)
    if incoming.name != existing.name and hasattr(existing, "aliases"):
        aliases = tuple(
            a for a in changes.get("aliases", existing.aliases) if not is_placeholder_name(a)
        )
        for name in names:
            if name != changes.get("name", existing.name) and not is_placeholder_name(name):
                aliases = aliases if name in aliases else (*aliases, name)
        changes["aliases"] = aliases
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
