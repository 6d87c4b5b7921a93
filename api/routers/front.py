"""The front page: the graph for people who do not write code. Server-rendered HTML, no
JavaScript (the maps it links to have their own).

`GET /` explains the graph, searches organisations by name (`q`), links every kind of map, and
for one organisation (`org`) shows its profile, its neighbourhood map and the evidence behind
each of its links. Every value from the data is escaped by Jinja's autoescaping; hrefs are built
here, from our own paths or from http(s) URLs only. The Content-Security-Policy lets nothing run
and nothing load but our stylesheet (by hash) and our own maps (in a frame).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import DictLoader, Environment, StrictUndefined, Template

from api.deps import StoreDep
from api.models import EvidenceOut
from api.routers.analysis import AnalyticsDep
from api.routers.organisations import (
    Link,
    LinkType,
    OrganisationProfile,
    get_organisation,
    get_organisation_links,
)
from graph.analytics.links import LinkFilter
from graph.analytics.service import Analytics
from graph.analytics.strongholds import StrongholdsResult
from graph.errors import NotFoundError
from graph.model import Organisation
from graph.store import GraphStore

router = APIRouter(tags=["pages"])

TEMPLATE, STYLESHEET = "front.html.j2", "front.css"
MAX_RESULTS = 50  # search hits listed
MAX_LINKS = 100  # links shown on an organisation's page; the page says how many there are
MAX_STRONGHOLDS = 5
SITE = "Medicon Valley knowledge graph"
_WEB = ("http", "https")


# ---------------------------------------------------------------------------- what the page shows


@dataclass(frozen=True, slots=True)
class Anchor:
    href: str
    text: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of a list: a link and a few words about it."""

    label: str
    href: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class SearchRow:
    name: str
    href: str
    details: str


@dataclass(frozen=True, slots=True)
class EvidenceView:
    sentence: str
    where: str
    href: str | None
    date: str | None
    by: str


@dataclass(frozen=True, slots=True)
class LinkView:
    what: str
    when: str
    other_name: str
    other_href: str | None
    other_details: str
    evidence: list[EvidenceView]
    more: str | None


@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: str
    name: str
    facts: list[tuple[str, str | Anchor]]
    ego_href: str
    ego2_href: str
    links: list[LinkView] = field(default_factory=list)
    links_total: int = 0


@dataclass(frozen=True, slots=True)
class Totals:
    organisations: int
    links: int


class Paths:
    """Our own URLs, under the app's root path (when served behind a prefix)."""

    def __init__(self, request: Request) -> None:
        self.root = str(request.scope.get("root_path", "")).rstrip("/")

    def __call__(self, path: str, **params: object) -> str:
        query = {k: v for k, v in params.items() if v is not None}
        return self.root + path + (f"?{urlencode(query)}" if query else "")

    def organisation(self, org_id: str) -> str:
        return self("/", org=org_id)


# ---------------------------------------------------------------------------- route


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="The front page, for people",
    responses={
        200: {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
        404: {
            "description": "`org` names no organisation; the page says so",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
)
def front_page(
    request: Request,
    store: StoreDep,
    analytics: AnalyticsDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Organisations to find by name")
    ] = None,
    org: Annotated[
        str | None, Query(max_length=500, description="Show this organisation (its id)")
    ] = None,
) -> HTMLResponse:
    """An explanation, a search box, links to the maps, and for `org` its profile, its map and
    the evidence behind its links."""
    paths = Paths(request)
    query = (q or "").strip()
    context: dict[str, Any] = {
        "title": SITE,
        "q": query,
        "results": search(store, query, paths) if query else [],
        "org": None,
        "message": None,
        "maps": [],
        "strongholds": [],
        "strongholds_title": "",
        "totals": None,
    }
    if org is None:
        context.update(start_context(analytics, paths))
        return render(200, context, paths)
    try:
        view = organisation_view(store, org, paths)
    except NotFoundError:
        context["title"] = f"Not found · {SITE}"
        context["message"] = (
            f"No organisation has the id “{org}”. Search for it by name above, or start from "
            "the maps on the front page."
        )
        return render(404, context, paths)
    context.update(org=view, title=f"{view.name} · {SITE}")
    return render(200, context, paths)


def render(status: int, context: dict[str, Any], paths: Paths) -> HTMLResponse:
    page = _template().render(
        style=_stylesheet(),
        home=paths("/"),
        docs_href=paths("/docs"),
        path_href=paths("/maps/path.html"),
        **context,
    )
    return HTMLResponse(page, status_code=status, headers=page_headers())


def page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


# ---------------------------------------------------------------------------- sections


def search(store: GraphStore, text: str, paths: Paths) -> list[SearchRow]:
    hits = store.search(text, labels=["Organisation"], limit=MAX_RESULTS)
    return [
        SearchRow(name=h.node.name, href=paths.organisation(h.node.id), details=_where(h.node))
        for h in hits
        if isinstance(h.node, Organisation)
    ]


def organisation_view(store: GraphStore, org_id: str, paths: Paths) -> OrganisationView:
    """Raises NotFoundError when `org_id` is not an organisation."""
    profile = get_organisation(org_id, store)
    links = get_organisation_links(
        org_id, store, types=None, min_confidence=0.0, since=None, until=None,
        limit=MAX_LINKS, offset=0,
    )  # fmt: skip
    return OrganisationView(
        id=profile.id,
        name=profile.name,
        facts=_facts(profile),
        ego_href=paths("/maps/ego.html", org=profile.id),
        ego2_href=paths("/maps/ego.html", org=profile.id, hops=2),
        links=[_link_view(profile, link, paths) for link in links.items],
        links_total=links.total,
    )


def start_context(analytics: Analytics, paths: Paths) -> dict[str, Any]:
    """The front page without an organisation: the size of the graph and the maps."""
    common, strongholds = stronghold_entries(analytics, paths)
    title = "Strongholds on both sides of the Øresund" if common else "Maps by topic"
    return {
        "maps": map_entries(paths),
        "strongholds": strongholds,
        "strongholds_title": title,
        "totals": totals(analytics),
    }


def map_entries(paths: Paths) -> list[Entry]:
    return [
        Entry(
            "Cross-border map",
            paths("/maps/cross-border.html"),
            "Danish organisations west and Swedish east of the Øresund, placed by city; the "
            "links across the border stand out.",
        ),
        Entry(
            "Cross-border map by region",
            paths("/maps/cross-border.html", grouping="region"),
            "the same, coloured by region: Capital Region, Zealand, Skåne.",
        ),
        Entry(
            "Ecosystem map",
            paths("/maps/ecosystem.html"),
            "every organisation with a link, wherever it is, coloured by country.",
        ),
        Entry(
            "News links",
            paths("/maps/ecosystem.html", layer="news"),
            "only the links reported in the news.",
        ),
    ]


def stronghold_entries(analytics: Analytics, paths: Paths) -> tuple[bool, list[Entry]]:
    """Topics strong on both sides and tied across the border (True), else the top topics."""
    result = analytics.run("strongholds")
    assert isinstance(result, StrongholdsResult)
    common = [t for t in result.topics if t.common_stronghold]
    chosen = (common or result.topics)[:MAX_STRONGHOLDS]
    side_a, side_b = [*result.sides, "", ""][:2]
    return bool(common), [
        Entry(
            _words(t.topic).capitalize(),
            paths("/maps/stronghold.html", topic=t.topic),
            f"{t.organisations_a} organisations in {side_a}, {t.organisations_b} in {side_b}, "
            f"{t.links_across} link{'' if t.links_across == 1 else 's'} across",
        )
        for t in chosen
    ]


def totals(analytics: Analytics) -> Totals:
    links = analytics.link_graph(LinkFilter())
    return Totals(organisations=len(links.orgs), links=len(links.links))


# ---------------------------------------------------------------------------- helpers


def _facts(profile: OrganisationProfile) -> list[tuple[str, str | Anchor]]:
    facts: list[tuple[str, str | Anchor]] = [
        ("Kind", _words(profile.kind)),
        ("Country", _country(profile.country)),
    ]
    optional: list[tuple[str, str | Anchor | None]] = [
        ("Region", profile.region),
        ("City", profile.city),
        ("Also known as", "; ".join(profile.aliases)),
        ("Website", _web_anchor(profile.website, profile.website)),
        ("Identifiers", "; ".join(f"{k}: {v}" for k, v in sorted(profile.identifiers.items()))),
        ("Topics", ", ".join(_words(t) for t in profile.topics)),
        ("People", "; ".join(_person(p.person.name, p.role) for p in profile.people)),
        ("Sources", ", ".join(profile.sources)),
        ("Id", profile.id),
    ]
    return facts + [(name, value) for name, value in optional if value]


def _link_view(profile: OrganisationProfile, link: Link, paths: Paths) -> LinkView:
    other = link.other
    is_org = other.label == "Organisation"
    details = [other.label.lower()] if not is_org else []
    details += [_words(other.kind)] if other.kind else []
    details += [other.country] if other.country else []
    more = link.evidence_total - len(link.evidence)
    hidden = f"{more} older piece{'' if more == 1 else 's'} of evidence not shown."
    return LinkView(
        what=_what(link, profile.name, other.name),
        when=_when(link),
        other_name=other.name,
        other_href=paths.organisation(other.id) if is_org else None,
        other_details=", ".join(details),
        evidence=[_evidence_view(e) for e in link.evidence],
        more=hidden if more > 0 else None,
    )


def _what(link: Link, this: str, other: str) -> str:
    """The link in words, naming who does what to whom when the link has a direction."""
    if link.type == LinkType.SUBSIDIARY_OF:
        child, parent = (this, other) if link.direction == "outgoing" else (other, this)
        return f"Ownership: {child} is a subsidiary of {parent}."
    if link.type == LinkType.PARTICIPATES_IN:
        role = f" as {_words(link.role)}" if link.role else ""
        return f"{this} takes part in {other}{role}."
    what = _words(link.subtype or "collaboration").capitalize()
    if link.direction == "outgoing":
        return f"{what}, from {this} to {other}."
    if link.direction == "incoming":
        return f"{what}, from {other} to {this}."
    return f"{what} with {other}."


def _when(link: Link) -> str:
    parts = []
    if link.start or link.end:
        parts.append(f"from {link.start or '?'} to {link.end or 'now'}")
    if link.first_seen:
        seen = link.first_seen
        if link.last_seen and link.last_seen != link.first_seen:
            seen += f" to {link.last_seen}"
        parts.append(f"reported {seen}")
    sources = f"{link.corroboration} source{'' if link.corroboration == 1 else 's'}"
    parts.append(f"{sources}, confidence {link.confidence:.2f}")
    return "; ".join(parts).capitalize() + "."


def _evidence_view(evidence: EvidenceOut) -> EvidenceView:
    href = _web_url(evidence.url)
    return EvidenceView(
        sentence=evidence.sentence or "(the source states it without a sentence)",
        where=(urlsplit(href).hostname or href) if href else evidence.source,
        href=href,
        date=evidence.date,
        by=f"found by {evidence.extractor}, confidence {evidence.confidence:.2f}",
    )


def _web_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL (never javascript:, data: or relative)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return parts.geturl() if parts.scheme.lower() in _WEB and parts.hostname else None


def _web_anchor(url: str | None, text: str | None) -> Anchor | str | None:
    href = _web_url(url)
    return Anchor(href, text or href) if href else text


def _where(org: Organisation) -> str:
    place = ", ".join(p for p in (org.city, org.country) if p)
    return " · ".join(p for p in (_words(org.kind), place) if p)


def _person(name: str, role: str | None) -> str:
    return f"{name} ({role})" if role else name


def _words(slug: str) -> str:
    return str(slug).replace("_", " ")


@cache
def _country(code: str | None) -> str:
    if not code:
        return "not known"
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return f"{code} ({country.name})" if country is not None else code


# ---------------------------------------------------------------------------- template and policy


@cache
def _template() -> Template:
    env = Environment(
        loader=DictLoader({TEMPLATE: _read(TEMPLATE)}),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE)


@cache
def _stylesheet() -> str:
    css = _read(STYLESHEET).replace("\r\n", "\n").replace("\r", "\n")
    if "<" in css:
        raise RuntimeError(f"api/templates/{STYLESHEET} must not contain '<' (inlined in <style>)")
    return css


@cache
def policy() -> str:
    """Only our stylesheet applies; nothing runs; only our own maps load, in a frame; forms
    submit here; no one may frame this page."""
    digest = base64.b64encode(hashlib.sha256(_stylesheet().encode("utf-8")).digest()).decode()
    return (
        "default-src 'none'; "
        f"style-src 'sha256-{digest}'; "
        "img-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


def _read(name: str) -> str:
    return (resources.files("api") / "templates" / name).read_text(encoding="utf-8")
