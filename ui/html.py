"""The page's look and the HTML it draws documents' text in, escaped so that nothing a document
or a visitor wrote is ever read as markup."""

from __future__ import annotations

import functools
import re
import threading
import weakref
from urllib.parse import urlencode

from retrieval import CONTROLS, Engine, say, wording

STYLE = """<style>
.answer {font-size:1.15rem; line-height:1.55; border-left:4px solid #1f6feb; padding:.4rem .8rem;
         background:#f3f7ff; border-radius:4px; margin-bottom:.3rem;}
.who {color:#1f4fb0; font-size:.95rem; font-style:italic; white-space:nowrap;}
.cite {color:#444; font-size:.88rem; margin:.2rem 0 .6rem 0;}
.cite a.copy-link {margin-left:.6rem; font-size:.82rem; white-space:nowrap;}
.passage {color:#333; line-height:1.5;}
.passage mark, .docpara.cited {background:#fff3b0;}
.docpara {padding:.3rem .5rem; margin:.3rem 0; border-radius:4px;}
.docpara.cited {border-left:4px solid #e0a800;}
.page {color:#888; font-size:.8rem; margin-right:.4rem;}
.score, .hint {color:#777; font-size:.8rem;}
.offered {color:#444; font-size:.88rem; margin:-.2rem 0 .5rem 0; overflow-wrap:anywhere;}
.more {margin-bottom:.8rem;}
details.also summary {color:#444; font-size:.88rem; cursor:pointer;}
details.also .cite {margin-left:1rem;}
.point {line-height:1.5; border-left:4px solid #1f6feb; padding:.2rem .7rem; margin-top:.6rem;}
.partial {border-left:4px solid #b26a00; background:#fff8ec; padding:.4rem .8rem; border-radius:4px;
          margin-bottom:.5rem;}
</style>"""

_ESCAPES = {ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_{}[]()#+-.!|~$:"}


@functools.lru_cache(maxsize=8192)  # the history re-renders the same texts on every rerun
def esc(text: str) -> str:
    """Escape text for st.markdown(unsafe_allow_html=True): HTML and Markdown are shown literally;
    bidi overrides and control characters are taken out (they would turn the app's own words
    around them)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in CONTROLS.sub("", text))


_LABEL_ESCAPES = {ch: "\\" + ch for ch in "\\`*_[]<>#~$|&"}  # "&": "&amp;" is shown as typed
# A colon starts an emoji or icon shortcode (":smile:", ":material/home:") or a colour directive
# (":red[...]") only when a word follows it at once; "Migration: drivers" is left as written.
_SHORTCODE_COLON = re.compile(r":(?=\S)")
# What Markdown reads at the start of a line ("- ", "+ ", "1. ", "2) ", "---", "==="): a list or a
# rule; and "www." that GitHub's Markdown turns into a link.
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.M)
_WWW = re.compile(r"\b(www)\.", re.I)


def label(text: str) -> str:
    """Text for a Streamlit element that reads Markdown but no HTML (a button, an expander, a
    subheader, a page link, a caption, an alert): shown as written, never an image, a link, a
    list, LaTeX or a colour directive (#33). Backslashes, not HTML entities: the element's value
    then stays the sentence itself ("read-only", not "read&#45;only")."""
    text = "".join(_LABEL_ESCAPES.get(ch, ch) for ch in CONTROLS.sub("", text))
    text = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)),
                           text)
    text = _WWW.sub(r"\1\\.", text)
    return _SHORTCODE_COLON.sub(r"\\:", text)


def marked_passage(result: dict) -> str:
    text, (a, b) = result["text"], result["highlight_span"]
    return f'<div class="passage">{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}</div>'


def per_engine(maxsize: int = 256):
    """Cache a drawing function of (engine, …) on the engine itself: the same things are drawn on
    every rerun, but a cache at module level keyed by the engine would keep every replaced engine
    (and its index) alive after each library change (#33). Entries go with their engine."""
    def decorate(fn):
        caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        lock = threading.Lock()

        @functools.wraps(fn)
        def cached(engine, *args):
            with lock:
                cache = caches.setdefault(engine, {})
            if args not in cache:
                if len(cache) >= maxsize:
                    cache.clear()
                cache[args] = fn(engine, *args)
            return cache[args]
        return cached
    return decorate


@per_engine()  # the same sections are drawn on every rerun
def section_html(engine: Engine, doc_id: str, section: str | None, cited: int | None = None) -> str:
    """A section's paragraphs with page numbers; the cited paragraph (overall number) marked."""
    parts = []
    meta = next((d for d in engine.documents if d["id"] == doc_id), {})
    labels = meta.get("page_labels") or {}  # the folios the document prints, where it prints them
    for p in engine.passages:
        if p.doc_id != doc_id or p.section != section:
            continue
        start, end = (labels.get(str(p.page_start), p.page_start), labels.get(str(p.page_end), p.page_end)) \
            if labels else (p.page_start, p.page_end)
        if p.page_start is None:  # formats without pages (Word, Markdown)
            pages = ""
        else:
            pages = (say("html.page", page=start) if start == end else say("html.pages", first=start, last=end)) + " · "
        own = p.paragraph_label or (say("html.footnote") if p.footnote else None if meta.get("facts")
                                    else say("html.para", number=p.paragraph))
        cls = "docpara cited" if p.paragraph_overall == cited else "docpara"
        parts.append(f'<div class="{cls}" data-para="{p.paragraph_overall}"><span class="page">'
                     f'{esc(pages + (own or "")).rstrip(" ·")}</span>{esc(p.text)}</div>')
    return "\n".join(parts)


def result_html(result: dict, show_scores: bool) -> str:
    """A result's passage with its sentence marked, then its citation (and score when asked)."""
    score = f'<div class="score">{esc(say("answer.score", score=result["score"]))}</div>' if show_scores else ""
    also = result.get("also_in") or []
    return (marked_passage(result) + f'<div class="cite">{esc(say("answer.source", citation=result["citation"]["label"]))}</div>'
            # The same text in other versions, one click away, in the words of the box's own fold.
            + (f'<details class="also"><summary>{esc(wording.also_in_title(len(also)))}</summary>'
               + "".join(f'<div class="cite">{esc(a["label"])}</div>' for a in also) + "</details>" if also else "")
            + score)


def answer_link(base: str, question: str, filters: dict | None) -> str:
    """The address that asks ``question`` again on arrival, with the filters in force:
    ``base?q=…&doc=…&speaker=…&agreement=…`` (every value URL-encoded)."""
    pairs = [("q", question)]
    for name in ("document", "speaker", "agreement"):
        pairs += [("doc" if name == "document" else name, v) for v in (filters or {}).get(name) or []]
    return base.split("?", 1)[0].split("#", 1)[0] + "?" + urlencode(pairs)


def copy_link_html(link: str) -> str:
    """'Copy link': a real link to the answer, which the page's script copies when clicked."""
    return (f'<a class="copy-link" href="{esc(link)}" title="{esc(say("answer.copy_link_title"))}" '
            f'data-copied="{esc(say("answer.link_copied"))}">{esc(say("answer.copy_link"))}</a>')
