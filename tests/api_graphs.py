"""Helpers of the API resource and write tests (tests/service): an app on a given store (with
the resource routers included while the app factory does not include them yet), clients that
close after the test, the API key, a small seeded graph whose every relation carries evidence,
and a check of problem+json answers. Imported by name, like `small_graphs`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.model import (
    Document,
    DocumentKind,
    Evidence,
    Organisation,
    Person,
    Place,
    Project,
    Relation,
    RelType,
    Topic,
)
from graph.store import GraphStore

API_KEY = "test-key-" + "x" * 24


def api_app(store: GraphStore, **settings: object) -> FastAPI:
    values = {"store": "sqlite:///unused.db", "api_keys": API_KEY, **settings}
    app = create_app(Settings(_env_file=None, **values), store=store)  # type: ignore[call-arg]
    return app


class Clients:
    """Started TestClients on stores; `close()` stops them all."""

    def __init__(self) -> None:
        self._clients: list[TestClient] = []

    def __call__(self, store: GraphStore, **settings: object) -> TestClient:
        client = TestClient(api_app(store, **settings))
        client.__enter__()
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.__exit__(None, None, None)


@dataclass(frozen=True)
class Seeded:
    nordic: Organisation
    lund: Organisation
    devices: Organisation
    scripted: Organisation
    oresund: Organisation
    project: Project
    person: Person
    news: Document
    record: Document
    topic: Topic
    place: Place
    collaboration: Relation


def _evidence(
    source: str, text: str, *, date: str | None, confidence: float, url: str | None
) -> Evidence:
    return Evidence(
        source=source,
        text=text,
        date=date,
        confidence=confidence,
        extractor="test-extractor",
        extractor_version="1",
        url=url,
    )


def seed_graph(store: GraphStore) -> Seeded:
    """Five organisations (one named with HTML), a project, a person, two documents, a topic
    and a place, with collaborations, a parent, participations, a role, mentions, a topic and a
    location; each relation with evidence."""
    nordic = Organisation(
        name="Nordic Bio A/S",
        kind="company",
        country="DK",
        region="Capital Region",
        city="Copenhagen",
        lat=55.68,
        lon=12.57,
        website="https://nordic-bio.example",
        aliases=("Nordic Bio",),
        identifiers={"cvr": "12345678"},
        topics=("metabolism",),
        sources=("test",),
    )
    lund = Organisation(name="Lund University", kind="university", country="SE", city="Lund")
    devices = Organisation(name="Skåne Devices AB", kind="company", country="SE", city="Malmö")
    scripted = Organisation(name="<script>alert('x')</script> Labs", kind="company", country="DK")
    oresund = Organisation(name="Øresund Pharma", kind="company", country="DK")
    project = Project(name="Diabetes Bridge", kind="interreg", start="2019-01-01", end="2022-12-31")
    person = Person(name="Anna Berg")
    news = Document(
        url="https://news.example/nordic-lund",
        title="Nordic Bio and Lund University team up on diabetes",
        published="2024-03-01",
        publisher="news.example",
        language="en",
        text="Nordic Bio and Lund University signed a research collaboration on diabetes. "
        "Anna Berg, CEO of Nordic Bio, said the work starts in Lund." + " More text." * 2_200,
    )
    record = Document(
        url="https://registry.example/records/1",
        title="Company register extract",
        published="2018-05-01",
        kind=DocumentKind.REGISTRY_RECORD,
    )
    topic = Topic(name="diabetes")
    place = Place(name="Lund", kind="city", country="SE")
    sentence = "Nordic Bio and Lund University signed a research collaboration on diabetes."

    def from_news(text: str, confidence: float = 0.85) -> Evidence:
        return _evidence(news.id, text, date=news.published, confidence=confidence, url=news.url)

    def from_record(text: str, date: str | None = "2018-05-01") -> Evidence:
        return _evidence(record.id, text, date=date, confidence=1.0, url=record.url)

    collaboration = Relation(
        type=RelType.COLLABORATES_WITH,
        source=nordic.id,
        target=lund.id,
        subtype="research_collaboration",
        evidence=[from_news(sentence)],
    )
    relations = [
        collaboration,
        Relation(
            type=RelType.COLLABORATES_WITH,
            source=nordic.id,
            target=scripted.id,
            subtype="partnership",
            evidence=[
                _evidence(
                    "rumour:1", "They may work together.", date=None, confidence=0.4, url=None
                )
            ],
        ),
        Relation(
            type=RelType.COLLABORATES_WITH,
            source=nordic.id,
            target=oresund.id,
            subtype="licensing",
            evidence=[
                from_record("Nordic Bio licensed its platform to Øresund Pharma.", "2021-06")
            ],
        ),
        Relation(
            type=RelType.SUBSIDIARY_OF,
            source=devices.id,
            target=nordic.id,
            evidence=[from_record("Skåne Devices AB is owned by Nordic Bio A/S.")],
        ),
        Relation(
            type=RelType.PARTICIPATES_IN,
            source=nordic.id,
            target=project.id,
            role="coordinator",
            start=project.start,
            end=project.end,
            evidence=[from_record("Nordic Bio coordinates Diabetes Bridge.", "2019-01-01")],
        ),
        Relation(
            type=RelType.PARTICIPATES_IN,
            source=lund.id,
            target=project.id,
            role="partner",
            evidence=[
                from_record("Lund University is a partner of Diabetes Bridge.", "2019-01-01")
            ],
        ),
        Relation(
            type=RelType.HAS_ROLE,
            source=person.id,
            target=nordic.id,
            role="CEO",
            evidence=[from_news("Anna Berg, CEO of Nordic Bio", 0.8)],
        ),
        Relation(
            type=RelType.ACTIVE_IN,
            source=nordic.id,
            target=topic.id,
            evidence=[from_news(sentence, 0.7)],
        ),
        Relation(
            type=RelType.LOCATED_IN,
            source=lund.id,
            target=place.id,
            evidence=[from_record("Lund University, Lund")],
        ),
        *(
            Relation(
                type=RelType.MENTIONED_IN,
                source=node_id,
                target=news.id,
                evidence=[from_news(name, 0.9)],
            )
            for node_id, name in (
                (nordic.id, "Nordic Bio"),
                (lund.id, "Lund University"),
                (place.id, "Lund"),
                (topic.id, "diabetes"),
            )
        ),
    ]
    store.upsert_nodes(
        [nordic, lund, devices, scripted, oresund, project, person, news, record, topic, place]
    )
    store.upsert_relations(relations)
    return Seeded(
        nordic=nordic,
        lund=lund,
        devices=devices,
        scripted=scripted,
        oresund=oresund,
        project=project,
        person=person,
        news=news,
        record=record,
        topic=topic,
        place=place,
        collaboration=collaboration,
    )


def assert_problem(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    """The response is an application/problem+json of `status` whose detail holds `words`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    for word in words:
        assert word in body["detail"], body["detail"]
    return body
