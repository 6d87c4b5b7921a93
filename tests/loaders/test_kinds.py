"""The shared kind-from-name rules (ingest.kinds) on Danish, Swedish and English names."""

from __future__ import annotations

import pytest

from graph.model import OrgKind
from ingest.kinds import kind_from_name

UNI, HOSP, INST = OrgKind.UNIVERSITY, OrgKind.HOSPITAL, OrgKind.RESEARCH_INSTITUTE
AGENCY, FOUND, COMPANY = OrgKind.PUBLIC_AGENCY, OrgKind.FOUNDATION, OrgKind.COMPANY


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        # Danish
        ("Københavns Universitet", UNI),
        ("Danmarks Tekniske Universitet", UNI),
        ("Professionshøjskolen Absalon", UNI),
        ("Handelshøjskolen i Århus", UNI),
        ("Rigshospitalet", HOSP),
        ("Sjællands Universitetshospital, Køge", HOSP),
        ("Odense Universitetshospital", HOSP),
        ("Regionshospitalet Randers", HOSP),
        ("Sygehus Sønderjylland", HOSP),
        ("Teknologisk Institut", INST),
        ("Alexandra Instituttet A/S", INST),
        ("Region Hovedstaden", AGENCY),
        ("Københavns Kommune", AGENCY),
        ("Bornholms Regionskommune", AGENCY),
        ("Erhvervsstyrelsen", AGENCY),
        ("Uddannelses- og Forskningsministeriet", AGENCY),
        ("Jobcenter Aalborg", AGENCY),
        ("Novo Nordisk Fonden", FOUND),
        ("Lundbeckfonden", FOUND),
        ("Fonden Offshore Center Danmark", FOUND),
        ("Den Erhvervsdrivende Fond Development Centre UMT", FOUND),
        ("Novo Nordisk A/S", COMPANY),
        ("Fiktiv Konsulent ApS", COMPANY),
        ("Arla Foods amba", COMPANY),
        ("MIRANOVA FONDSMÆGLERSELSKAB A/S", COMPANY),
        # Swedish
        ("Lunds universitet", UNI),
        ("Högskolan Kristianstad", UNI),
        ("Chalmers tekniska högskola AB", UNI),
        ("Karolinska Institutet", UNI),
        ("Skånes universitetssjukhus", HOSP),
        ("Karolinska Universitetssjukhuset", HOSP),
        ("Sahlgrenska sjukhuset", HOSP),
        ("Helsingborgs lasarett", HOSP),
        ("Sveriges Tekniska Forskningsinstitut", INST),
        ("European Spallation Source ERIC", INST),
        ("Region Skåne", AGENCY),
        ("Västra Götalandsregionen", AGENCY),
        ("Malmö kommun", AGENCY),
        ("Malmö stad", AGENCY),
        ("Länsstyrelsen i Skåne län", AGENCY),
        ("Trafikverket", AGENCY),
        ("Stiftelsen Tem vid Lunds universitet", FOUND),
        ("Fiktiv Sjukhusstiftelse i Skåne", FOUND),
        ("Gun och Bertil Stohnes Stiftelse", FOUND),
        ("Hjärnfonden", FOUND),
        ("Camurus AB", COMPANY),
        ("Camurus AB (publ)", COMPANY),
        ("Sydsvensk Entreprenörfond AB", COMPANY),
        ("Aktiebolaget Fiktiv", COMPANY),
        # English and others
        ("University of Copenhagen", UNI),
        ("KTH Royal Institute of Technology", UNI),
        ("King's College London", UNI),
        ("Technische Hochschule Lübeck", UNI),
        ("Copenhagen University Hospital", HOSP),
        ("Skåne University Hospital", HOSP),
        ("Universitätsklinikum Hamburg-Eppendorf", HOSP),
        ("Swedish Meteorological and Hydrological Institute", INST),
        ("Novo Nordisk Foundation Center for Basic Metabolic Research", INST),
        ("New England Center for Clinical Research", INST),
        ("Danish Medicines Agency", AGENCY),
        ("Ministry for Foreign Affairs", AGENCY),
        ("Capital Region of Denmark", AGENCY),
        ("The Velux Foundations", FOUND),
        ("General Hospital of Malmö Foundation for Fighting Cancer", FOUND),
        ("Fictional Hospital Foundation of Scania", FOUND),
        ("Robert Bosch Stiftung", FOUND),
        ("Siemens Healthcare GmbH", COMPANY),
        ("AstraZeneca Ltd", COMPANY),
        ("Pfizer Inc.", COMPANY),
        ("Equinor ASA", COMPANY),
        ("KCI Europe Holding B.V.", COMPANY),
    ],
)
def test_kind_from_name(name: str, kind: OrgKind) -> None:
    assert kind_from_name(name) is kind


@pytest.mark.parametrize(
    "name",
    [
        "Business Region Göteborg",  # a trade name, no region
        "Sunderby folkhögskola",  # a folk high school, no university
        "The Swedish Research Council",
        "Danish Diabetes Association",
        "Shaare Zedek Medical Center",  # a centre that is no research institute
        "Zealand Business College",  # a vocational school
        "Hospitality Partners",
        "Lunds stift",
    ],
)
def test_names_that_state_no_kind_give_the_default(name: str) -> None:
    assert kind_from_name(name) is None
    assert kind_from_name(name, OrgKind.OTHER) is OrgKind.OTHER


def test_the_name_is_read_without_case_or_diacritics() -> None:
    assert kind_from_name("HOGSKOLAN I BORAS") is UNI
    assert kind_from_name("SKANES UNIVERSITETSSJUKHUS") is HOSP
    assert kind_from_name("LANSSTYRELSEN I SKANE") is AGENCY
    assert kind_from_name("Koebenhavns  Universitet") is UNI
