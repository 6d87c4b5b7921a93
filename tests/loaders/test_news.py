"""The news loader on the real GlobeNewswire press-release sample and on files of our own.

Fixtures (tests/fixtures/news, all written for these tests): an RSS 2.0 feed with 3 items, an
Atom feed with 2 entries, an article page with page chrome, a broken page, a feed with bad XML,
a feed with an entity-expansion bomb, JSON Lines with invalid lines, the same article twice, an
empty text file, a plain-text article and a CSV in ISO-8859-1. Big files are made in tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from graph.model import MAX_TEXT_LENGTH, Document
from ingest.base import Extract
from ingest.errors import SourceNotFoundError
from ingest.news import MAX_FILE_BYTES, load_news, parse_date
from ingest.report import IngestReport

SAMPLE = SHARED_DATA / "press_releases" / "globenewswire_biotech_dk_se_subset.csv"
SAMPLE_NAME = SAMPLE.name
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news"
GNW = "https://www.globenewswire.com/news-release/"


def _load(path: Path) -> tuple[list[Extract], IngestReport]:
    report = IngestReport(source="news")
    return list(load_news(path, report)), report


def _docs(path: Path) -> tuple[list[Document], IngestReport]:
    extracts, report = _load(path)
    for extract in extracts:
        assert len(extract.nodes) == 1 and not extract.relations
        assert extract.record == f"news:{extract.nodes[0].id}"
    return [e.nodes[0] for e in extracts], report  # type: ignore[misc]


def _by_where(path: Path) -> dict[str, Document]:
    extracts, _ = _load(path)
    return {e.where: e.nodes[0] for e in extracts}  # type: ignore[misc]


# ---------------------------------------------------------------------------- real sample


@pytest.fixture(scope="module")
def sample() -> tuple[list[Extract], IngestReport]:
    if not SAMPLE.is_file():
        pytest.skip(f"shared sample missing: {SAMPLE}")
    return _load(SAMPLE)


def test_every_press_release_is_one_document(sample) -> None:
    extracts, report = sample
    assert (report.read, report.accepted, report.rejected) == (118, 118, 0)
    assert len(extracts) == 118
    assert len({e.nodes[0].id for e in extracts}) == 118
    assert extracts[0].where == f"{SAMPLE_NAME} line 2"
    assert extracts[-1].where == f"{SAMPLE_NAME} line 119"
    docs = [e.nodes[0] for e in extracts]
    assert all(isinstance(d, Document) and d.kind == "news" for d in docs)
    assert all(d.url and d.url.startswith(GNW) for d in docs)
    assert all(d.published and len(d.published) == 10 for d in docs)
    assert sum(d.language == "en" for d in docs) == 59
    assert sum(d.language is None for d in docs) == 59  # the column is empty, nothing guessed


def test_placeholder_summaries_do_not_merge_press_releases(sample) -> None:
    extracts, _ = sample
    stubs = [e.nodes[0] for e in extracts if e.nodes[0].text == "Company Announcement"]
    # Identified by their text, these 44 Genmab releases would be one document.
    assert len(stubs) == 44
    assert len({d.id for d in stubs}) == len({d.url for d in stubs}) == 44


def test_two_rows_of_the_sample(sample) -> None:
    extracts, _ = sample
    rows = {e.where: e.nodes[0] for e in extracts}
    aeon = rows[f"{SAMPLE_NAME} line 2"]
    assert aeon.title == (
        "AEON Biopharma Presents Positive Results from Phase 2 Clinical Trial of ABP-450 "
        "(prabotulinumtoxinA) in Cervical Dystonia at the International Parkinson and Movement "
        "Disorders Society Congress®"
    )
    assert aeon.url == (
        GNW + "2023/08/29/2733326/0/en/AEON-Biopharma-Presents-Positive-Results-from-Phase-2-"
        "Clinical-Trial-of-ABP-450-prabotulinumtoxinA-in-Cervical-Dystonia-at-the-International-"
        "Parkinson-and-Movement-Disorders-Societ.html"
    )
    assert aeon.published == "2023-08-29"  # 2023-08-29 02:00:00-0400: the day as written
    assert aeon.language == "en"
    assert aeon.text is not None
    assert aeon.text.startswith("IRVINE, Calif., Aug. 29, 2023 (GLOBE NEWSWIRE) -- AEON")
    assert "Bella Center in Copenhagen, Denmark" in aeon.text

    evaxion = rows[f"{SAMPLE_NAME} line 3"]
    # The sample writes a no-break space in "15 millions"; titles are one line of plain spaces.
    assert (
        evaxion.title == "Evaxion annonce la clôture de son offre publique à 15 millions de dollars"
    )
    assert evaxion.url == (
        GNW + "2024/02/07/2825018/0/fr/Evaxion-annonce-la-cl%C3%B4ture-de-son-offre-publique-"
        "%C3%A0-15-millions-de-dollars.html"
    )
    assert evaxion.published == "2024-02-07"
    assert evaxion.language is None
    assert evaxion.text is not None and evaxion.text.startswith("COPENHAGUE, Danemark")


def test_a_genmab_row_has_publisher_and_text(sample) -> None:
    extracts, _ = sample
    rows = {e.where: e.nodes[0] for e in extracts}
    genmab = rows[f"{SAMPLE_NAME} line 37"]
    assert genmab.title == "Genmab Announces Financial Results for the First Quarter of 2024"
    assert genmab.publisher == "globenewswire.com"
    assert genmab.text == (
        "May 2, 2024 Copenhagen, Denmark; Interim Report for the First Quarter Ended March 31, 2024"
    )
    assert genmab.published == "2024-05-02"
    profound = rows[f"{SAMPLE_NAME} line 44"]
    assert profound.title == "Genmab Completes Acquisition of ProfoundBio"
    assert profound.publisher == "globenewswire.com"
    assert profound.text == "Company Announcement"


# ---------------------------------------------------------------------------- feeds


def test_rss_items() -> None:
    docs, report = _docs(FIXTURES / "feed_rss.xml")
    assert (report.read, report.accepted, report.rejected) == (3, 3, 0)
    seed, novo, danish = docs
    assert seed.title == "Lund start-up raises seed round"
    assert seed.url == "https://news.example.org/2024/03/lund-seed-round"
    assert seed.published == "2024-03-03"
    assert seed.publisher == "Medicon Valley Life Science News"
    assert seed.language == "en-GB"
    # HTML in the description: tags and the script gone, paragraphs kept, &nbsp; a space.
    assert seed.text == (
        "A Lund University spin-out has raised EUR 4 million to develop its antibody platform."
        "\n\nThe round was led by a Copenhagen investor fund."
    )
    assert "Jane Reporter" not in repr(seed)  # dc:creator is ignored

    # &amp;amp; and &amp;ouml; in the XML are HTML entities in the title: unescaped once more.
    assert novo.title == ("Novo Nordisk & Lund University extend diabetes collaboration in Malmö")
    assert novo.text == (
        "The partners renew their research agreement for five years — with new funding."
    )
    assert novo.url == "https://news.example.org/2024/04/novo-lund"  # guid is not a permalink
    assert novo.published == "2024-04-02"

    assert danish.title == "Ny forskningsaftale i København"
    assert danish.url == "https://news.example.org/2024/05/forskningsaftale"  # permalink guid
    assert danish.language == "da"  # xml:lang on the item
    assert danish.published is None  # "not a date": no reject


def test_atom_entries() -> None:
    docs, report = _docs(FIXTURES / "feed_atom.xml")
    assert (report.read, report.accepted, report.rejected) == (2, 2, 0)
    mark, biobank = docs
    assert mark.title == "Malmö-bolag får CE-märkning"
    assert mark.url == "https://nytt.example.se/artiklar/ce-markning"  # relative to the feed
    assert mark.published == "2024-06-01"  # published, not updated
    assert mark.publisher == "Skåne Life Science Nytt"
    assert mark.language == "sv"
    assert mark.text == (
        "Ett medicintekniskt bolag i Malmö har fått CE-märkning.\n\nProdukten lanseras i Norden."
    )
    assert biobank.url == "https://nytt.example.se/en/biobank"
    assert biobank.published == "2024-05-20"  # only updated
    assert biobank.language == "en"
    assert biobank.text == (
        "A new biobank opened in Helsingborg.\n\nIt serves Region Skåne hospitals."
    )


def test_bad_xml_is_one_reject_naming_file_and_line() -> None:
    extracts, report = _load(FIXTURES / "bad_feed.xml")
    assert extracts == []
    assert (report.read, report.accepted, report.rejected) == (1, 0, 1)
    (reject,) = report.rejects
    assert reject.where == "bad_feed.xml line 7 column 26"
    assert reject.reason == "invalid XML: mismatched tag"


def test_entity_bomb_is_refused() -> None:
    extracts, report = _load(FIXTURES / "bomb_feed.xml")
    assert extracts == []
    (reject,) = report.rejects
    assert reject.where == "bomb_feed.xml line 2"
    assert reject.reason.startswith("refused: the XML declares a DOCTYPE or ENTITY")


def test_external_entity_is_refused(tmp_path: Path) -> None:
    feed = tmp_path / "xxe.rss"
    feed.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<rss><channel><item><title>&x;</title><link>https://a.example/</link></item>"
        "</channel></rss>"
    )
    extracts, report = _load(feed)
    assert extracts == []
    assert [r.where for r in report.rejects] == ["xxe.rss line 2"]


def test_undeclared_html_entities_in_a_feed_are_characters(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "\n\n<?xml version='1.0'?><rss><channel><title>T</title><item>"
        "<title>Medicon&nbsp;Valley&hellip;</title><link>https://a.example/1</link>"
        "</item></channel></rss>"
    )
    (doc,), report = _docs(feed)
    assert doc.title == "Medicon Valley…"
    assert report.rejected == 0


def test_one_bad_item_does_not_cost_the_feed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    items = [
        "<item><title>Good one</title><link>https://a.example/1</link></item>",
        f"<item><title>{'x' * 20_000}</title><link>https://a.example/2</link></item>",
        "<item><title>Title only, no link, no text</title></item>",
        "<item><title>Good two</title><link>https://a.example/3</link></item>",
    ]
    feed.write_text(f"<rss><channel><title>T</title>{''.join(items)}</channel></rss>")
    docs, report = _docs(feed)
    assert [d.title for d in docs] == ["Good one", "Good two"]
    assert [r.where for r in report.rejects] == ["feed.xml#1", "feed.xml#2"]
    assert "Document.title is 20000 characters long" in report.rejects[0].reason
    assert report.rejects[1].reason.startswith("no text and no url")


def test_xml_that_is_no_feed(tmp_path: Path) -> None:
    other = tmp_path / "catalog.xml"
    other.write_text("<?xml version='1.0'?><catalog><book/></catalog>")
    extracts, report = _load(other)
    assert extracts == []
    assert report.rejects[0].reason == "XML but neither RSS nor Atom: the root element is <catalog>"


# ---------------------------------------------------------------------------- HTML


def test_article_page_without_page_chrome() -> None:
    (doc,), report = _docs(FIXTURES / "article.html")
    assert report.rejected == 0
    assert doc.title == "Genmab and Lund University start antibody research partnership"
    assert doc.url == "https://avis.example.dk/2024/09/genmab-lund-partnership"  # canonical
    assert doc.published == "2024-09-12"  # article:published_time before <time>
    assert doc.publisher == "Øresund Biotech Avis"
    assert doc.language == "da-DK"
    assert doc.text is not None
    for paragraph in (
        "Copenhagen-based Genmab and Lund University have agreed a three-year research "
        "partnership on bispecific antibodies.",
        "The collaboration will be run from Medicon Village in Lund & from Genmab's laboratories "
        "in Copenhagen.",
        "Financial terms were not disclosed.",
    ):
        assert f"\n\n{paragraph}" in doc.text
    for chrome in (
        "NAV NEWS",
        "NAV JOBS",
        "HEADER TAGLINE",
        "FOOTER COPYRIGHT",
        "ASIDE RELATED",
        "not this article",
        "SCRIPT TEXT",
        "dataLayer",
        "INLINE SCRIPT",
        "font-family",
        "cookies",
        "Accept",
        "SHARE ON LINKEDIN",
        "FORM NEWSLETTER",
    ):
        assert chrome not in doc.text


def test_broken_page_still_gives_text() -> None:
    (doc,), report = _docs(FIXTURES / "broken.html")
    assert report.rejected == 0
    assert doc.title == "Broken page about Ferring in Copenhagen"
    assert doc.url is None
    assert doc.text is not None
    assert (
        "Ferring Pharmaceuticals opened a new research facility in Copenhagen\n\n"
        "The site will employ 200 scientists & technicians\n\n"
        "Construction started in 2022"
    ) in doc.text


def test_page_with_best_paragraph_block_and_no_article(tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    page.write_text(
        "<html><body><div id='top'><a href='/'>Home</a> <a href='/a'>About us</a></div>"
        "<div class='col'><div class='text'><p>First paragraph of the story about Lund.</p>"
        "<p>Second paragraph of the story.</p></div></div>"
        "<div class='teaser'><p>Short teaser</p></div>"
        "<time datetime='2024-02-01T10:00'>1 Feb</time></body></html>"
    )
    (doc,), _ = _docs(page)
    assert doc.text == "First paragraph of the story about Lund.\n\nSecond paragraph of the story."
    assert doc.published == "2024-02-01"
    assert doc.title is None and doc.language is None


# ---------------------------------------------------------------------------- JSON, CSV, text


def test_json_lines_with_invalid_lines() -> None:
    rows = _by_where(FIXTURES / "articles.jsonl")
    _, report = _load(FIXTURES / "articles.jsonl")
    assert sorted(rows) == [f"articles.jsonl line {n}" for n in (1, 3, 4, 5)]
    assert (report.read, report.accepted, report.rejected) == (6, 4, 2)
    assert [(r.where, r.reason) for r in report.rejects] == [
        (
            "articles.jsonl line 2",
            "invalid JSON: Expecting property name enclosed in double quotes (column 53)",
        ),
        ("articles.jsonl line 6", "expected a JSON object, got list"),
    ]
    plain = rows["articles.jsonl line 1"]  # {"id", "text", "language", "date"}
    assert plain.text == "Novozymes and Chr. Hansen complete their merger, creating Novonesis."
    assert (plain.language, plain.published, plain.url) == ("en", "2024-01-29", None)
    newsapi = rows["articles.jsonl line 3"]
    assert newsapi.publisher == "Dansk Sundhedsnyt"  # source: {"name": …}
    assert newsapi.published == "2024-02-15"


def test_text_in_an_unexpected_language_is_kept() -> None:
    rows = _by_where(FIXTURES / "articles.jsonl")
    japanese = rows["articles.jsonl line 4"]
    assert japanese.language == "ja"
    assert japanese.title == "ルンド大学の研究者が新しい抗体を発見"
    assert japanese.text is not None and japanese.text.startswith("ルンド大学の研究チーム")
    swedish = rows["articles.jsonl line 5"]  # Swedish text, no language given: none guessed
    assert swedish.language is None
    assert swedish.text is not None and "Malmö" in swedish.text


def test_the_same_article_twice_is_yielded_once() -> None:
    docs, report = _docs(FIXTURES / "duplicates.jsonl")
    assert len(docs) == 1
    assert docs[0].url == "https://example.org/a?utm_source=rss"  # the first copy
    # The second copy is read, but neither accepted nor rejected.
    assert (report.read, report.accepted, report.rejected) == (2, 1, 0)


def test_short_texts_with_urls_are_told_apart_by_url(tmp_path: Path) -> None:
    lines = [
        {"title": "Buy-back", "url": f"https://a.example/{n}", "text": "Company Announcement"}
        for n in (1, 2, 1)
    ]
    feed = tmp_path / "stubs.jsonl"
    feed.write_text("\n".join(json.dumps(line) for line in lines))
    docs, report = _docs(feed)
    assert [d.url for d in docs] == ["https://a.example/1", "https://a.example/2"]
    assert (report.read, report.accepted, report.rejected) == (3, 2, 0)


def test_latin1_csv_is_decoded() -> None:
    rows = _by_where(FIXTURES / "latin1.csv")
    factory = rows["latin1.csv line 2"]
    assert factory.title == "Ny fabrik i Kalundborg"
    assert factory.publisher == "Sjællandske Medier"
    assert factory.text is not None and factory.text.endswith("siger borgmesteren i København")
    assert "« en stor dag »" in factory.text
    assert (factory.published, factory.language) == ("2024-03-03", "da")  # 03.03.2024
    research = rows["latin1.csv line 3"]
    assert research.title == "Forskning i Malmö och Lund"
    assert (research.published, research.language) == ("2024-03-03", "sv")  # March 3, 2024


def test_csv_without_news_columns_is_one_reject(tmp_path: Path) -> None:
    table = tmp_path / "numbers.csv"
    table.write_text("a,b,c\n1,2,3\n")
    extracts, report = _load(table)
    assert extracts == []
    assert [r.where for r in report.rejects] == ["numbers.csv line 1"]
    assert report.rejects[0].reason.startswith("no news columns in the header (a, b, c)")


def test_csv_row_with_too_many_fields(tmp_path: Path) -> None:
    table = tmp_path / "news.csv"
    table.write_text('title,url\nOne,https://a.example/1\n"Two, with comma",x,y\n')
    docs, report = _docs(table)
    assert [d.title for d in docs] == ["One"]
    assert [(r.where, r.reason) for r in report.rejects] == [
        ("news.csv line 3", "the row has 3 fields; the header has 2")
    ]


def test_plain_text_article() -> None:
    (doc,), _ = _docs(FIXTURES / "article.txt")
    assert doc.title == "Medicon Valley Alliance names new chair"
    assert doc.text == (
        "Medicon Valley Alliance names new chair\n\n"
        "The cluster organisation Medicon Valley Alliance has elected a new chair of its board "
        "at the annual meeting in Copenhagen.\n\n"
        "The new chair previously led a life-science company in Lund."
    )
    assert (doc.url, doc.published, doc.publisher, doc.language) == (None, None, None, None)


def test_empty_text_files_are_rejected(tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n\t \n")
    for path, name in ((FIXTURES / "empty.txt", "empty.txt"), (blank, "blank.txt")):
        extracts, report = _load(path)
        assert extracts == []
        assert [(r.where, r.reason) for r in report.rejects] == [(name, "the file is empty")]


# ---------------------------------------------------------------------------- size limits


def test_a_5_mb_text_file_is_read_and_its_text_judged(tmp_path: Path) -> None:
    """5 MB is under the file limit, so the file is read (quickly); but 5 million characters
    are over what Document.text holds (MAX_TEXT_LENGTH), so the item is rejected, never cut."""
    paragraph = "Lund University and Novo Nordisk study diabetes in Medicon Valley. " * 10
    big = tmp_path / "big.txt"
    big.write_text("A long report\n\n" + "\n\n".join([paragraph.strip()] * 7_500))
    assert 5_000_000 < big.stat().st_size < MAX_FILE_BYTES
    extracts, report = _load(big)
    assert extracts == []
    (reject,) = report.rejects
    length = len("A long report") + 2 + 7_500 * len(paragraph.strip()) + 2 * 7_499
    assert reject == type(reject)(
        "big.txt", f"text is {length:,} characters; the limit is {MAX_TEXT_LENGTH:,}"
    )


def test_a_5_mb_page_with_an_article_under_the_limit_is_accepted(tmp_path: Path) -> None:
    chrome = "<nav>" + "<a href='/x'>menu entry</a>" * 50 + "</nav><script>var s = 1;</script>"
    article = "<article><p>" + "The article itself. " * 2_000 + "</p><p>The end.</p></article>"
    page = tmp_path / "big.html"
    page.write_text(f"<html><body>{chrome * 3_000}{article}{chrome * 600}</body></html>")
    assert page.stat().st_size > 5_000_000
    (doc,), report = _docs(page)
    assert report.rejected == 0
    assert doc.text == ("The article itself. " * 2_000).strip() + "\n\nThe end."


def test_text_length_limit_is_exact(tmp_path: Path) -> None:
    fits = tmp_path / "a_fits.jsonl"
    fits.write_text(json.dumps({"text": "x" * MAX_TEXT_LENGTH}) + "\n")
    over = tmp_path / "b_over.jsonl"
    over.write_text(json.dumps({"text": "y" * (MAX_TEXT_LENGTH + 1)}) + "\n")
    docs, report = _docs(tmp_path)
    assert [len(d.text or "") for d in docs] == [MAX_TEXT_LENGTH]
    assert [r.where for r in report.rejects] == ["b_over.jsonl line 1"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written
    extracts, report = _load(huge)
    assert extracts == []
    (reject,) = report.rejects
    assert reject.where == "huge.csv"
    assert reject.reason.startswith(f"the file is {MAX_FILE_BYTES + 1:,} bytes; the limit is")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "image.png"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    extracts, report = _load(blob)
    assert extracts == []
    assert report.rejects[0].reason.startswith("a binary file")


# ---------------------------------------------------------------------------- folders


def test_the_fixture_folder(tmp_path: Path) -> None:
    extracts, report = _load(FIXTURES)
    # 21 items: 15 accepted, 5 rejected, 1 duplicate (read only).
    assert (report.read, report.accepted, report.rejected) == (21, 15, 5)
    assert sorted(r.where for r in report.rejects) == [
        "articles.jsonl line 2",
        "articles.jsonl line 6",
        "bad_feed.xml line 7 column 26",
        "bomb_feed.xml line 2",
        "empty.txt",
    ]
    assert extracts[0].where == "article.html"  # files in sorted order


def test_folders_are_walked_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "one.txt").write_text("Title B\nText of b.")
    (tmp_path / "a" / "two.txt").write_text("Title A\nText of a.")
    (tmp_path / "a" / ".hidden.txt").write_text("Hidden\nnot read")
    (tmp_path / ".git" / "x.txt").write_text("Git\nnot read")
    (tmp_path / "c.txt").write_text("Title C\nText of c.")
    extracts, report = _load(tmp_path)
    assert [e.where for e in extracts] == ["a/two.txt", "b/one.txt", "c.txt"]
    assert report.read == 3


def test_loading_twice_gives_equal_documents() -> None:
    first, first_report = _load(FIXTURES)
    second, second_report = _load(FIXTURES)
    assert first == second
    assert first_report == second_report


def test_missing_path() -> None:
    with pytest.raises(SourceNotFoundError):
        _load(FIXTURES / "no-such-file.xml")


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 03 Mar 2024 10:00:00 +0100", "2024-03-03"),
        ("Tue, 5 Nov 2024 07:00 EST", "2024-11-05"),
        ("2024-03-03T10:00:00Z", "2024-03-03"),
        ("2024-03-03T23:30:00-05:00", "2024-03-03"),  # the day as written, not UTC
        ("2023-08-29 02:00:00-0400", "2023-08-29"),
        ("2024-03", "2024-03"),
        ("2024", "2024"),
        ("20240303", "2024-03-03"),
        ("2024/03/03", "2024-03-03"),
        ("March 3, 2024", "2024-03-03"),
        ("Aug.  29, 2023", "2023-08-29"),
        ("3 March 2024", "2024-03-03"),
        ("Sunday, March 3, 2024 at 10:00 AM", "2024-03-03"),
        ("May 2024", "2024-05"),
        ("03/03/2024", "2024-03-03"),
        ("13/04/2024", "2024-04-13"),
        ("04/13/2024", "2024-04-13"),
        ("03/04/2024", "2024"),  # day and month cannot be told apart
        ("03.04.2024", "2024-04-03"),  # dotted: day first
        (1709459200, "2024-03-03"),
        (1709459200000, "2024-03-03"),
        ("2024-02-30", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected
