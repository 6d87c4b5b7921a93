"""Throughput of each registry loader on its real sample, alone and through the pipeline.

For every source: records/s of the loader alone (parse, validate, build the model) and of the
whole ingest into a fresh embedded store (plus entity resolution, geography, writes), measured
in the same run. The samples are small, so each is repeated until it has run for ~1 s.

    make bench            # or: .venv/bin/python bench/loader_bench.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"

from graph.store import open_store  # noqa: E402
from ingest.pipeline import ingest_paths, loader_for  # noqa: E402
from ingest.report import IngestReport  # noqa: E402

SAMPLES: dict[str, list[Path]] = {
    "ror": [SHARED / "ror" / "ror_v2_dk_se_dump.json", SHARED / "ror" / "ror_v1_dk_se_dump.json"],
    "cordis": [SHARED / "cordis_derived"],
    "ctgov": [SHARED / "clinicaltrials_gov" / "legacy_xml"],
    "gleif": [SHARED / "gleif"],
    "cvr": [SHARED / "cvr"],
    "openalex": [SHARED / "openalex"],
    "interreg": [SHARED / "interreg"],
    "eufunds": [SHARED / "eu_structural_funds"],
}
MIN_SECONDS = 1.0


def loader_only(source: str, paths: list[Path]) -> tuple[int, float]:
    loader = loader_for(source)
    runs, records, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < MIN_SECONDS or runs == 0:
        report = IngestReport(source=source)
        for path in paths:
            for _ in loader(path, report):
                pass
        records += report.read
        runs += 1
    return records, time.perf_counter() - start


def through_pipeline(source: str, paths: list[Path]) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/g.db") as store:
        start = time.perf_counter()
        report = ingest_paths(source=source, paths=paths, store=store)
        return report.read, time.perf_counter() - start


def main() -> None:
    if not SHARED.is_dir():
        sys.exit(f"the samples are not at {SHARED}")
    print("loader benchmark: records/s on the real samples in ../shared/data")
    print(f"{'source':10} {'records':>8} {'loader rec/s':>13} {'ingest rec/s':>13} {'ingest s':>9}")
    for source, paths in SAMPLES.items():
        try:
            loader_for(source)
        except ImportError:
            print(f"{source:10} (loader not installed)")
            continue
        records, seconds = loader_only(source, paths)
        once, ingest_seconds = through_pipeline(source, paths)
        print(
            f"{source:10} {once:>8,} {records / seconds:>13,.0f} {once / ingest_seconds:>13,.0f} "
            f"{ingest_seconds:>9.2f}"
        )


if __name__ == "__main__":
    main()
