import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexCorrupt, IndexMissing, IndexStale
from rag.index import MANIFEST, build_index, load_index, make_windows
from rag.pipeline import open_index


@pytest.fixture
def small_corpus(tmp_path, corpus_dir):
    """A one-document corpus: a real build in a few seconds, safe to modify."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus_dir / "chongqing-platform-economy.txt", folder)
    toml = (corpus_dir / "documents.toml").read_text(encoding="utf-8")
    block = next(b for b in toml.split("[[document]]") if "chongqing" in b)
    (folder / "documents.toml").write_text("[[document]]" + block, encoding="utf-8")
    return folder


def test_manifest_describes_model_corpus_and_files(policy_index, index_dir, corpus_dir):
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["model"]["name"] == "m3e-small" and manifest["model"]["dimension"] == 512
    assert set(manifest["corpus"]) == {p.name for p in corpus_dir.iterdir() if p.suffix in (".txt", ".toml")}
    assert manifest["parser_version"] and manifest["built_at"]
    assert manifest["counts"]["clauses"] == 117 == len(policy_index.clauses)
    assert policy_index.dense.ntotal == manifest["counts"]["windows"] >= 117
    # Plain files, Chinese kept readable.
    assert "天津新型消费实施方案" in (index_dir / "clauses.jsonl").read_text(encoding="utf-8")


def test_long_clauses_become_overlapping_windows_with_context(documents):
    long = next(c for c in documents["tianjin-new-consumption"].clauses if c.id.endswith("一.一"))
    windows = make_windows(long, "天津新型消费实施方案 天津 推动线上线下消费提速增效")
    assert len(windows) > 3
    assert all(w.startswith("天津新型消费实施方案") for w in windows)
    assert all(len(w) < 512 for w in windows)
    bodies = [w.split("\n", 1)[1] for w in windows]
    assert all(b in long.text for b in bodies)
    # Consecutive windows share a sentence, so nothing falls between them.
    assert all(a[-10:] in b or b[:10] in a for a, b in zip(bodies, bodies[1:]))


def test_ids_stable_across_rebuilds(small_corpus, tmp_path, embedder):
    first = build_index(small_corpus, tmp_path / "a", embedder)
    second = build_index(small_corpus, tmp_path / "b", embedder)
    assert [c.id for c in first.clauses] == [c.id for c in second.clauses]
    assert [c.to_dict() for c in first.clauses] == [c.to_dict() for c in second.clauses]


def test_missing_stale_and_corrupt_index_are_detected(small_corpus, tmp_path, embedder):
    index_dir = tmp_path / "index"
    with pytest.raises(IndexMissing):
        load_index(index_dir, small_corpus, str(embedder.path))
    build_index(small_corpus, index_dir, embedder)
    load_index(index_dir, small_corpus, str(embedder.path))

    text = small_corpus / "chongqing-platform-economy.txt"
    text.write_bytes(text.read_bytes() + "\n".encode())
    with pytest.raises(IndexStale, match="chongqing-platform-economy.txt changed"):
        load_index(index_dir, small_corpus, str(embedder.path))
    rebuilt = open_index(small_corpus, index_dir, embedder)  # the CLI path rebuilds
    assert rebuilt.manifest["corpus"]["chongqing-platform-economy.txt"]
    load_index(index_dir, small_corpus, str(embedder.path))

    clauses = index_dir / "clauses.jsonl"
    clauses.write_text(clauses.read_text(encoding="utf-8")[:100], encoding="utf-8")
    with pytest.raises(IndexCorrupt):
        load_index(index_dir, small_corpus, str(embedder.path))
    (index_dir / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorrupt):
        load_index(index_dir)


def test_failed_build_leaves_the_old_index(small_corpus, tmp_path, embedder, monkeypatch):
    index_dir = tmp_path / "index"
    build_index(small_corpus, index_dir, embedder)
    before = (index_dir / MANIFEST).read_text(encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("rag.index.faiss.write_index", broken)
    with pytest.raises(RuntimeError):
        build_index(small_corpus, index_dir, embedder)
    assert (index_dir / MANIFEST).read_text(encoding="utf-8") == before
    load_index(index_dir, small_corpus, str(embedder.path))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_interrupted_swap_is_recovered(small_corpus, tmp_path, embedder):
    """A crash between the two renames leaves only `.index.old-*`: the next load puts it back."""
    index_dir = tmp_path / "index"
    build_index(small_corpus, index_dir, embedder)
    index_dir.rename(tmp_path / ".index.old-1-1")
    load_index(index_dir, small_corpus, str(embedder.path))
    assert (index_dir / MANIFEST).is_file()


@pytest.mark.parametrize("manifest", ["[]", '{"files": "x"}', '{"files": {}, "corpus": null, "model": {}, "counts": {}}'])
def test_manifest_of_the_wrong_shape_is_corrupt(tmp_path, manifest):
    (tmp_path / MANIFEST).write_text(manifest, encoding="utf-8")
    with pytest.raises(IndexCorrupt):
        load_index(tmp_path)


def test_tokenizer_dictionary_change_makes_the_index_stale(policy_index, corpus_dir, embedder, monkeypatch):
    from rag.index import staleness

    assert staleness(policy_index.manifest, corpus_dir, str(embedder.path)) == []
    monkeypatch.setattr("rag.index.WINDOW_CHARS", 999)
    assert staleness(policy_index.manifest, corpus_dir, str(embedder.path)) == ["windowing or tokenizer dictionary changed"]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "newdocs"


def _add_entry(folder, **entry):
    lines = ["", "[[document]]", *(f'{key} = "{value}"' for key, value in entry.items())]
    with (folder / "documents.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n".join(lines) + "\n")


def test_a_document_that_cannot_be_read_is_reported_and_the_others_indexed(small_corpus, tmp_path, embedder):
    """A real State Council notice whose attachment numbers 一、二、 again (it crashed parser 3) is now
    indexed; a file that is not UTF-8 and an entry whose file is missing are each reported by name."""
    shutil.copy(FIXTURES / "gov-innovation-annex-2018-126.txt", small_corpus)
    (small_corpus / "broken.txt").write_bytes("一、总则\n".encode("gbk"))
    _add_entry(small_corpus, id="broken", source="broken.txt", short_title="坏文件", region="天津")
    _add_entry(small_corpus, id="gone", source="gone.txt", short_title="不存在", region="天津")
    index = build_index(small_corpus, tmp_path / "index", embedder)
    assert [d.meta.id for d in index.documents] == ["chongqing-platform-economy", "gov-innovation-annex-2018-126"]
    national = index.documents[1].meta
    assert national.region == "全国" and national.doc_number == "国办发〔2018〕126号"  # read from the text, no entry
    skipped = {s["source"]: s for s in index.manifest["skipped"]}
    assert set(skipped) == {"broken.txt", "gone.txt"}
    assert "UTF-8" in skipped["broken.txt"]["message_zh"] and "第1行" in skipped["broken.txt"]["message_zh"]
    assert "gone.txt" in skipped["gone.txt"]["message_zh"]
    # What was written is a current index: it loads, and is not rebuilt for the skipped files.
    assert load_index(tmp_path / "index", small_corpus, str(embedder.path)).manifest["skipped"] == index.manifest["skipped"]


def test_rebuild_embeds_only_new_text(small_corpus, tmp_path, embedder, monkeypatch):
    """Adding a document to a built index embeds its clauses only; the rest comes from the old vectors."""
    index_dir = tmp_path / "index"
    first = build_index(small_corpus, index_dir, embedder)
    shutil.copy(FIXTURES / "gz-tekun-support-2021.txt", small_corpus)
    encoded: list[str] = []
    original = type(embedder).encode

    def counting(self, texts, **kwargs):
        encoded.extend(texts)
        return original(self, texts, **kwargs)

    monkeypatch.setattr(type(embedder), "encode", counting)
    second = build_index(small_corpus, index_dir, embedder)
    new = {p for p, c in enumerate(second.clauses) if c.doc_id == "gz-tekun-support-2021"}
    new_texts = {w.text for w in second.windows if w.clause in new}
    new_texts |= {second.clauses[s.clause].text[s.start : s.end] for s in second.sentences if s.clause in new}
    assert new and encoded and set(encoded) <= new_texts
    old = [c.id for c in first.clauses]
    assert [c.id for c in second.clauses][: len(old)] == old
    # Vectors from the cache are the vectors a fresh build computes.
    fresh = build_index(small_corpus, tmp_path / "fresh", embedder)
    assert np.allclose(fresh.sentence_vectors, second.sentence_vectors, atol=1e-5)


def test_index_command_names_skipped_documents_and_still_builds(small_corpus, tmp_path, capsys):
    from rag.cli import main

    (small_corpus / "broken.txt").write_bytes("一、总则\n".encode("gbk"))
    _add_entry(small_corpus, id="broken", source="broken.txt", short_title="坏文件", region="天津")
    assert main(["--corpus", str(small_corpus), "--index", str(tmp_path / "index"), "index"]) == 0
    out = capsys.readouterr()
    assert "跳过 skipped" in out.err and "broken.txt" in out.err
    assert "1 份文件" in out.out


def test_a_corpus_where_nothing_can_be_read_is_an_error(tmp_path, embedder):
    from rag.errors import CorpusError

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "documents.toml").write_text("", encoding="utf-8")
    _add_entry(folder, id="gone", source="gone.txt", short_title="不存在", region="天津")
    with pytest.raises(CorpusError, match="no document could be indexed"):
        build_index(folder, tmp_path / "index", embedder)


def test_the_vectors_are_memory_mapped_so_workers_share_them(policy_index):
    """Linux: the loaded index's vector files appear among the process's mappings (page cache, one copy)."""
    mapped = {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines() if len(line.split()) >= 6}
    assert {str(policy_index.path / "dense.faiss"), str(policy_index.path / "sentences.npy")} <= mapped
    assert isinstance(policy_index.sentence_vectors, np.memmap) and not policy_index.sentence_vectors.flags.writeable
    hits = policy_index.dense.search(np.asarray(policy_index.sentence_vectors[:1]), 1)
    assert hits[1].shape == (1, 1)


def test_an_article_asked_of_a_place_is_its_own_documents_not_every_national_one(small_corpus, tmp_path, embedder):
    """Beijing's regulation and a national rule both have a 第二十二条: 北京第二十二条 is Beijing's, and the
    regulation named as people say it (北京, not 北京市) is that document."""
    from rag.intent import detect_scope
    from rag.retrieve import Retriever

    for name in ("bj-digital-economy-2022", "nat-ride-hailing-2016"):
        shutil.copy(FIXTURES / f"{name}.txt", small_corpus)
    index = build_index(small_corpus, tmp_path / "index", embedder)
    retriever = Retriever(index, embedder)
    for question in ("北京第二十二条怎么规定的", "北京数字经济促进条例第二十二条怎么规定的"):
        referenced = [h.clause.id for h in retriever.retrieve(question).hits if h.matched_by == "reference"]
        assert referenced == ["bj-digital-economy-2022#三.二十二"], question
    assert detect_scope("北京数字经济促进条例第二十二条", index.documents).named_docs == {"bj-digital-economy-2022"}
    national = [h.clause.doc_id for h in retriever.retrieve("第二十二条怎么规定的").hits if h.matched_by == "reference"]
    assert set(national) == {"bj-digital-economy-2022", "nat-ride-hailing-2016"}  # no place: both


def test_documents_of_other_structures_are_answered_whole(small_corpus, tmp_path, embedder):
    """Real documents added to the corpus: a sentence that opens a list (应当符合以下条件：) is quoted with
    its items, items numbered as clauses of their own are cited after it, and a question on when a
    document takes effect is told its 施行 date; a place's document and a document named short are found."""
    from rag.pipeline import Pipeline

    for name in ("nat-ride-hailing-2016", "gz-public-housing-2024"):
        shutil.copy(FIXTURES / f"{name}.txt", small_corpus)
    pipeline = Pipeline(build_index(small_corpus, tmp_path / "index", embedder), embedder)
    drivers = pipeline.ask("网约车驾驶员需要符合什么条件")
    assert drivers.citations[0].clause.id == "nat-ride-hailing-2016#三.十四"
    assert "（四）城市人民政府规定的其他条件。" in drivers.citations[0].quote
    assert drivers.citations[0].quote in drivers.citations[0].clause.text  # still verbatim
    renting = pipeline.ask("《进一步加强户籍家庭住房保障工作的通知》五（二）1怎么规定的")
    assert [c.clause.id for c in renting.citations][:3] == [
        "gz-public-housing-2024#五.二.1", "gz-public-housing-2024#五.二.1.1", "gz-public-housing-2024#五.二.1.2",
    ]  # fmt: skip
    effective = pipeline.ask("网络预约出租汽车经营服务管理暂行办法是哪天开始施行的")
    assert effective.reason == "metadata" and "2016年11月1日起施行" in effective.answer
    # A place's document asked a fact of is its own, not the national ones that apply there too.
    dated = pipeline.ask("重庆那份文件是哪天发的")
    assert dated.reason == "metadata" and "重庆" in dated.answer and "网络预约" not in dated.answer
    # A document named short (网约车 for 网络预约出租汽车) and pointed at is that document.
    from rag.followup import resolve

    assert resolve("网约车那个办法对驾驶员有啥要求", None, pipeline.index).question.startswith("《网络预约出租汽车经营服务管理暂行办法》")
