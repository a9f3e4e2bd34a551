"""Command line: ``python -m retrieval {ask,build,eval,add,remove,retitle,list,compare,bench}``; a thin layer over ``Engine``."""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from pathlib import Path

from .ingest.attribution import AGREEMENTS, SPEAKERS
from .config import Settings


def _settings(args) -> Settings:
    """The command's settings; a new data folder gets the shipped documents first (an ``add``
    to it must not make a library without them)."""
    from .config import SHIPPED_DIR
    from .index.library import install_shipped_documents

    settings = Settings.from_env(model=args.model, second_model=args.second_model, index_dir=args.index_dir,
                                 corpus_dir=args.corpus_dir)
    if settings.install_shipped:
        install_shipped_documents(settings.corpus_dir, SHIPPED_DIR)
    return settings


def _load_engine(args, **embedders):
    """The engine for these settings; a build, when one is needed, shows a progress bar."""
    from .answer.engine import Engine
    from .models.model import ModelNotFoundError
    from .index.writer import LibraryBusy

    try:
        return Engine.load(_settings(args), progress=True, force_rebuild=getattr(args, "force", False),
                           on_wait=_say_waiting, verify=getattr(args, "verify", False), **embedders)
    except ModelNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(3)
    except LibraryBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1)


def _say_waiting() -> None:
    print("waiting: another change to the library (a build, an add or a removal) is under way…",
          file=sys.stderr, flush=True)


def _who(args) -> dict:
    """The who-said-it filters of ``ask``, as engine arguments."""
    return {"speakers": set(args.speaker or []) or None, "agreements": set(args.agreement or []) or None}


def format_answer(answer, documents: list[dict] | None = None) -> str:
    """Human-readable answer: the highlighted sentence, its citation, the passage."""
    from .chat.wording import REFUSAL, filter_label, offered_line, partial_note, refusal_detail, scope_line

    if answer.comparison is not None:
        from .chat.wording import comparison_export, comparison_reply

        said = comparison_reply(answer.comparison, {d["id"]: d for d in documents or []})
        return "\n".join([said, ""] + comparison_export(answer.comparison, markdown=False)).rstrip()
    named = scope_line([d for d in documents or [] if d["id"] in answer.named_documents], answer.not_in_library,
                       answer.paragraph, answer.paragraph_missing)
    by_id = {d["id"]: d for d in documents or []}
    offered = offered_line([by_id[i] for i in answer.offered if i in by_id])
    named = "\n".join(line for line in (named, offered) if line) or None
    scope = None if answer.named_documents else filter_label(answer.filters)
    if not answer.answered:
        return (f"{named}\n" if named else "") + f"{REFUSAL} {refusal_detail(answer.missing)}" + \
            (f" ({scope[0].lower() + scope[1:]})" if scope else "")
    lines = [named] if named else []
    lines += [f"({scope})"] if scope else []
    if answer.note:
        lines.append(f"({answer.note})")
    if answer.corrected:
        lines.append(f"Showing results for: {answer.corrected}")
    if answer.confidence == "partial":
        lines += [partial_note(answer.missing), ""]
    for rank, r in enumerate(answer.results, 1):
        marked = f"{r.text[: r.highlight_start]}>>> {r.highlight} <<<{r.text[r.highlight_end :]}"
        head = "Answer" if rank == 1 and answer.confidence == "answer" else f"Result {rank}"
        who = (r.citation.attribution or {}).get("label")
        lines += [f"{head}: {r.highlight}" + (f" — {who}" if who else ""), f"  Source: {r.citation.label}",
                  f"  Passage: {marked}", ""]
    return "\n".join(lines).rstrip()


def cmd_ask(args) -> int:
    from .answer.engine import Answer, QuestionError

    if args.question is not None:
        question = " ".join(args.question)
        if not question.strip():
            print("error: the question is empty; give a question about the document.", file=sys.stderr)
            return 2
        engine = _load_engine(args)
        answer = engine.ask(question, top_k=args.top_k, exact=args.exact, **_who(args))
        if args.record:
            _record(engine).answer(question, answer, [d["id"] for d in engine.documents])
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer, engine.documents))
        return 0
    if not args.json:
        print("error: give a QUESTION, or use --json to read questions from stdin.", file=sys.stderr)
        return 2
    engine = _load_engine(args)
    # Invalid UTF-8 on stdin becomes U+FFFD instead of an exception.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    for line in stdin:
        question = line.rstrip("\r\n")
        try:
            if question.lstrip().startswith("{"):
                out = _conversation_turn(engine, question, args)
            else:
                answer = engine.ask(question, top_k=args.top_k, exact=args.exact, **_who(args))
                if args.record:
                    _record(engine).answer(question, answer, [d["id"] for d in engine.documents])
                out = answer.to_dict()
        except QuestionError as exc:
            out = Answer(_asked(question), False, error=str(exc)).to_dict()
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _record(engine):
    """The page's record, for ``ask --record`` and the library changes made here."""
    from .server.record import RecordSettings, open_record

    return open_record(RecordSettings.from_env(engine.settings.index_dir))


def _asked(line: str) -> str:
    """What a stdin line asked, for an error's "question": a JSON line's own question, not the line."""
    if not line.lstrip().startswith("{"):
        return line
    try:
        question = json.loads(line).get("question")
    except (ValueError, AttributeError):
        return ""
    return question if isinstance(question, str) else ""


def _conversation_turn(engine, line: str, args) -> dict:
    """A stdin line ``{"question": ..., "history": [earlier questions]}``: the next turn of that
    conversation, the earlier questions asked in order first."""
    from .chat.conversation import bounded_history, respond
    from .answer.engine import QuestionError

    try:
        obj = json.loads(line)
        question, history_questions = obj["question"], obj.get("history") or []
        if (not isinstance(question, str) or not isinstance(history_questions, list)
                or not all(isinstance(q, str) for q in history_questions)):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise QuestionError('a JSON line must be {"question": "...", "history": ["earlier question", ...]}')
    top_k = args.top_k or engine.settings.top_k
    history = []
    for earlier in bounded_history(history_questions):
        history.append(respond(engine, earlier, history, top_k, exact=args.exact, **_who(args)))
    return respond(engine, question, history, top_k, exact=args.exact, **_who(args)).to_dict()


def cmd_build(args) -> int:
    if args.ray is not None:
        return _build_on_ray(args)
    engine = _load_engine(args)
    _say_built(engine)
    return 0


def _build_on_ray(args) -> int:
    """``build --ray [ADDRESS]``: documents read and sentences embedded on Ray (``models.ray_build``)."""
    from .models.ray_build import RayEmbedder, RayUnavailable, read_on_ray, start_ray, stop_ray
    from .ingest.read_cache import READ_CACHE
    from .models.model import ModelNotFoundError, load_embedder

    settings = _settings(args)
    try:
        ray = start_ray(args.ray or None, args.workers)
    except RayUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:
        workers = args.workers or int(ray.cluster_resources().get("CPU", 1))
        for name, reason in read_on_ray(settings.corpus_dir, settings.index_dir / READ_CACHE):
            print(f"skipped {name}: {reason}", file=sys.stderr)
        try:
            embedders = {"embedder": RayEmbedder(load_embedder(settings.model), workers)}
            if settings.second_model:
                embedders["second_embedder"] = RayEmbedder(load_embedder(settings.second_model), workers)
        except ModelNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
        engine = _load_engine(args, **embedders)
        _say_built(engine, f" on Ray ({workers} workers)")
        return 0
    finally:
        stop_ray()


def _say_built(engine, where: str = "") -> None:
    from .index.store import SECOND_INDEX

    m = engine.index.manifest
    state = f"built{where}" if engine.rebuilt else "up to date (use --force to rebuild)"
    print(f"index {state}: {m['passage_count']} passages, {m['sentence_count']} sentences, "
          f"model {m['model']}, dim {m['dimension']}, in {engine.settings.index_dir}")
    if engine.second:
        m2 = engine.second[1].manifest
        print(f"second model {m2['model']}, dim {m2['dimension']}, in {engine.settings.index_dir / SECOND_INDEX}")


def cmd_eval(args) -> int:
    from .dev.evaluation import evaluate, evaluate_conversations, load_questions

    engine = _load_engine(args)
    questions = load_questions(Path(args.file))
    if questions and "shape" in questions[0]:  # comparison questions (#34)
        from .dev.evaluation import evaluate_comparisons

        report = evaluate_comparisons(engine, questions)
        print(json.dumps(report, indent=1) if args.json else
              "\n".join(f"{k}: {v}" for k, v in report.items()))
        return 0
    if questions and "turns" in questions[0]:
        report = evaluate_conversations(engine, questions)
        print(json.dumps(report, indent=1) if args.json else
              "\n".join(f"{k}: {v}" for k, v in report.items()))
        return 0
    final = lambda q: engine.ask(q, top_k=5)  # noqa: E731
    asks = {"final": final}
    if args.compare:
        asks = {name: (lambda q, v=view: v.ask(q, top_k=5)) for name, view in {
            "dense": engine.with_params(mode="dense"),
            "bm25": engine.with_params(mode="bm25"),
            "rrf": engine.with_params(mode="rrf"),
            "dense+bm25": engine.with_params(token_weight=0.0, lexical_weight=0.3),
        }.items()}
        asks["final, no spelling correction"] = lambda q: engine.ask(q, top_k=5, exact=True)
        asks["final"] = final
        if engine.second:
            single = engine.single_model()
            asks["final, 1st model only"] = lambda q: single.ask(q, top_k=5)
    elif args.mode:
        view = engine.with_params(mode=args.mode)
        asks = {args.mode: lambda q: view.ask(q, top_k=5)}
    reports = {name: evaluate(ask, questions).figures() for name, ask in asks.items()}
    if args.json:
        print(json.dumps(reports, indent=1))
        return 0
    print(f"{args.file}: {len(questions)} questions")
    keys = ["hit@1", "hit@3", "mrr@5", "highlight@1", "highlight_length", "box_coverage", "box_precision",
            "off_topic_refused", "false_refusals", "not_answer"]
    if any("near_topic_honest" in fig for fig in reports.values()):
        keys += ["near_topic_honest", "near_topic_boxed"]
    if any("right_document@1" in fig for fig in reports.values()):  # a library set: which document, own numbers
        keys += ["right_document@1", "named_right@1", "cited_by_own_number", "cited_on_printed_page", "uncovered_boxed"]
    width = max(len(name) for name in reports) + 1
    print(f"{'method':<{width}}" + "".join(f"{k:>18}" for k in keys))
    for mode, fig in reports.items():
        print(f"{mode:<{width}}" + "".join(f"{str(fig[k]):>18}" for k in keys))
    for mode, fig in reports.items():
        for key in (k for k in fig if k.startswith("hit@1[")):
            print(f"[{mode}] {key}: {fig[key]}")
        print(f"[{mode}] missed@1: {fig['missed@1']}; missed@3: {fig['missed@3']}; "
              f"off-topic answered: {fig['off_topic_answered']}; answerable refused: {fig['answerable_refused']}; "
              f"answerable not 'answer': {fig['answerable_not_answer']}"
              + (f"; near-topic answered: {fig['near_topic_answered']}" if "near_topic_answered" in fig else ""))
    return 0


def cmd_add(args) -> int:
    from .ingest.formats import IngestError
    from .index.library import add_document
    from .index.writer import LibraryBusy, library_change

    settings = _settings(args)
    added, failed, loading = [], 0, False
    try:
        with library_change(settings.index_dir, settings.corpus_dir, on_wait=_say_waiting) as change:
            for path in args.files:
                try:
                    added.append(add_document(Path(path), settings.corpus_dir, replace=args.replace,
                                              replace_protected=args.replace, change=change))
                except (IngestError, OSError) as exc:
                    failed += 1
                    print(f"error: {_one_line(exc)}", file=sys.stderr)
            if not added:
                return 1 if failed else 0
            loading = True
            engine = _load_engine(args)
    except LibraryBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if not loading:
            raise
        # Taken out again: the published index still serves the corpus as it was.
        print(f"error: the index could not be updated ({_one_line(exc)}); {', '.join(added)} not added",
              file=sys.stderr)
        return 1
    counts = _passage_counts(engine)
    for doc_id in added:
        _record(engine).change("replace" if args.replace else "add", doc_id, role="cli")
        print(f"added {doc_id}: {counts.get(doc_id, 0)} passages")
    print(f"embedded: {', '.join(engine.index.manifest.get('embedded_documents', [])) or 'nothing new'}")
    return 1 if failed else 0


def cmd_remove(args) -> int:
    from .ingest.formats import IngestError
    from .index.library import remove_document
    from .index.writer import LibraryBusy, one_writer

    settings = _settings(args)
    try:
        with one_writer(settings.index_dir, on_wait=_say_waiting):
            removed = remove_document(args.document, settings.corpus_dir, remove_protected=True)
            engine = _load_engine(args)
    except (IngestError, LibraryBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _record(engine).change("remove", args.document, role="cli")
    print(f"removed {', '.join(removed)}; the index now has {len(engine.passages)} passages")
    return 0


def cmd_retitle(args) -> int:
    from .ingest.formats import IngestError
    from .index.library import retitle_document
    from .index.writer import LibraryBusy, library_change

    settings = _settings(args)
    try:
        with library_change(settings.index_dir, settings.corpus_dir, on_wait=_say_waiting) as change:
            kept = retitle_document(args.document, args.title, settings.corpus_dir, retitle_protected=True,
                                    change=change)
            engine = _load_engine(args)
    except (IngestError, LibraryBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _record(engine).change("retitle", args.document, role="cli")
    shown = next((d["title"] for d in engine.documents if d["id"] == args.document), kept)
    print(f"{args.document} is now listed and cited as: {shown}")  # a title is one line of text when read
    return 0


def _passage_counts(engine) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in engine.passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
    return counts


def cmd_list(args) -> int:
    from .ingest.corpus import scan_corpus

    engine = _load_engine(args)
    counts = _passage_counts(engine)
    for doc in engine.documents:
        print(f"{doc['id']}\t{counts.get(doc['id'], 0)} passages\t{doc['file']}\t{doc['title']}")
    for name, reason in scan_corpus(engine.settings.corpus_dir)[1]:
        print(f"skipped\t{name}\t{reason}")
    return 0


def cmd_compare(args) -> int:
    """Two documents compared paragraph by paragraph (A and B: an id as ``list`` shows it, or a
    symbol); the older is shown as A whichever is named first."""
    from .answer.comparisons import ComparisonReply
    from .answer.compare_questions import CompareAsk, Targets
    from .chat.wording import comparison_export, comparison_reply

    engine = _load_engine(args)
    versions = engine.versions
    ids = []
    for given in (args.a, args.b):
        found = versions.find_document(given)
        if found is None:
            print(f"error: no document {given!r} in the library; `python -m retrieval list` shows the ids "
                  "(a symbol such as A/RES/80/210 or 80/210 also works)", file=sys.stderr)
            return 2
        ids.append(found)
    if ids[0] == ids[1]:
        print("error: give two different documents", file=sys.stderr)
        return 2
    a, b = versions.in_order(*ids)
    comparison = versions.compare(a, b)
    if args.json:
        print(json.dumps(comparison.to_dict(), ensure_ascii=False))
        return 0
    reply = ComparisonReply(CompareAsk("changes"), Targets(a, b), comparison,
                            tuple(comparison.pairs if args.all else comparison.by_substance()))
    print(comparison_reply(reply, {d["id"]: d for d in engine.documents}))
    print()
    print("\n".join(comparison_export(reply, markdown=args.markdown)).rstrip())
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or exc.__class__.__name__


def cmd_points(args) -> int:
    from .answer.citation import cite
    from .chat.key_points import GROUP_TITLES, key_points

    engine = _load_engine(args)
    documents = {d["id"]: d for d in engine.documents}
    if args.document and args.document not in documents:
        print(f"error: no document {args.document!r} (see `list`)", file=sys.stderr)
        return 1
    points = key_points(engine.passages, speakers=set(args.speaker or []) or None,
                        agreements=set(args.agreement or []) or None,
                        documents={args.document} if args.document else None)
    rows = []
    for p in points:
        s = p.passage.sentences[p.sentence_index]
        c = cite(p.passage, documents.get(p.passage.doc_id), s.page,
                 s.attribution.to_dict() | {"label": s.attribution.label})
        rows.append({"group": p.group, "group_title": GROUP_TITLES[p.group], "text": s.text,
                     "citation": c.to_dict()})
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if not rows:
        print("No attributed statements" + (" match these filters." if args.speaker or args.agreement
                                            else " in this document: it does not say who said what."))
    for row in rows:
        print(f"[{row['group_title']}] {row['text']} — {row['citation']['attribution']['label']}\n"
              f"  Source: {row['citation']['label']}")
    return 0


def cmd_report(args) -> int:
    """What the page's record says: questions the documents did not answer, answers marked wrong."""
    from .models.model import load_embedder
    from .server.record import RecordSettings, open_record
    from .server.report import as_csv, as_dict, as_text, dislikes, recorded_vectors, unanswered

    settings = _settings(args)
    where = RecordSettings.from_env(settings.index_dir)
    if where.off:
        print("error: recording is off (RETRIEVAL_RECORD=off)", file=sys.stderr)
        return 2
    if where.path is not None and not where.path.exists():
        print("Nothing recorded yet: the page records the questions asked in it.")
        return 0
    record = open_record(where)
    since = args.since
    embedder = None

    def encode(texts):
        nonlocal embedder  # loaded only when some wording's vector is not in the record yet
        embedder = embedder or load_embedder(settings.model)
        return embedder.encode(texts)

    def embed(texts):
        return recorded_vectors(record, settings.model, encode, texts)

    gaps, disliked = unanswered(record, since, embed), dislikes(record, since)
    print(json.dumps(as_dict(gaps, disliked), indent=1, ensure_ascii=False) if args.json
          else as_csv(gaps, disliked) if args.csv else as_text(gaps, disliked))
    return 0


def cmd_bench(args) -> int:
    from .dev.bench import run_bench

    return run_bench(args, lambda: _load_engine(args))


def _iso_date(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class _PlainOutput(io.TextIOBase):
    """What the CLI prints, with terminal control sequences and bidi overrides taken out: a
    document's title or a recorded comment cannot retitle the terminal, clear it or reverse the
    line (#33). Newlines and tabs stay."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from .ingest.metadata import CONTROLS

        self._stream.write(CONTROLS.sub("", text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", "utf-8")


def main(argv: list[str] | None = None) -> int:
    stdout = sys.stdout
    sys.stdout = _PlainOutput(stdout)
    try:
        return _main(argv)
    finally:
        sys.stdout.flush()
        sys.stdout = stdout


def _main(argv: list[str] | None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("retrieval").setLevel(logging.INFO)
    parser = argparse.ArgumentParser(prog="python -m retrieval", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", help="sentence-transformers model name or path (env RETRIEVAL_MODEL)")
    common.add_argument("--second-model", help="second model whose scores are averaged with the first, "
                        "or 'none' (env RETRIEVAL_SECOND_MODEL)")
    common.add_argument("--index-dir", help="index folder (env RETRIEVAL_INDEX_DIR)")
    common.add_argument("--corpus-dir", help="corpus folder (env RETRIEVAL_CORPUS_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", parents=[common], help="answer a question (or questions on stdin with --json)")
    ask.add_argument("question", nargs="*", default=None)
    ask.add_argument("--top-k", type=int, default=None)
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--exact", action="store_true", help="search the words as typed, without spelling correction")
    ask.add_argument("--record", action="store_true",
                     help="keep the question in the page's record (off by default: evaluation runs stay out of the report)")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--speaker", action="append", choices=SPEAKERS,
                     help="only sentences said by these speakers (repeat for several)")
    who.add_argument("--agreement", action="append", choices=AGREEMENTS,
                     help="only sentences with this strength of agreement (repeat for several)")
    for action in who._actions:
        if action.option_strings and action.dest != "help":
            ask._add_action(action)
    ask.set_defaults(func=cmd_ask)

    build = sub.add_parser("build", parents=[common], help="build the index if missing or stale")
    build.add_argument("--force", action="store_true", help="rebuild even when the index is valid")
    build.add_argument("--verify", action="store_true",
                       help="hash every document file again (a start trusts a file whose size and times are unchanged)")
    build.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                       help="read and embed on Ray: a local instance, or the cluster at ADDRESS (e.g. auto)")
    build.add_argument("--workers", type=int, default=None,
                       help="with --ray: encoder workers, one CPU each (default: every CPU Ray has)")
    build.set_defaults(func=cmd_build)

    ev = sub.add_parser("eval", parents=[common], help="score a question set (JSON lines)")
    ev.add_argument("file")
    ev.add_argument("--mode", choices=["dense", "bm25", "rrf", "hybrid"], default=None)
    ev.add_argument("--compare", action="store_true", help="score dense, bm25, rrf and hybrid side by side")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=cmd_eval)

    add = sub.add_parser("add", parents=[common], help="copy documents into the corpus and index them")
    add.add_argument("files", nargs="+")
    add.add_argument("--replace", action="store_true",
                     help="replace a document of the same name (also one shipped with the project)")
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser("remove", parents=[common], help="remove a document (its id, as `list` shows)")
    remove.add_argument("document")
    remove.set_defaults(func=cmd_remove)
    retitle = sub.add_parser("retitle", parents=[common],
                             help="correct a document's title (written to its sidecar; no vector embedded again)")
    retitle.add_argument("document", help="its id, as `list` shows")
    retitle.add_argument("title", help="the title as the document prints it (its symbol is added when missing)")
    retitle.set_defaults(func=cmd_retitle)

    points = sub.add_parser("points", parents=[common, who],
                            help="key points: the attributed sentences, grouped, with citations")
    points.add_argument("--document", help="only this document (its id, as `list` shows)")
    points.add_argument("--json", action="store_true", help="one JSON object per point")
    points.set_defaults(func=cmd_points)

    cmp = sub.add_parser("compare", parents=[common],
                         help="what changed between two documents (ids as `list` shows them, or symbols)")
    cmp.add_argument("a")
    cmp.add_argument("b")
    cmp.add_argument("--json", action="store_true", help="the whole alignment, every paragraph, as JSON")
    cmp.add_argument("--markdown", action="store_true", help="the differences as Markdown")
    cmp.add_argument("--all", action="store_true", help="every paragraph in order, not only the differences")
    cmp.set_defaults(func=cmd_compare)

    lst = sub.add_parser("list", parents=[common], help="documents in the index with passage counts")
    lst.set_defaults(func=cmd_list)

    report = sub.add_parser("report", parents=[common],
                            help="questions the documents did not answer, and answers marked wrong (from the page's record)")
    report.add_argument("--since", type=_iso_date, help="only from this date (YYYY-MM-DD)")
    report.add_argument("--json", action="store_true")
    report.add_argument("--csv", action="store_true")
    report.set_defaults(func=cmd_report)
    bench = sub.add_parser("bench", parents=[common], help="cold start and warm latency beside bare encoding")
    bench.add_argument("--questions", type=int, default=200)
    bench.add_argument("--cold-runs", type=int, default=3)
    bench.add_argument("--throughput", action="store_true", help="embedding speed when building")
    bench.add_argument("--runtimes", action="store_true",
                       help="PyTorch and OpenVINO × MiniLM alone and the pair: latency, build speed, memory")
    bench.add_argument("--runtime-probe", action="store_true", help=argparse.SUPPRESS)
    bench.add_argument("--scale", action="store_true", help="index build, memory, latency, recall at scale")
    bench.add_argument("--sizes", default="10000,100000,1000000")
    bench.add_argument("--nprobe-sweep", default="", help="with --scale: also these nprobe values, e.g. 16,24,32,48")
    bench.add_argument("--library", type=Path, metavar="DIR",
                       help="a library of documents: reading, build, bytes a passage, start, p50/p95, add (#32)")
    bench.add_argument("--keep", type=Path, metavar="DIR", help="with --library: work in DIR and keep it")
    bench.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    if args.command == "ask" and not args.question:
        args.question = None
    from .ingest.corpus import CorpusError
    from .ingest.formats import IngestError
    from .index.backends import StoreUnavailable

    try:
        return args.func(args)
    except (CorpusError, IngestError, StoreUnavailable, ValueError, OSError) as exc:
        # A user's mistake or the machine's state: one line, no traceback.
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
