"""Ingestion benchmark (not a test): full rebuild, adding one document, reload, index memory.

    python -m eval.bench_ingest [--newdocs ../shared/newdocs]

Builds a corpus of the project's documents and the real documents of ../shared/newdocs (texts
and the pages given only as HTML), all in a temporary folder, then: a full build with nothing
cached; adding one document of ~55 clauses with `policyqa add`'s library path (only its clauses are
embedded) and loading the new index as the server does on reload; the index's size on disk, its
load time and the memory the loaded index takes (RSS before and after, one process).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from .harness import ROOT


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--newdocs", default=str(ROOT.parent / "shared" / "newdocs"))
    parser.add_argument("--add", default="gz-public-rental-housing-2024.html", help="the one document added last (in originals/)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rag.embed import Embedder
    from rag.index import build_index, load_index
    from rag.ingest import Options, add
    from rag.pipeline import Pipeline

    newdocs = Path(args.newdocs)
    embedder = Embedder("m3e-small")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(ROOT / "corpus", corpus)
        others = sorted(newdocs.glob("*.txt")) + [p for p in sorted((newdocs / "originals").glob("*.html")) if p.name != args.add]
        add(others, corpus, Options())
        started = time.perf_counter()
        full = build_index(corpus, index_dir, embedder)
        full_seconds = time.perf_counter() - started
        started = time.perf_counter()
        reports = add([newdocs / "originals" / args.add], corpus, Options())
        index = build_index(corpus, index_dir, embedder)
        before = rss_mb()
        loaded_at = time.perf_counter()
        loaded = load_index(index_dir, corpus, str(embedder.path))
        Pipeline(loaded, embedder).ask("预热")
        add_seconds = time.perf_counter() - started
        load_seconds = time.perf_counter() - loaded_at
        after = rss_mb()
        size = sum(p.stat().st_size for p in index_dir.iterdir()) / 2**20
        print(f"full build: {full.manifest['counts']['documents']} documents, {full.manifest['counts']['clauses']} clauses, {full_seconds:.1f} s")
        print(f"add one ({reports[0].clauses} clauses, {reports[0].action}) + rebuild + load as the server reloads: {add_seconds:.1f} s")
        print(f"index: {index.manifest['counts']}, {size:.1f} MB on disk, load + warm-up {load_seconds:.2f} s, RSS +{after - before:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
