"""GET /organisations…: listing and search with paging and filters, the profile, links with
their evidence, neighbourhoods, and 404s as problem+json; on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_graphs import Clients, Seeded, assert_problem, seed_graph
from fastapi.testclient import TestClient

from graph.store import GraphStore


@pytest.fixture
def seeded(store: GraphStore) -> Seeded:
    return seed_graph(store)


@pytest.fixture
def api(store: GraphStore, seeded: Seeded) -> Iterator[TestClient]:
    clients = Clients()
    yield clients(store)
    clients.close()


def test_list_is_sorted_by_name_and_paged(api: TestClient, seeded: Seeded) -> None:
    everyone = api.get("/organisations", params={"limit": 500}).json()
    names = [item["name"] for item in everyone["items"]]
    assert everyone["total"] == 5
    assert names == [
        "<script>alert('x')</script> Labs",
        "Lund University",
        "Nordic Bio A/S",
        "Øresund Pharma",  # sorts as "oresund"
        "Skåne Devices AB",
    ]
    page = api.get("/organisations", params={"limit": 2, "offset": 2}).json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [item["name"] for item in page["items"]] == names[2:4]
    beyond = api.get("/organisations", params={"offset": 10}).json()
    assert beyond["total"] == 5 and beyond["items"] == []


def test_list_filters_by_country_and_kind(api: TestClient) -> None:
    swedish = api.get("/organisations", params={"country": "se"}).json()
    assert {i["name"] for i in swedish["items"]} == {"Lund University", "Skåne Devices AB"}
    assert swedish["total"] == 2
    both = api.get("/organisations", params=[("country", "SE"), ("country", "DK")]).json()
    assert both["total"] == 5
    universities = api.get("/organisations", params={"kind": "university"}).json()
    assert [i["name"] for i in universities["items"]] == ["Lund University"]
    mixed = api.get("/organisations", params={"kind": "company", "country": "SE"}).json()
    assert [i["name"] for i in mixed["items"]] == ["Skåne Devices AB"]


def test_list_refuses_bad_filters_as_problems(api: TestClient) -> None:
    assert_problem(api.get("/organisations", params={"country": "SWE"}), 422, "country")
    assert_problem(api.get("/organisations", params={"kind": "bakery"}), 422, "kind")
    assert_problem(api.get("/organisations", params={"limit": 0}), 422, "limit")
    assert_problem(api.get("/organisations", params={"limit": 501}), 422, "limit")
    assert_problem(api.get("/organisations", params={"offset": -1}), 422, "offset")


def test_search_by_name_with_filters(api: TestClient, seeded: Seeded) -> None:
    found = api.get("/organisations", params={"q": "nordic"}).json()
    assert found["items"][0]["id"] == seeded.nordic.id
    assert found["items"][0]["score"] > 0
    assert api.get("/organisations", params={"q": "nordic", "country": "SE"}).json()["total"] == 0
    # Diacritics are folded: "oresund" finds "Øresund Pharma".
    assert [i["id"] for i in api.get("/organisations?q=oresund").json()["items"]] == [
        seeded.oresund.id
    ]


def test_profile(api: TestClient, seeded: Seeded) -> None:
    response = api.get(f"/organisations/{seeded.nordic.id}")
    assert response.status_code == 200
    profile = response.json()
    assert profile["name"] == "Nordic Bio A/S"
    assert profile["aliases"] == ["Nordic Bio"]
    assert profile["identifiers"] == {"cvr": "12345678"}
    assert (profile["kind"], profile["country"], profile["city"]) == ("company", "DK", "Copenhagen")
    assert (profile["lat"], profile["lon"]) == (55.68, 12.57)
    assert profile["website"] == "https://nordic-bio.example"
    assert profile["sources"] == ["test"]
    assert profile["topics"] == ["metabolism", "diabetes"]  # its record's, then ACTIVE_IN
    assert profile["link_counts"] == {
        "ACTIVE_IN": 1,
        "COLLABORATES_WITH": 3,
        "HAS_ROLE": 1,
        "MENTIONED_IN": 1,
        "PARTICIPATES_IN": 1,
        "SUBSIDIARY_OF": 1,
    }
    [holder] = profile["people"]
    assert holder["person"] == {
        "id": seeded.person.id,
        "label": "Person",
        "name": "Anna Berg",
        "kind": None,
        "country": None,
    }
    assert holder["role"] == "CEO"
    assert set(holder) == {"person", "role", "relation_id", "confidence"}  # no contact fields


def test_links_carry_their_evidence(api: TestClient, seeded: Seeded) -> None:
    page = api.get(f"/organisations/{seeded.nordic.id}/links").json()
    assert page["total"] == 5
    assert page["organisation"]["id"] == seeded.nordic.id
    by_other = {item["other"]["name"]: item for item in page["items"]}
    assert set(by_other) == {
        "Lund University",
        "<script>alert('x')</script> Labs",
        "Øresund Pharma",
        "Skåne Devices AB",
        "Diabetes Bridge",
    }
    lund = by_other["Lund University"]
    assert lund["id"] == seeded.collaboration.id
    assert (lund["type"], lund["subtype"], lund["direction"]) == (
        "COLLABORATES_WITH",
        "research_collaboration",
        "undirected",
    )
    assert lund["evidence_total"] == 1
    [evidence] = lund["evidence"]
    assert evidence == {
        "source": seeded.news.id,
        "sentence": "Nordic Bio and Lund University signed a research collaboration on diabetes.",
        "date": "2024-03-01",
        "url": "https://news.example/nordic-lund",
        "extractor": "test-extractor",
        "extractor_version": "1",
        "confidence": 0.85,
    }
    assert (lund["first_seen"], lund["last_seen"]) == ("2024-03-01", "2024-03-01")
    assert by_other["Øresund Pharma"]["direction"] == "outgoing"  # licensor -> licensee
    assert by_other["Skåne Devices AB"]["direction"] == "incoming"  # its subsidiary
    project = by_other["Diabetes Bridge"]
    assert (project["type"], project["role"]) == ("PARTICIPATES_IN", "coordinator")
    assert (project["start"], project["end"]) == ("2019-01-01", "2022-12-31")
    assert project["other"]["label"] == "Project"
    # Type order: collaborations, participations, parents; by the other end's name within.
    assert [i["type"] for i in page["items"]] == [
        "COLLABORATES_WITH",
        "COLLABORATES_WITH",
        "COLLABORATES_WITH",
        "PARTICIPATES_IN",
        "SUBSIDIARY_OF",
    ]


def test_links_filters_and_paging(api: TestClient, seeded: Seeded) -> None:
    url = f"/organisations/{seeded.nordic.id}/links"

    def others(**params: Any) -> list[str]:
        return [i["other"]["name"] for i in api.get(url, params=params).json()["items"]]

    assert others(type="SUBSIDIARY_OF") == ["Skåne Devices AB"]
    both = api.get(url, params=[("type", "SUBSIDIARY_OF"), ("type", "PARTICIPATES_IN")]).json()
    assert both["total"] == 2
    assert "<script>alert('x')</script> Labs" not in others(min_confidence=0.5)
    assert api.get(url, params={"min_confidence": 0.5}).json()["total"] == 4
    # Dated 2021 or later: the 2021 licence and the 2024 collaboration; the 2019-2022
    # participation overlaps too. Undated relations are left out once a bound is given.
    assert sorted(others(since="2021")) == ["Diabetes Bridge", "Lund University", "Øresund Pharma"]
    assert others(until="2018-12-31") == ["Skåne Devices AB"]
    page = api.get(url, params={"limit": 2, "offset": 1}).json()
    assert (page["total"], len(page["items"])) == (5, 2)
    assert_problem(api.get(url, params={"type": "HAS_ROLE"}), 422, "type")
    assert_problem(api.get(url, params={"since": "March 2020"}), 422, "since")
    assert_problem(api.get(url, params={"min_confidence": 2}), 422, "min_confidence")


def test_neighbours(api: TestClient, seeded: Seeded) -> None:
    url = f"/organisations/{seeded.nordic.id}/neighbours"
    one = api.get(url, params={"types": "COLLABORATES_WITH"}).json()
    assert one["center"] == seeded.nordic.id
    assert {n["id"] for n in one["nodes"]} == {
        seeded.nordic.id,
        seeded.lund.id,
        seeded.scripted.id,
        seeded.oresund.id,
    }
    assert one["nodes"][0]["id"] == seeded.nordic.id
    assert len(one["edges"]) == 3
    assert "evidence" not in one["edges"][0]
    assert one["truncated"] is False
    # Lund is two steps away through the project they share.
    two = api.get(url, params={"hops": 2, "types": "PARTICIPATES_IN"}).json()
    assert {n["id"] for n in two["nodes"]} == {seeded.nordic.id, seeded.project.id, seeded.lund.id}
    small = api.get(url, params={"limit": 2}).json()
    assert len(small["nodes"]) == 2 and small["truncated"] is True
    assert_problem(api.get(url, params={"hops": 4}), 422, "hops")
    assert_problem(api.get(url, params={"types": "KNOWS"}), 422, "types")


@pytest.mark.parametrize("suffix", ["", "/links", "/neighbours"])
def test_unknown_ids_are_404_problems(api: TestClient, seeded: Seeded, suffix: str) -> None:
    assert_problem(api.get(f"/organisations/org:xx:nobody{suffix}"), 404, "org:xx:nobody")
    # An id of another label is not an organisation either.
    assert_problem(api.get(f"/organisations/{seeded.person.id}{suffix}"), 404, "Person")


def test_html_in_names_is_returned_as_data(api: TestClient, seeded: Seeded) -> None:
    response = api.get(f"/organisations/{seeded.scripted.id}")
    assert response.headers["content-type"] == "application/json"
    assert response.json()["name"] == "<script>alert('x')</script> Labs"
    assert "<script>" in response.text  # JSON-escaped text, never rendered as markup


def test_openapi_documents_the_resources(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/organisations",
        "/organisations/{org_id}",
        "/organisations/{org_id}/links",
        "/organisations/{org_id}/neighbours",
        "/people",
        "/people/{person_id}",
        "/documents",
        "/documents/{doc_id}",
        "/ingest/{source}",
        "/extract",
    ):
        assert path in paths, path
    assert "404" in paths["/organisations/{org_id}"]["get"]["responses"]
    schemas = spec["components"]["schemas"]
    assert {"OrganisationPage", "OrganisationProfile", "Link", "EvidenceOut"} <= set(schemas)
    assert schemas["EvidenceOut"]["properties"]["source"]["examples"]
