"""`mvkg ingest` on the real registry samples: counts, resolution across sources, rejects,
idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED_DATA
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def ingest(store: str, source: str, *paths: Path, rejects: Path | None = None) -> tuple[int, dict]:
    args = ["ingest", source, *map(str, paths), "--store", store, "--json"]
    if rejects is not None:
        args += ["--rejects", str(rejects)]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 3), result.output
    return result.exit_code, json.loads(result.output)


def stats(store: str) -> dict:
    result = runner.invoke(app, ["stats", "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/graph.db"


def test_ror_v2_sample_alone(store_url: str, tmp_path: Path) -> None:
    code, report = ingest(
        store_url,
        "ror",
        SHARED_DATA / "ror" / "ror_v2_dk_se_dump.json",
        rejects=tmp_path / "rejects.jsonl",
    )
    assert code == 0 and report["read"] == 202 and report["rejected"] == 0
    by_country = stats(store_url)["organisations_by_country"]
    assert by_country["DK"] == 67 and by_country["SE"] == 135
    merges = runner.invoke(app, ["merges", "--store", store_url, "--json"])
    assert json.loads(merges.output) == []  # none merged with each other
    assert (tmp_path / "rejects.jsonl").read_text() == ""


def test_the_dump_and_the_folder_give_the_same_graph(tmp_path: Path) -> None:
    dump, folder = f"sqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db"
    ingest(dump, "ror", SHARED_DATA / "ror" / "ror_v2_dk_se_dump.json")
    ingest(folder, "ror", SHARED_DATA / "ror" / "v2")
    assert stats(dump) == stats(folder)


def test_ingesting_twice_changes_nothing(store_url: str) -> None:
    ingest(store_url, "ror", SHARED_DATA / "ror" / "ror_v1_dk_se_dump.json")
    first = stats(store_url)
    _, again = ingest(store_url, "ror", SHARED_DATA / "ror" / "ror_v1_dk_se_dump.json")
    assert stats(store_url) == first
    assert again["rejected"] == 0


def test_v1_and_v2_records_of_one_organisation_meet(store_url: str) -> None:
    ingest(store_url, "ror", SHARED_DATA / "ror" / "ror_v2_dk_se_dump.json")
    before = stats(store_url)["organisations_by_country"]
    ingest(store_url, "ror", SHARED_DATA / "ror" / "ror_v1_dk_se_dump.json")
    after = stats(store_url)["organisations_by_country"]
    # v1 holds 98 DK / 173 SE records; those also in v2 share their ROR id and add no node.
    assert before["DK"] <= after["DK"] <= before["DK"] + 98
    assert after["SE"] < before["SE"] + 173


def test_a_broken_file_is_rejected_by_name_and_the_rest_goes_in(
    store_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "https://ror.org/012a77v79", "names": [', encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    code, report = ingest(store_url, "ror", broken, SHARED_DATA / "ror" / "v2", rejects=rejects)
    assert code == 3
    assert report["rejected"] == 1 and report["accepted"] == 202
    (line,) = rejects.read_text(encoding="utf-8").splitlines()
    assert "broken.json" in json.loads(line)["where"]
    assert stats(store_url)["organisations_by_country"]["SE"] == 135


def test_unknown_source_and_missing_path_are_clear_errors(store_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "nosuch", str(tmp_path), "--store", store_url])
    assert result.exit_code == 1 and "choose one of" in result.output
    result = runner.invoke(
        app, ["ingest", "ror", str(tmp_path / "absent.json"), "--store", store_url]
    )
    assert result.exit_code == 1 and "does not exist" in result.output
