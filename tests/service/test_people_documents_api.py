"""GET /people… and /documents…: lists with paging and filters, a person's roles with their
evidence, a document with its text and what was extracted from it; on both stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_graphs import Clients, Seeded, assert_problem, seed_graph
from fastapi.testclient import TestClient

from graph.model import Person
from graph.store import GraphStore


@pytest.fixture
def seeded(store: GraphStore) -> Seeded:
    return seed_graph(store)


@pytest.fixture
def api(store: GraphStore, seeded: Seeded) -> Iterator[TestClient]:
    clients = Clients()
    yield clients(store)
    clients.close()


# ---------------------------------------------------------------------------- people


def test_people_list_search_and_paging(api: TestClient, store: GraphStore, seeded: Seeded) -> None:
    store.upsert_nodes([Person(name="Åke Lind"), Person(name="Bo Ek")])
    everyone = api.get("/people").json()
    assert everyone["total"] == 3
    assert [p["name"] for p in everyone["items"]] == ["Åke Lind", "Anna Berg", "Bo Ek"]
    assert set(everyone["items"][0]) == {"id", "name", "score"}  # name only, no contact fields
    page = api.get("/people", params={"limit": 1, "offset": 1}).json()
    assert (page["total"], [p["name"] for p in page["items"]]) == (3, ["Anna Berg"])
    found = api.get("/people", params={"q": "anna"}).json()
    assert [p["id"] for p in found["items"]] == [seeded.person.id]
    assert found["items"][0]["score"] > 0


def test_person_roles_with_evidence(api: TestClient, seeded: Seeded) -> None:
    profile = api.get(f"/people/{seeded.person.id}").json()
    assert (profile["id"], profile["name"]) == (seeded.person.id, "Anna Berg")
    assert set(profile) == {"id", "name", "roles"}
    [role] = profile["roles"]
    assert role["organisation"]["id"] == seeded.nordic.id
    assert role["organisation"]["name"] == "Nordic Bio A/S"
    assert role["role"] == "CEO"
    assert role["evidence_total"] == 1
    [evidence] = role["evidence"]
    assert evidence["source"] == seeded.news.id
    assert evidence["sentence"] == "Anna Berg, CEO of Nordic Bio"
    assert evidence["url"] == "https://news.example/nordic-lund"


def test_unknown_person_is_a_404_problem(api: TestClient, seeded: Seeded) -> None:
    assert_problem(api.get("/people/person:nobody"), 404, "person:nobody")
    assert_problem(api.get(f"/people/{seeded.nordic.id}"), 404, "Organisation")


# ---------------------------------------------------------------------------- documents


def test_documents_list_newest_first_without_text(api: TestClient, seeded: Seeded) -> None:
    listed = api.get("/documents").json()
    assert listed["total"] == 2
    assert [d["id"] for d in listed["items"]] == [seeded.news.id, seeded.record.id]
    first = listed["items"][0]
    assert "text" not in first
    assert first == {
        "id": seeded.news.id,
        "title": "Nordic Bio and Lund University team up on diabetes",
        "url": "https://news.example/nordic-lund",
        "published": "2024-03-01",
        "publisher": "news.example",
        "language": "en",
        "kind": "news",
        "illustrative": False,
        "score": None,
    }
    records = api.get("/documents", params={"kind": "registry_record"}).json()
    assert [d["id"] for d in records["items"]] == [seeded.record.id]
    page = api.get("/documents", params={"limit": 1, "offset": 1}).json()
    assert (page["total"], [d["id"] for d in page["items"]]) == (2, [seeded.record.id])
    found = api.get("/documents", params={"q": "team up"}).json()
    assert [d["id"] for d in found["items"]] == [seeded.news.id]
    assert (
        api.get("/documents", params={"q": "team", "kind": "registry_record"}).json()["total"] == 0
    )
    assert_problem(api.get("/documents", params={"kind": "tweet"}), 422, "kind")


def test_document_with_what_was_extracted(api: TestClient, seeded: Seeded) -> None:
    doc = api.get(f"/documents/{seeded.news.id}").json()
    assert doc["title"] == "Nordic Bio and Lund University team up on diabetes"
    assert doc["text"].startswith("Nordic Bio and Lund University signed")
    assert doc["text_length"] == len(seeded.news.text)
    assert (len(doc["text"]), doc["truncated"]) == (20_000, True)

    mentions = doc["mentions"]
    assert [o["name"] for o in mentions["organisations"]] == ["Lund University", "Nordic Bio A/S"]
    assert [p["name"] for p in mentions["people"]] == ["Anna Berg"]  # from the stated role
    assert [p["name"] for p in mentions["places"]] == ["Lund"]
    assert [t["name"] for t in mentions["topics"]] == ["diabetes"]
    assert mentions["projects"] == []

    # The relations this document is evidence for; not those of other sources about the same
    # organisations (the parent company, the licence, the participation).
    by_type = {r["type"]: r for r in doc["relations"]}
    assert set(by_type) == {"COLLABORATES_WITH", "HAS_ROLE", "ACTIVE_IN"}
    assert doc["relations_total"] == 3
    collaboration = by_type["COLLABORATES_WITH"]
    assert collaboration["id"] == seeded.collaboration.id
    assert collaboration["subtype"] == "research_collaboration"
    assert {collaboration["source"]["name"], collaboration["target"]["name"]} == {
        "Nordic Bio A/S",
        "Lund University",
    }
    [evidence] = collaboration["evidence"]
    assert evidence["sentence"] == (
        "Nordic Bio and Lund University signed a research collaboration on diabetes."
    )
    assert evidence["source"] == seeded.news.id
    role = by_type["HAS_ROLE"]
    assert (role["source"]["name"], role["role"], role["target"]["name"]) == (
        "Anna Berg",
        "CEO",
        "Nordic Bio A/S",
    )


def test_registry_document_and_404(api: TestClient, seeded: Seeded) -> None:
    doc = api.get(f"/documents/{seeded.record.id}").json()
    assert doc["kind"] == "registry_record"
    assert (doc["text"], doc["text_length"], doc["truncated"]) == (None, 0, False)
    assert doc["mentions"]["organisations"] == [] and doc["relations"] == []
    assert_problem(api.get("/documents/doc:nothing"), 404, "doc:nothing")
    assert_problem(api.get(f"/documents/{seeded.topic.id}"), 404, "Topic")
