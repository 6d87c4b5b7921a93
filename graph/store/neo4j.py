"""The server store: Neo4j over Bolt with the official driver. All Cypher of mvkg lives here.

Layout in Neo4j, for Cypher users:
- every node has the label `:Node` (unique `id`) and its own label (`:Organisation`, `:Person`…);
  identifiers are flat properties `id_ror`, `id_cvr`, …; lists (aliases, topics) are lists;
- a relation is a relationship of its type with `id`, `subtype`, `confidence`, `corroboration`,
  `first_seen`, `last_seen`, `sources` (ids of documents and registry records) and `evidence`
  (a JSON list of the full evidence records: sentence, date, confidence, extractor, url);
- `(:Meta {key: 'graph'}).version` grows with every write.

Values always travel as parameters. Labels and relationship types cannot be parameters in
Cypher, so each query that needs one is prepared once per member of the closed enums in
`graph.model`; nothing from the data is ever formatted into a query.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from graph.codec import (
    evidence_json,
    node_to_props,
    relation_from,
    relation_head,
    searchable_text,
)
from graph.errors import StoreConfigError, StoreUnavailableError
from graph.model import NODE_TYPES, Node, Relation, RelType
from graph.store.base import BaseStore, Counts

_HEAD_ONLY = ("type", "source", "target")

_SCHEMA = [
    "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:Meta) REQUIRE m.key IS UNIQUE",
    "CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (m:Merge) REQUIRE m.id IS UNIQUE",
    "CREATE INDEX organisation_country IF NOT EXISTS FOR (n:Organisation) ON (n.country)",
    "CREATE INDEX organisation_kind IF NOT EXISTS FOR (n:Organisation) ON (n.kind)",
    "CREATE FULLTEXT INDEX node_names IF NOT EXISTS FOR (n:Node) ON EACH [n.name, n.search_text]",
    *(
        f"CREATE INDEX rel_id_{t.value.lower()} IF NOT EXISTS FOR ()-[r:{t.value}]-() ON (r.id)"
        for t in RelType
    ),
    "MERGE (m:Meta {key: 'graph'}) ON CREATE SET m.version = 0",
]

# New nodes are created, known ones updated: the shared upsert has read which exist, and
# CREATE skips MERGE's lookup and locking.
_CREATE_NODES = {
    label: f"UNWIND $rows AS row CREATE (n:Node:{label}) SET n = row" for label in NODE_TYPES
}
_UPDATE_NODES = {
    label: f"UNWIND $rows AS row MATCH (n:Node {{id: row.id}}) SET n = row, n:{label}"
    for label in NODE_TYPES
}
# Relations are looked up through their type's index and created without MERGE: the shared
# upsert has already read what exists, and MERGE would scan every relationship of a hub node.
_CREATE_RELATIONS = {
    t: (
        "UNWIND $rows AS row "
        "MATCH (a:Node {id: row.source}) "
        "MATCH (b:Node {id: row.target}) "
        f"CREATE (a)-[r:{t.value}]->(b) "
        "SET r = row.props"
    )
    for t in RelType
}
_UPDATE_RELATIONS = {
    t: f"UNWIND $rows AS row MATCH ()-[r:{t.value} {{id: row.id}}]->() SET r = row.props"
    for t in RelType
}
_FETCH_RELATIONS = {
    t: (
        f"UNWIND $ids AS id MATCH (a:Node)-[r:{t.value} {{id: id}}]->(b:Node) "
        "RETURN properties(r) AS p, type(r) AS type, a.id AS source, b.id AS target"
    )
    for t in RelType
}
# One indexed lookup per relationship type (relationship indexes are per type).
# Per type, so each part can use that type's relationship id index.
_FETCH_RELATIONS_BY_IDS = "\nUNION ALL\n".join(
    f"UNWIND $ids AS id MATCH (a:Node)-[r:{t.value} {{id: id}}]->(b:Node) "
    "RETURN properties(r) AS p, type(r) AS type, a.id AS source, b.id AS target"
    for t in RelType
)
_EDGES_TOUCHING = """
UNWIND $ids AS id
MATCH (n:Node {id: id})-[r]-(:Node)
WHERE $types IS NULL OR type(r) IN $types
WITH DISTINCT r
RETURN properties(r) AS p, type(r) AS type, startNode(r).id AS source, endNode(r).id AS target
"""
_SCAN_NODES = """
MATCH (n:Node) WHERE $labels IS NULL OR n.label IN $labels
RETURN properties(n) AS p
"""
_SCAN_EDGES = """
MATCH (a:Node)-[r]->(b:Node)
WHERE ($types IS NULL OR type(r) IN $types) AND r.confidence >= $min_confidence
RETURN properties(r) AS p, type(r) AS type, a.id AS source, b.id AS target
"""
_SEARCH = """
CALL db.index.fulltext.queryNodes('node_names', $lucene) YIELD node, score
WHERE $labels IS NULL OR node.label IN $labels
RETURN properties(node) AS p, score
ORDER BY score DESC LIMIT $limit
"""
# Lucene's query syntax characters, escaped so that user text is only ever searched for.
_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


class Neo4jStore(BaseStore):
    kind = "neo4j"
    batch_size = 10_000

    def __init__(
        self,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        connect_timeout: float = 15.0,
    ) -> None:
        # Imported here so that the SQLite-only path never pays for the driver.
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable

        self.uri, url_user, url_password = _split_credentials(uri)
        self.database = database
        auth = (user or url_user or "neo4j", password or url_password or "")
        self._driver = GraphDatabase.driver(
            self.uri, auth=auth, connection_timeout=connect_timeout, max_connection_pool_size=20
        )
        try:
            self._driver.verify_connectivity()
            self._create_schema()
        except AuthError as exc:
            self._driver.close()
            raise StoreUnavailableError(
                f"Neo4j at {self.uri} refused the credentials for user {auth[0]!r}: check the "
                "user and password in --store / MVKG_STORE (neo4j://user:password@host:7687)"
            ) from exc
        except (ServiceUnavailable, OSError) as exc:
            self._driver.close()
            raise StoreUnavailableError(
                f"cannot reach Neo4j at {self.uri}: {exc}. Start the server (see README: "
                "docker compose up neo4j) or use the embedded store (sqlite:///PATH)"
            ) from exc

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r})"

    def _create_schema(self) -> None:
        with self._driver.session(database=self.database) as session:
            for statement in _SCHEMA:
                session.run(statement).consume()

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Any]:
        from neo4j import READ_ACCESS, WRITE_ACCESS

        mode = WRITE_ACCESS if write else READ_ACCESS
        with (
            self._driver.session(database=self.database, default_access_mode=mode) as session,
            session.begin_transaction() as tx,
        ):
            yield tx
            tx.commit()

    def close(self) -> None:
        self._driver.close()

    def health(self) -> dict[str, Any]:
        with self._transaction(write=False) as tx:
            record = tx.run(
                "CALL dbms.components() YIELD name, versions, edition "
                "RETURN name, versions[0] AS version, edition"
            ).single()
        return {
            "store": self.kind,
            "uri": self.uri,
            "server": record["name"] if record else None,
            "version": record["version"] if record else None,
            "edition": record["edition"] if record else None,
        }

    # -- nodes -------------------------------------------------------------------------

    def _fetch_nodes(self, tx: Any, ids: list[str]) -> list[dict[str, Any]]:
        result = tx.run(
            "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN properties(n) AS p", ids=ids
        )
        return [_without_search_text(record["p"]) for record in result]

    def _write_nodes(self, tx: Any, nodes: list[Node], stored: set[str]) -> None:
        new: dict[str, list[dict[str, Any]]] = defaultdict(list)
        known: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for node in nodes:
            props = node_to_props(node)
            props["search_text"] = searchable_text(node)
            (known if node.id in stored else new)[node.label].append(props)
        for label, rows in new.items():
            tx.run(_CREATE_NODES[label], rows=rows).consume()
        for label, rows in known.items():
            tx.run(_UPDATE_NODES[label], rows=rows).consume()

    def _node_labels(self, tx: Any, ids: list[str]) -> dict[str, str]:
        # One record holding all pairs: the driver's per-record cost dominated this lookup.
        record = tx.run(
            "UNWIND $ids AS id MATCH (n:Node {id: id}) RETURN collect([n.id, n.label]) AS pairs",
            ids=ids,
        ).single()
        return dict(record["pairs"]) if record else {}

    # -- relations ---------------------------------------------------------------------

    def _fetch_relations(self, tx: Any, relations: list[Relation]) -> list[Relation]:
        found: list[Relation] = []
        for rel_type, ids in _group(relations, key=lambda r: r.type, value=lambda r: r.id).items():
            found.extend(
                _relation(record) for record in tx.run(_FETCH_RELATIONS[rel_type], ids=ids)
            )
        return found

    def _write_relations(self, tx: Any, relations: list[Relation], stored: set[str]) -> None:
        new: dict[RelType, list[dict[str, Any]]] = defaultdict(list)
        known: dict[RelType, list[dict[str, Any]]] = defaultdict(list)
        for rel in relations:
            props = {k: v for k, v in relation_head(rel).items() if k not in _HEAD_ONLY}
            props["evidence"] = evidence_json(rel)
            row = {"id": rel.id, "source": rel.source, "target": rel.target, "props": props}
            (known if rel.id in stored else new)[rel.type].append(row)
        for rel_type, rows in new.items():
            tx.run(_CREATE_RELATIONS[rel_type], rows=rows).consume()
        for rel_type, rows in known.items():
            tx.run(_UPDATE_RELATIONS[rel_type], rows=rows).consume()

    def _fetch_relations_by_ids(self, tx: Any, ids: list[str]) -> list[Relation]:
        return [_relation(record) for record in tx.run(_FETCH_RELATIONS_BY_IDS, ids=ids)]

    def _edges_touching(
        self, tx: Any, ids: list[str], types: list[str] | None
    ) -> list[dict[str, Any]]:
        return [_head(record) for record in tx.run(_EDGES_TOUCHING, ids=ids, types=types)]

    def _scan_nodes(self, tx: Any, labels: list[str] | None) -> Iterator[dict[str, Any]]:
        for record in tx.run(_SCAN_NODES, labels=labels):
            yield _without_search_text(record["p"])

    def _scan_edges(
        self, tx: Any, types: list[str] | None, min_confidence: float
    ) -> Iterator[dict[str, Any]]:
        for record in tx.run(_SCAN_EDGES, types=types, min_confidence=min_confidence):
            yield _head(record)

    # -- search, counts, versions ------------------------------------------------------

    def _search(
        self, tx: Any, text: str, labels: list[str] | None, limit: int
    ) -> list[tuple[dict[str, Any], float]]:
        query = lucene_query(text)
        if not query:
            return []
        result = tx.run(_SEARCH, lucene=query, labels=labels, limit=limit)
        return [(_without_search_text(r["p"]), round(float(r["score"]), 4)) for r in result]

    def _counts(self, tx: Any) -> Counts:
        nodes = {
            r["label"]: r["n"]
            for r in tx.run("MATCH (n:Node) RETURN n.label AS label, count(*) AS n")
        }
        relations = {
            r["type"]: r["n"]
            for r in tx.run("MATCH (:Node)-[r]->(:Node) RETURN type(r) AS type, count(*) AS n")
        }
        by_country = {
            r["country"]: r["n"]
            for r in tx.run(
                "MATCH (n:Organisation) "
                "RETURN coalesce(n.country, 'unknown') AS country, count(*) AS n"
            )
        }
        return Counts(nodes=nodes, relations=relations, organisations_by_country=by_country)

    def _write_merges(self, tx: Any, merges: list[dict[str, Any]]) -> None:
        rows = [
            {
                "id": m["id"],
                "data": json.dumps(m, ensure_ascii=False),
                "canonical": m["canonical_id"],
            }
            for m in merges
        ]
        tx.run(
            "UNWIND $rows AS row MERGE (m:Merge {id: row.id}) "
            "ON CREATE SET m.data = row.data, m.canonical_id = row.canonical, m.undone = false",
            rows=rows,
        ).consume()

    def _read_merges(self, tx: Any) -> list[dict[str, Any]]:
        result = tx.run("MATCH (m:Merge) RETURN m.data AS data, m.undone AS undone ORDER BY m.id")
        return [{**json.loads(r["data"]), "undone": bool(r["undone"])} for r in result]

    def _set_merge_undone(self, tx: Any, merge_id: str) -> bool:
        record = tx.run(
            "MATCH (m:Merge {id: $id}) SET m.undone = true RETURN count(m) AS n", id=merge_id
        ).single()
        return bool(record and record["n"])

    def _clear(self, tx: Any) -> None:
        tx.run("MATCH (n:Node) DETACH DELETE n").consume()
        tx.run("MATCH (m:Merge) DELETE m").consume()

    def _bump_version(self, tx: Any) -> None:
        tx.run("MATCH (m:Meta {key: 'graph'}) SET m.version = m.version + 1").consume()

    def _version(self, tx: Any) -> int:
        record = tx.run("MATCH (m:Meta {key: 'graph'}) RETURN m.version AS v").single()
        return int(record["v"]) if record else 0


# ---------------------------------------------------------------------------- helpers


def _group(items: Any, *, key: Any, value: Any) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(value(item))
    return groups


def _head(record: Any) -> dict[str, Any]:
    head = dict(record["p"])
    head.pop("evidence", None)
    head.update(type=record["type"], source=record["source"], target=record["target"])
    return head


def _relation(record: Any) -> Relation:
    props = dict(record["p"])
    evidence = json.loads(props.pop("evidence", "[]"))
    props.update(type=record["type"], source=record["source"], target=record["target"])
    return relation_from(props, evidence)


def _without_search_text(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "search_text"}


def lucene_query(text: str) -> str:
    """A Lucene query from free text: special characters escaped, words ANDed, last as prefix."""
    words = []
    for raw in text.split()[:20]:
        escaped = "".join("\\" + ch if ch in _LUCENE_SPECIAL else ch for ch in raw)
        if escaped.strip("\\"):
            words.append(escaped)
    if not words:
        return ""
    words[-1] += "*"
    return " AND ".join(words)


def _split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """Take user and password out of neo4j://user:password@host:7687 (they go to `auth`)."""
    parts = urlsplit(uri)
    if parts.scheme not in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        raise StoreConfigError(
            f"not a Neo4j URL: {uri!r}; use neo4j://user:password@host:7687 or bolt://…"
        )
    host = parts.hostname or "localhost"
    netloc = f"{host}:{parts.port}" if parts.port else host
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return f"{parts.scheme}://{netloc}", user, password
