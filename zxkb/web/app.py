"""`zxkb serve`'s routes: each parses its parameters (zxkb.web.params), calls
the library (zxkb.web.endpoints: the same calls as the CLI's commands) and
renders a template or the CLI's JSON view. Nothing here writes: the database
is opened read-only, once per server thread (SQLite connections belong to the
thread that opened them).

    /                 search: the query box, facets, hits, paging (the CLI's search options)
    /doc/ID           the reader: the document, its outline, every paragraph at #pN
    /docs             the documents, with facets
    /trend            terms counted by year (region, type, speaker, report): a chart and its table
    /compare          two reports, or two sets of reports: terms and initiatives
    /track?doc=ID     a report's plan against the next report's review
    /api/NAME         the CLI's `zxkb NAME --json`, byte for byte (endpoints.ENDPOINTS)
    /static/…         the package's static folder, nothing else
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from zxkb.api import KnowledgeBase
from zxkb.errors import NotFound, ZxkbError, user_error
from zxkb.models import DocInfo, Selection
from zxkb.web import across, pages
from zxkb.web import reader as reader_view
from zxkb.web.cache import Cache
from zxkb.web.endpoints import ENDPOINTS, FILTER_NAMES, SIDE_FILTERS, Endpoint, side, where
from zxkb.web.guard import CHART_CSP, Guard
from zxkb.web.params import Param, parse, positive

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PAGE_SIZE_MAX = 100  # hits on one page: limit=0 (every hit) pages by this many
DOCS_PER_PAGE = 200
MAX_ID = 2**63 - 1
SEARCH_PAGE_PARAMS = ("q", *FILTER_NAMES, "section", "limit", "all", "fuzzy")
NO_FILTERS: dict[str, Any] = {**{name: [] for name in FILTER_NAMES if name != "copies"}, "copies": False}


class Library:
    """One read-only KnowledgeBase per server thread, opened on its first request."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local = threading.local()

    def kb(self) -> KnowledgeBase:
        kb: KnowledgeBase | None = getattr(self.local, "kb", None)
        if kb is None:
            kb = self.local.kb = KnowledgeBase(self.path)
        return kb


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        url=pages.url,
        with_value=pages.with_value,
        without_value=pages.without_value,
        without_name=pages.without_name,
        TYPE_NAMES=pages.TYPE_NAMES,
        LEVEL_NAMES=pages.LEVEL_NAMES,
        KIND_NAMES=pages.KIND_NAMES,
        BY_NAMES=across.BY_NAMES,
        MEASURES=across.MEASURES,
        STATUS_NAMES=across.STATUS_NAMES,
        ref_link=across.ref_link,
        unquote=unquote,
    )
    return env


def create_app(db: Path, *, loopback_only: bool = True, cache_mb: float = 64) -> Guard:
    """The web application over the database at `db`, behind zxkb.web.guard. Answers
    are kept while the database stays the same (zxkb.web.cache): up to `cache_mb` of
    pages and API answers, and the documents the facets count; 0 keeps nothing."""
    library = Library(db)
    env = templates()
    answers: Cache[Response] = Cache(
        db, int(cache_mb * 2**20), size_of=lambda r: len(r.body) + 512, keep=lambda r: r.status_code < 500
    )
    documents: Cache[tuple[list[DocInfo], Selection]] = Cache(db, 64)  # entries: the facets of 64 filters

    def facet_docs(args: dict[str, Any]) -> tuple[list[DocInfo], Selection]:
        """The documents of the reports the filters choose, for the facets' counts, and the filters as read."""
        chosen = where(args)
        kb = library.kb()
        return documents.get(chosen, lambda: (kb.documents(where=chosen), kb.select(chosen)))

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A template rendered; a page that draws a chart (context["chart"]) allows ECharts' style attributes."""
        headers = {"content-security-policy": CHART_CSP} if context.get("chart") else None
        return HTMLResponse(env.get_template(name).render(**context), status_code=status, headers=headers)

    def failure(exc: BaseException, *, api: bool, resource: bool = False) -> Response:
        """A user's mistake as the CLI says it (400, or 404 for an unknown document or
        paragraph); anything else is a bug: 500, said on stderr, never a traceback in the page."""
        known = user_error(exc)
        if known is None:
            print(f"Error: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            if os.environ.get("ZXKB_DEBUG"):
                import traceback

                traceback.print_exception(exc)
            known = ZxkbError(
                f"internal error: {type(exc).__name__}", "this is a bug in zxkb; the server's console says more"
            )
            status = 500
        else:
            status = 404 if resource and isinstance(known, NotFound) else 400
        if api:
            return _json({"error": known.message, "hint": known.hint}, status)
        return page("error.html", status, title="出错了", error=known.message, hint=known.hint, code=status)

    def answered(
        handler: Callable[[Request], Response], *, api: bool = False, resource: bool = False
    ) -> Callable[[Request], Response]:
        def make(request: Request) -> Response:
            try:
                return handler(request)
            except Exception as exc:
                return failure(exc, api=api, resource=resource)

        def run(request: Request) -> Response:
            return answers.get((request.url.path, request.url.query), lambda: make(request))

        return run

    def api(endpoint: Endpoint) -> Callable[[Request], Response]:
        def run(request: Request) -> Response:
            args = endpoint.args(request.query_params.multi_items())
            return _json(endpoint.view(endpoint.call(library.kb(), args)))

        return answered(run, api=True, resource=endpoint.resource)

    def search_page(request: Request) -> Response:
        items = request.query_params.multi_items()
        endpoint = ENDPOINTS["search"]
        queried = any(name == "q" and value.strip() for name, value in items)
        if not queried:
            items = [(k, v) for k, v in items if k != "q"]
        args = parse("search", endpoint.params[1:] if not queried else endpoint.params, items, ("page",))
        number = positive("search", "page", args.pop("page", None), 1)
        pairs = pages.items(args, SEARCH_PAGE_PARAMS, {p.name: p.default for p in endpoint.params})
        kb = library.kb()
        infos, chosen = facet_docs(args)
        context: dict[str, Any] = {
            "title": "搜索",
            "args": args,
            "pairs": pairs,
            "facets": pages.facets(infos, chosen, copies=args["copies"]),
            "result": None,
        }
        if queried:
            size = min(args["limit"] or PAGE_SIZE_MAX, PAGE_SIZE_MAX)
            result = endpoint.call(kb, {**args, "limit": number * size})
            query = " ".join(args["q"])
            shown = result.hits[(number - 1) * size : number * size]
            context.update(
                title=f"{query} - 搜索",
                query=query,
                result=result,
                hits=[pages.hit_view(hit, query) for hit in shown],
                pager=pages.pager(result.total, number, size, pairs),
            )
        return page("search.html", **context)

    reader_params = (Param("hl", ("hl",)), Param("all", ("all",), "flag", False))

    def reader(request: Request) -> Response:
        raw = request.path_params["doc_id"]
        args = parse("show", reader_params, request.query_params.multi_items())
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
            raise NotFound(f"no document {raw}", "zxkb docs lists the documents with their ids")
        reading = library.kb().document(int(raw))
        return page("reader.html", **reader_view.context(reading, args["hl"], args["all"]))

    def docs_page(request: Request) -> Response:
        endpoint = ENDPOINTS["docs"]
        args = endpoint.args(request.query_params.multi_items(), ("page",))
        number = positive("docs", "page", args.pop("page", None), 1)
        infos, chosen = facet_docs(args)  # what endpoint.call gives: kb.documents(where=…)
        pairs = pages.items(args, FILTER_NAMES, {p.name: p.default for p in endpoint.params})
        return page(
            "docs.html",
            title="文档",
            args=args,
            pairs=pairs,
            docs=infos,
            shown=infos[(number - 1) * DOCS_PER_PAGE : number * DOCS_PER_PAGE],
            pager=pages.pager(len(infos), number, DOCS_PER_PAGE, pairs, "/docs"),
            facets=pages.facets(infos, chosen),
            chart=pages.year_chart(infos, pairs),
        )

    def trend_page(request: Request) -> Response:
        """The box `terms` holds several (across.split_terms); `term=` is one, as in the API."""
        endpoint = ENDPOINTS["trend"]
        items = _filled(request)
        terms = [v for k, v in items if k == "term" and v.strip()]
        terms += [t for k, v in items if k == "terms" for t in across.split_terms(v)]
        rest = [(k, v) for k, v in items if k not in ("term", "terms")]
        args = parse("trend", endpoint.params[1:], rest, ("measure",))
        chosen = across.measure(args.pop("measure", None))
        args["term"] = terms
        filters = pages.items(args, FILTER_NAMES, {"copies": False})
        pairs = [("term", t) for t in terms] + pages.items(
            {**args, "measure": chosen}, ("by", *FILTER_NAMES, "measure", "kwic", "width"), _defaults(endpoint)
        )
        context: dict[str, Any] = {
            "title": "趋势",
            "args": args,
            "box": across.box_text(terms),
            "pairs": pairs,
            "measure": chosen,
            "chart": None,
        }
        if terms:
            result = endpoint.call(library.kb(), args)
            view = across.trend_view(result, filters, chosen, years_given=bool(args["year"]))
            context.update(view, title=f"{'、'.join(terms)} - 趋势")
            context["api"] = pages.url("/api/trend", [(k, v) for k, v in pairs if k != "measure"])
        return page("trend.html", **context)

    def compare_page(request: Request) -> Response:
        endpoint = ENDPOINTS["compare"]
        args = endpoint.args(_filled(request))
        sides = ("left", "right", *(f"{s}-{f}" for s in ("left", "right") for f in SIDE_FILTERS))
        context: dict[str, Any] = {"title": "对比", "args": args, "reports": _reports(), "compare": None}
        if any(args[name] for name in sides):
            left, right = side(args, "left"), side(args, "right")
            result = endpoint.call(library.kb(), args)
            context.update(across.compare_view(result, left, right), title="对比")
            names = ("left", "right", *FILTER_NAMES[1:], *sides[2:], "limit")
            context["api"] = pages.url("/api/compare", pages.items(args, names, _defaults(endpoint)))
        return page("compare.html", **context)

    def track_page(request: Request) -> Response:
        endpoint = ENDPOINTS["track"]
        items = _filled(request)
        asked = any(k == "doc" and v.strip() for k, v in items)
        params = endpoint.params if asked else endpoint.params[1:]
        args = parse("track", params, [(k, v) for k, v in items if asked or k != "doc"])
        context: dict[str, Any] = {"title": "跟踪", "args": args, "reports": _reports(), "track": None}
        if asked:
            kb = library.kb()
            result = endpoint.call(kb, args)
            following = kb.document(result.next) if result.next is not None else None
            context.update(across.track_view(result, kb.document(result.doc), following))
            context["title"] = f"{result.doc_title} - 跟踪"
            context["missing"] = across.no_successor(result) if result.next is None else None
            context["api"] = pages.url("/api/track", pages.items(args, ("doc", "evidence"), _defaults(endpoint)))
        return page("track.html", **context)

    def _reports() -> list[tuple[str, list[tuple[str, str]]]]:
        return across.report_choices(facet_docs(NO_FILTERS)[0])

    def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        error = ZxkbError(
            f"no page {request.url.path}",
            "the pages are /, /docs, /doc/ID, /trend, /compare and /track; the API is /api/NAME",
        )
        if status != 404:
            error = ZxkbError(f"HTTP {status}", None)
        if request.url.path.startswith("/api/"):
            return _json({"error": error.message, "hint": error.hint}, status)
        return page("error.html", status, title="出错了", error=error.message, hint=error.hint, code=status)

    routes = [
        Route("/", answered(search_page), methods=["GET"]),
        Route("/docs", answered(docs_page), methods=["GET"]),
        Route("/doc/{doc_id}", answered(reader, resource=True), methods=["GET"]),
        Route("/trend", answered(trend_page), methods=["GET"]),
        Route("/compare", answered(compare_page), methods=["GET"]),
        Route("/track", answered(track_page, resource=True), methods=["GET"]),
        *(Route(f"/api/{name}", api(e), methods=["GET"]) for name, e in ENDPOINTS.items()),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found})
    return Guard(app, loopback_only=loopback_only)


def _filled(request: Request) -> list[tuple[str, str]]:
    """The query of a page's form without the fields left empty (a form sends them all)."""
    return [(k, v) for k, v in request.query_params.multi_items() if v.strip()]


def _defaults(endpoint: Endpoint) -> dict[str, Any]:
    return {p.name: p.default for p in endpoint.params}


def _json(obj: Any, status: int = 200) -> Response:
    """The CLI's JSON bytes: json.dumps(…, ensure_ascii=False) and a newline, as `--json` prints them."""
    import json

    body = (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")
    return Response(body, status_code=status, media_type="application/json; charset=utf-8")
