"""Flat property records for nodes, relations and evidence, shared by both stores.

Both stores keep the same flat shape: primitive values and lists of primitives, no nulls (Neo4j
cannot store a null property), identifiers flattened as `id_<scheme>` so that Cypher users can
write `n.id_ror`. Decoding goes back through the domain constructors, so anything read from a
store is validated like anything written to it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

from graph.errors import ValidationError
from graph.model import NODE_TYPES, Evidence, Node, Relation
from graph.normalize import fold_diacritics, strip_accents

IDENTIFIER_PREFIX = "id_"
_LIST_FIELDS = frozenset({"aliases", "topics", "sources"})


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in ("id", "name"))


def node_to_props(node: Node) -> dict[str, Any]:
    props: dict[str, Any] = {"id": node.id, "label": node.label, "name": node.name}
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if value is None or value == () or value == {}:
            continue
        if name == "identifiers":
            for scheme, ident in value.items():
                props[IDENTIFIER_PREFIX + scheme] = ident
        elif name in _LIST_FIELDS:
            props[name] = list(value)
        elif isinstance(value, bool | int | float):
            props[name] = value
        else:
            props[name] = str(value)
    return props


def props_to_node(props: dict[str, Any]) -> Node:
    label = props.get("label")
    cls = NODE_TYPES.get(str(label))
    if cls is None:
        raise ValidationError(
            f"unknown node label {label!r} in the store; expected one of {sorted(NODE_TYPES)}"
        )
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    identifiers: dict[str, str] = {}
    for key, value in props.items():
        if key.startswith(IDENTIFIER_PREFIX):
            identifiers[key[len(IDENTIFIER_PREFIX) :]] = value
        elif key in names:
            kwargs[key] = tuple(value) if key in _LIST_FIELDS else value
    if "identifiers" in names:
        kwargs["identifiers"] = identifiers
    if label == "Document":
        kwargs.pop("name", None)
    return cls(**kwargs)


_EVIDENCE_FIELDS = tuple(f.name for f in dataclasses.fields(Evidence))


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every value and dominated the write path.
    return {name: value for name in _EVIDENCE_FIELDS if (value := getattr(ev, name)) is not None}


def evidence_from_dict(data: dict[str, Any]) -> Evidence:
    return Evidence(**data)


def relation_head(rel: Relation) -> dict[str, Any]:
    """The relation's own properties and aggregates, without the evidence list."""
    summary = rel.summary()
    props: dict[str, Any] = {
        "id": rel.id,
        "type": rel.type.value,
        "source": rel.source,
        "target": rel.target,
        "directed": rel.directed,
        "confidence": summary.confidence,
        "corroboration": summary.corroboration,
        "sources": summary.sources,
    }
    optional = (
        ("subtype", rel.subtype.value if rel.subtype else None),
        ("role", rel.role),
        ("start", rel.start),
        ("end", rel.end),
        ("first_seen", summary.first_seen),
        ("last_seen", summary.last_seen),
    )
    props.update((k, v) for k, v in optional if v is not None)
    return props


def evidence_json(rel: Relation) -> str:
    return json.dumps([evidence_to_dict(ev) for ev in rel.evidence], ensure_ascii=False)


def relation_from(head: dict[str, Any], evidence: list[dict[str, Any]]) -> Relation:
    return Relation(
        type=head["type"],
        source=head["source"],
        target=head["target"],
        subtype=head.get("subtype"),
        role=head.get("role"),
        start=head.get("start"),
        end=head.get("end"),
        evidence=[evidence_from_dict(e) for e in evidence],
        id=head["id"],
    )


def searchable_text(node: Node) -> str:
    """Aliases plus the ASCII spellings of every name ("Koebenhavns", "Kobenhavns") that differ
    from it, since full-text tokenizers fold accents (å -> a) but not the letters ø and æ."""
    aliases = getattr(node, "aliases", ())
    spellings: dict[str, None] = dict.fromkeys(aliases)
    for name in (node.name, *aliases):
        plain = name.casefold()
        if plain.isascii():
            continue  # nothing to transliterate: the name itself is indexed already
        for spelling in (fold_diacritics(name), strip_accents(name)):
            if spelling != plain:
                spellings.setdefault(spelling, None)
    return " | ".join(spellings)
