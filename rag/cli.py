"""The `policyqa` command: index, add, check, remove, documents, ask, search, clauses, serve, eval."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from .errors import PolicyQAError

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"POLICYQA_{name}", default)


def _pipeline(args: argparse.Namespace):
    from .pipeline import Pipeline, open_index

    from .settings import Settings

    settings = Settings()
    embedder = settings.embedder(args.model)
    index = open_index(Path(args.corpus), Path(args.index), embedder, rebuild=True, show_progress=True)
    # With POLICYQA_LLM_BASE_URL set, a language model writes the answers, as in the API.
    return Pipeline(index, embedder, generator=settings.generator())


def cmd_index(args: argparse.Namespace) -> int:
    from .index import build_index, load_index
    from .pipeline import open_index
    from .settings import Settings

    embedder = Settings().embedder(args.model)
    if args.force:
        index = build_index(Path(args.corpus), Path(args.index), embedder, show_progress=True)
    else:
        index = open_index(Path(args.corpus), Path(args.index), embedder, rebuild=True, show_progress=True)
    load_index(Path(args.index), Path(args.corpus), str(embedder.path))  # verify what was written
    counts = index.manifest["counts"]
    for problem in index.manifest.get("skipped", []):
        print(f"跳过 skipped: {problem['message_zh']}\n  {problem['message']}", file=sys.stderr)
    print(
        f"索引就绪 index ready: {args.index} — {counts['documents']} 份文件, {counts['clauses']} 条条款, "
        f"{counts['windows']} 个向量窗口 (built {index.manifest['built_at']}, {index.manifest['build_seconds']} s)"
    )
    return 0


def _print_report(report) -> None:
    """What was read from one document, in the order an official checks it."""
    verdict = {
        "checked": "检查", "added": "已添加", "replaced": "已替换为新版本", "duplicate": "重复，已跳过",
        "failed": "失败", "removed": "已移除",
    }[report.action]  # fmt: skip
    print(f"[{verdict} {report.action}] {report.path}")
    if report.action == "failed":
        print(f"  {report.message_zh}\n  {report.message}")
        return
    fields = [
        ("id", report.doc_id), ("文件 text", report.source), ("标题 title", report.title), ("文号", report.doc_number),
        ("发文机关 issuer", report.issuer), ("成文日期 date", report.date), ("施行日期 effective", report.effective),
        ("有效期至 valid until", report.valid_until), ("状态 status", report.status), ("效力 validity", report.validity),
        ("地区 region", report.region), ("条款 clauses", report.clauses), ("格式 format", report.format),
    ]  # fmt: skip
    for name, value in fields:
        if value is not None:
            print(f"  {name}: {value}")
    if report.duplicate_of:
        print(f"  重复 duplicate of: {report.duplicate_of} — {report.message_zh}" + ("" if report.action == "replaced" else "（--replace 可替换为新版本）"))
    for warning in report.warnings:
        print(f"  警告 warning: {warning}")


def _options(args: argparse.Namespace):
    from .ingest import Options

    return Options(args.id, args.region, args.short_title, args.status, getattr(args, "replace", False))


def _reindex(args: argparse.Namespace) -> int:
    """Bring the index up to date after the corpus changed (only new clauses are embedded)."""
    args.force = False
    return cmd_index(args)


def cmd_check(args: argparse.Namespace) -> int:
    from .ingest import check

    reports = check([Path(p) for p in args.paths], Path(args.corpus), _options(args))
    for report in reports:
        _print_report(report)
    return 0 if all(r.ok for r in reports) else 1


def cmd_add(args: argparse.Namespace) -> int:
    from .ingest import add

    if args.id and len(args.paths) > 1:
        print("--id 只能用于单个文件 --id names one file only", file=sys.stderr)
        return 2
    reports = add([Path(p) for p in args.paths], Path(args.corpus), _options(args))
    for report in reports:
        _print_report(report)
    status = 0 if all(r.ok for r in reports) else 1
    if any(r.action in ("added", "replaced") for r in reports):
        _reindex(args)
    return status


def cmd_remove(args: argparse.Namespace) -> int:
    from .ingest import remove

    _print_report(remove(Path(args.corpus), args.doc_id))
    return _reindex(args)


def cmd_documents(args: argparse.Namespace) -> int:
    from datetime import date

    from .corpus import read_corpus

    documents, skipped = read_corpus(Path(args.corpus))
    today = date.today().isoformat()
    for d in documents:
        m = d.meta
        print(f"{m.id}\t{m.region or '—'}\t{m.status}\t{m.validity(today)}\t{len(d.clauses)} 条\t{m.title}\t{m.doc_number or ''}")
    for problem in skipped:
        print(f"跳过 skipped: {problem.message_zh}", file=sys.stderr)
    return 0


def _served_answer(args: argparse.Namespace) -> dict | None:
    """The answer from a PolicyQA server already running on POLICYQA_HOST:POLICYQA_PORT (or
    --server) that serves this same index (its /readyz build time equals the local manifest's):
    no model to load, so it takes well under a second. None when there is none."""
    if args.local:
        return None
    try:
        manifest = json.loads((Path(args.index) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    import httpx

    url = (args.server or f"http://{_env('HOST', '127.0.0.1')}:{_env('PORT', '8000')}").rstrip("/")
    try:
        ready = httpx.get(f"{url}/readyz", timeout=0.5)
        if ready.status_code != 200 or ready.json().get("built_at") != manifest.get("built_at"):
            return None
        body = {"question": args.question, "top_k": args.top_k, "region": args.region, "doc_id": args.doc}
        response = httpx.post(f"{url}/api/ask", json={k: v for k, v in body.items() if v is not None}, timeout=60)
    except (httpx.HTTPError, ValueError):
        return None
    if response.status_code != 200:
        detail = response.json().get("detail", {}) if "json" in response.headers.get("content-type", "") else {}
        raise PolicyQAError(detail.get("message", f"HTTP {response.status_code}"), detail.get("message_zh"))
    return response.json()


def cmd_ask(args: argparse.Namespace) -> int:
    served = _served_answer(args)
    if served is not None:
        if args.json:
            print(json.dumps(served, ensure_ascii=False, indent=2))
        else:
            _print_payload(served)
        return 0
    from .serialize import answer_payload

    pipeline = _pipeline(args)
    answer = pipeline.ask(args.question, top_k=args.top_k, region=args.region, doc_id=args.doc)
    payload = answer_payload(answer, pipeline.index)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    _print_payload(payload)
    return 0


def _print_payload(payload: dict) -> None:
    print(payload["answer"])
    if payload.get("mode") == "llm":
        print(f"（由 {payload.get('model')} 撰写，引文、编号和数字已与条款核对）")
    if payload["citations"]:
        print("\n引用 Citations:")
    for c in payload["citations"]:
        print(f"[{c['n']}] {c['doc_title']} {c['label']}  ({c['clause_id']}, {c['validity']})")
        print(f"    {c['text']}")


def cmd_chat(args: argparse.Namespace) -> int:
    """An interactive conversation: follow-ups are resolved from the turns so far, as in the API."""
    from .followup import Turn
    from .serialize import answer_payload

    try:
        import readline  # noqa: F401  (line editing and ↑ history for input())
    except ImportError:  # not on every platform
        pass
    pipeline = _pipeline(args)
    history: list[Turn] = []
    print("政策问答 · 输入问题，可以接着追问；/new 开始新对话，/quit 或 Ctrl-D 退出。")
    while True:
        try:
            question = input("\n问> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return 0
        if question == "/new":
            history = []
            print("（已开始新对话）")
            continue
        try:
            answer = pipeline.ask(question, top_k=args.top_k, region=args.region, history=history)
        except PolicyQAError as exc:
            print(f"错误：{exc.message_zh}")
            continue
        if answer.resolved_question and answer.resolved_question != question:
            print(f"（按「{answer.resolved_question}」回答）")
        _print_payload(answer_payload(answer, pipeline.index))
        history += [Turn("user", question), Turn("assistant", answer.answer, [c.clause.id for c in answer.citations])]
        history = history[-20:]  # the API's bound: the oldest turns go first


def cmd_search(args: argparse.Namespace) -> int:
    from .serialize import hit_payload

    pipeline = _pipeline(args)
    hits = pipeline.search(args.query, k=args.k, mode=args.mode)
    for rank, hit in enumerate(hits, 1):
        if args.json:
            print(json.dumps(hit_payload(rank, hit, pipeline.index), ensure_ascii=False))
        else:
            print(f"{rank:2}. {hit.score:.4f}  {hit.clause.id}  {hit.clause.heading}")
    return 0


def cmd_clauses(args: argparse.Namespace) -> int:
    from .corpus import load_corpus

    for document in load_corpus(Path(args.corpus)):
        for clause in document.clauses:
            if args.jsonl:
                print(json.dumps(clause.to_dict(), ensure_ascii=False))
            else:
                print(f"{clause.id}\t{clause.label}\t{clause.heading}\t{len(clause.text)}")
    return 0


def cmd_train_judge(args: argparse.Namespace) -> int:
    from .fields import save_fields
    from .judge import save_model
    from .judge_train import train, train_fields
    from .pipeline import open_index
    from .retrieve import Retriever
    from .settings import Settings

    embedder = Settings().embedder(args.model)
    index = open_index(Path(args.corpus), Path(args.index), embedder, rebuild=True, show_progress=True)
    eval_path = Path(args.eval_questions) if args.eval_questions else None
    model, report = train(Retriever(index, embedder), Path(args.train), eval_path, seed=args.seed)
    out = Path(args.out)
    save_model(model, out)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"wrote {out}")
    fields, report = train_fields(embedder, Path(args.fields_train), seed=args.seed)
    fields_out = Path(args.fields_out)
    save_fields(fields, fields_out)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"wrote {fields_out}")
    return 0


def _question_log():
    from .questionlog import QuestionLog
    from .settings import Settings

    path = Settings().question_log_path
    if path is None or not path.exists():
        raise PolicyQAError(f"no question log at {path} (POLICYQA_LOG_DB)", f"没有问答记录：{path}")
    return QuestionLog(path)


def cmd_report(args: argparse.Namespace) -> int:
    """The office's report from the question log; declined questions grouped with the embedding model."""
    from .settings import Settings

    log = _question_log()
    report = log.report(args.days, Settings().embedder(args.model).encode)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    share = f"{report['answered_share']:.0%}" if report["answered_share"] is not None else "—"
    print(f"最近 {args.days} 天：{report['questions']} 个问题，回答了 {share}；"
          f"反馈 👍 {report['feedback']['helpful']} / 👎 {report['feedback']['unhelpful']}")
    print("\n每天：")
    for day in report["per_day"]:
        print(f"  {day['date']}  {day['questions']} 问，答 {day['answered']}")
    print("\n问得最多的词：" + "、".join(f"{t['word']}({t['questions']})" for t in report["topics"]))
    print("\n未能回答的问题（按相似归组，即收录文件缺少的内容）：")
    for group in report["declined_groups"]:
        reasons = "，".join(f"{r} {n}" for r, n in group["reasons"].items())
        print(f"  {group['count']:>4} × {group['example']}  [{reasons}]")
        for other in group["questions"][1:]:
            print(f"         · {other}")
    print("\n被标为没有帮助的回答：")
    for item in report["unhelpful"]:
        print(f"  {item['ts']}  {item['question']}  [{item['reason']}]  {item['comment'] or ''}")
    print("\n引用最多的条款：" + "、".join(f"{c['clause_id']}({c['citations']})" for c in report["most_cited"]))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from .settings import Settings

    days = args.days if args.days is not None else Settings().log_days
    purged = _question_log().purge(days)
    print(f"purged {purged} entries older than {days} days")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import tempfile

    from api.logs import log_config  # the CLI is an edge, like api/
    from .settings import Settings

    os.environ.setdefault("POLICYQA_INDEX_DIR", args.index)
    os.environ.setdefault("POLICYQA_CORPUS_DIR", args.corpus)
    os.environ.setdefault("POLICYQA_EMBEDDING_MODEL", args.model)
    settings = Settings()
    if args.workers > 1:
        # Workers share the cores: torch in each one uses its share, not all of them (oversubscribed threads thrash).
        os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // args.workers)))
    if args.workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Every worker writes its metrics here and /metrics sums them (prometheus_client's multiprocess mode).
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="policyqa-metrics-")
    from api.workers import serve

    serve(
        args.workers, app="api.main:app", host=args.host, port=args.port, log_config=log_config(settings.log_format),
        access_log=False, timeout_graceful_shutdown=30,
    )  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policyqa", description="政策问答 PolicyQA")
    parser.add_argument("--corpus", default=_env("CORPUS_DIR", str(ROOT / "corpus")))
    parser.add_argument("--index", default=_env("INDEX_DIR", str(ROOT / "index")))
    parser.add_argument("--model", default=_env("EMBEDDING_MODEL", "m3e-small"))
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or rebuild the index when missing or stale")
    p.add_argument("--force", action="store_true", help="rebuild even when current")
    p.set_defaults(func=cmd_index)

    def document_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help=".txt .md .html .htm .docx .pdf")
        p.add_argument("--id", help="the document's id (one file only); default: the file name")
        p.add_argument("--region", help="its region (全国, 北京, 广州…) when the text does not tell")
        p.add_argument("--short-title", help="how answers cite it; default: the title without its issuer")
        p.add_argument("--status", choices=["征求意见稿", "草案", "试行", "暂行", "正式"], help="when the text does not say")

    p = sub.add_parser("add", help="add documents to the corpus and bring the index up to date")
    document_options(p)
    p.add_argument("--replace", action="store_true", help="a document already held (same 文号, or title and date) gets this new version, keeping its id")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("check", help="print what add would read from each document; change nothing")
    document_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("remove", help="remove a document from the corpus and the index")
    p.add_argument("doc_id")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("documents", help="list the documents in the corpus")
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("ask", help="answer a question")
    p.add_argument("question")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--region", help="only documents of this region (the regions come from the documents loaded)")
    p.add_argument("--doc")
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.add_argument(
        "--server", help="a running PolicyQA server to ask (default http://POLICYQA_HOST:POLICYQA_PORT); it is "
        "used when it serves this same index, which answers in well under a second instead of loading the model",
    )  # fmt: skip
    p.add_argument("--local", action="store_true", help="answer in this process even when a server is running")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal (follow-ups understood)")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--region", help="only documents of this region")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("search", help="ranked clauses for a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("clauses", help="every parsed clause")
    p.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_clauses)

    p = sub.add_parser("train-judge", help="train the answerability judge from labelled questions (fixed seed)")
    p.add_argument("--train", default=str(ROOT / "rag" / "data" / "judge_train.jsonl"))
    p.add_argument("--eval-questions", default=str(ROOT / "eval" / "questions.jsonl"), help="its dev split is used")
    p.add_argument("--out", default=str(ROOT / "rag" / "data" / "judge.json"))
    p.add_argument("--fields-train", default=str(ROOT / "rag" / "data" / "document_questions.jsonl"), help="questions about documents, labelled with the fact asked for")
    p.add_argument("--fields-out", default=str(ROOT / "rag" / "data" / "fields.json"))
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_train_judge)

    p = sub.add_parser("serve", help="run the HTTP service")
    p.add_argument("--host", default=_env("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(_env("PORT", "8000")))
    p.add_argument("--workers", type=int, default=int(_env("WORKERS", "1")), help="worker processes (each loads the model and index)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", help="the question log's report: questions per day, declined questions grouped, feedback")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("log", help="question log maintenance: policyqa log purge [--days N]")
    p.add_argument("action", choices=["purge"])
    p.add_argument("--days", type=int, default=None, help="keep this many days (default POLICYQA_LOG_DAYS)")
    p.set_defaults(func=cmd_log)

    sub.add_parser("eval", help="run the evaluation: policyqa eval --help", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is downloaded at run time
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["eval"]:  # the harness has its own options
        from eval.harness import main as eval_main

        return eval_main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except PolicyQAError as exc:
        print(f"错误：{exc.message_zh}\nerror: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # pydantic's ValidationError: a POLICYQA_* setting that cannot be used
        if type(exc).__name__ != "ValidationError":
            raise
        print(f"错误：POLICYQA_* 配置有误\nerror: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
