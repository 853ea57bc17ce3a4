"""`policyqa add / check / remove / documents`, run as a user would (a real process, the real model),
on real documents of other places and formats (tests/fixtures/newdocs, tests/fixtures/extract)."""
import shutil
from pathlib import Path

from test_cli import run


ROOT = Path(__file__).resolve().parents[1]
NEWDOCS = ROOT / "tests" / "fixtures" / "newdocs"
EXTRACT = ROOT / "tests" / "fixtures" / "extract"


def _corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "chongqing-platform-economy.txt", corpus)
    return corpus


def test_check_reports_what_it_reads_and_changes_nothing(tmp_path):
    corpus = _corpus(tmp_path)
    result = run("--corpus", str(corpus), "--index", str(tmp_path / "index"), "check", str(NEWDOCS / "gz-tekun-support-2021.txt"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "穗府办规〔2021〕7号" in out and "地区 region: 广州" in out and "条款 clauses: 9" in out
    assert "有效期至 valid until: 2026-04-15" in out and "效力 validity: 已废止" in out
    assert sorted(p.name for p in corpus.iterdir()) == ["chongqing-platform-economy.txt"]
    assert not (tmp_path / "index").exists()


def test_add_several_formats_one_bad_file_and_a_duplicate(tmp_path):
    """Each file gets its report; a file that cannot be read fails alone (exit 1, no traceback); the
    same notice as text and as a web page is reported as a duplicate; the index is brought up to date."""
    corpus = _corpus(tmp_path)
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    result = run(
        "--corpus", str(corpus), "--index", str(tmp_path / "index"), "add",
        str(NEWDOCS / "gz-tekun-support-2021.txt"), str(bad), str(NEWDOCS / "bj-digital-economy-2022.txt"),
        str(EXTRACT / "gz-tekun-support-2021.html"),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    out = result.stdout
    assert out.count("[已添加 added]") == 2 and "[失败 failed]" in out and "scan.pdf" in out
    assert "[重复，已跳过 duplicate]" in out and "gz-tekun-support-2021" in out
    assert "索引就绪" in out and "3 份文件" in out
    listed = run("--corpus", str(corpus), "documents")
    assert "bj-digital-economy-2022\t北京\t正式\t现行\t58 条\t北京市数字经济促进条例" in listed.stdout

    removed = run("--corpus", str(corpus), "--index", str(tmp_path / "index"), "remove", "bj-digital-economy-2022")
    assert removed.returncode == 0, removed.stderr
    assert "2 份文件" in removed.stdout and not (corpus / "bj-digital-economy-2022.txt").exists()


def test_replace_makes_a_new_version_and_keeps_the_id(tmp_path):
    corpus = _corpus(tmp_path)
    index = str(tmp_path / "index")
    first = run("--corpus", str(corpus), "--index", index, "add", str(NEWDOCS / "gz-tekun-support-2021.txt"), "--id", "gz-tekun")
    assert first.returncode == 0, first.stderr
    again = run("--corpus", str(corpus), "--index", index, "add", str(EXTRACT / "gz-tekun-support-2021.html"), "--replace")
    assert again.returncode == 0, again.stderr
    assert "[已替换为新版本 replaced]" in again.stdout and "id: gz-tekun" in again.stdout
    listed = run("--corpus", str(corpus), "documents")
    assert listed.stdout.count("gz-tekun") == 1 and (corpus / "gz-tekun-support-2021.html").exists()
