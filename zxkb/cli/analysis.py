"""The commands across the archive as Typer declares them (trend, compare,
track); zxkb.cli.app registers them. As there, Typer only parses: each returns
its implementation in zxkb.cli.commands with the parsed arguments."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

import typer

from zxkb.cli import commands
from zxkb.cli.options import (
    CopiesOption,
    DbOption,
    DocOption,
    JsonOption,
    LevelOption,
    RegionOption,
    SpeakerOption,
    TypeOption,
    YearOption,
)

Command = Callable[[], int]

ByOption = Annotated[
    str, typer.Option("--by", help="Buckets: year, region, type, speaker or doc (one report each).", show_default=True)
]


def trend(
    terms: Annotated[
        list[str],
        typer.Argument(
            help='Terms to count, each a query of the search language (quote one of several words: "远程 协商").',
            show_default=False,
            metavar="TERM...",
        ),
    ],
    by: ByOption = "year",
    doc: DocOption = None,
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: CopiesOption = False,
    refs: Annotated[
        int, typer.Option("--refs", min=0, help="List the N best paragraphs of each bucket, as references.")
    ] = 0,
    kwic: Annotated[
        bool, typer.Option("--kwic", help="Keyword in context: every occurrence as one line, with its reference.")
    ] = False,
    width: Annotated[
        int, typer.Option("--width", "-w", min=0, help="With --kwic: characters of context on each side.")
    ] = 15,
    csv: Annotated[bool, typer.Option("--csv", help="Write CSV to stdout (for Excel and pandas).")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """How often terms occur, by year (or region, type, speaker, report): reports, paragraphs,
    occurrences and occurrences per 10,000 characters of body text, each report once; years
    without a report inside the range are zeros. A chart, --kwic lines, --json or --csv."""
    return partial(
        commands.trend,
        terms=terms,
        by=by,
        where=commands.Where(doc, year, region, type_, level, speaker, copies),
        refs=refs,
        kwic=kwic,
        width=width,
        csv=csv,
        db=db,
        json=json,
    )


def _side(name: str, what: str) -> dict[str, object]:
    return {
        "doc": typer.Option(f"--{name}-doc", help=f"{what}: this document, by id or part of its title (repeatable)."),
        "year": typer.Option(f"--{name}-year", help=f"{what}: reports of this year or range (repeatable)."),
        "region": typer.Option(f"--{name}-region", help=f"{what}: reports of this region (repeatable)."),
        "type": typer.Option(f"--{name}-type", help=f"{what}: reports of this type (repeatable)."),
        "level": typer.Option(f"--{name}-level", help=f"{what}: reports of this level (repeatable)."),
        "speaker": typer.Option(f"--{name}-speaker", help=f"{what}: reports made by this person (repeatable)."),
    }


def _docs(positional: str | None, repeated: list[str] | None) -> list[str] | None:
    return [*([positional] if positional else []), *(repeated or [])] or None


_L = _side("left", "Side A")
_R = _side("right", "Side B")
Strings = list[str] | None


def compare(
    left: Annotated[str | None, typer.Argument(help="Side A: a document (id or part of its title).")] = None,
    right: Annotated[str | None, typer.Argument(help="Side B: a document (id or part of its title).")] = None,
    year: YearOption = None,
    region: RegionOption = None,
    type_: TypeOption = None,
    level: LevelOption = None,
    speaker: SpeakerOption = None,
    copies: CopiesOption = False,
    left_doc: Annotated[Strings, _L["doc"]] = None,
    left_year: Annotated[Strings, _L["year"]] = None,
    left_region: Annotated[Strings, _L["region"]] = None,
    left_type: Annotated[Strings, _L["type"]] = None,
    left_level: Annotated[Strings, _L["level"]] = None,
    left_speaker: Annotated[Strings, _L["speaker"]] = None,
    right_doc: Annotated[Strings, _R["doc"]] = None,
    right_year: Annotated[Strings, _R["year"]] = None,
    right_region: Annotated[Strings, _R["region"]] = None,
    right_type: Annotated[Strings, _R["type"]] = None,
    right_level: Annotated[Strings, _R["level"]] = None,
    right_speaker: Annotated[Strings, _R["speaker"]] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Terms in each list; 0 lists all.")] = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """Two reports (A B), or two sets of reports (--left-year 2013-2017 --right-year 2018-2022;
    the plain filters apply to both sides): the terms that rose, fell, appeared and disappeared,
    ranked by log-likelihood (G2) with both frequencies; for two reports, their sections and
    initiatives matched: kept (with similarity), new in B, dropped from A."""
    return partial(
        commands.compare,
        where=commands.Where(None, year, region, type_, level, speaker, copies),
        left=commands.Where(_docs(left, left_doc), left_year, left_region, left_type, left_level, left_speaker),
        right=commands.Where(_docs(right, right_doc), right_year, right_region, right_type, right_level, right_speaker),
        limit=limit,
        db=db,
        json=json,
    )


def track(
    doc: Annotated[str, typer.Argument(help="The report: its id, or part of its title.", show_default=False)],
    evidence: Annotated[
        int, typer.Option("--evidence", "-n", min=1, help="Paragraphs of the next report shown per plan item.")
    ] = 3,
    db: DbOption = None,
    json: JsonOption = False,
) -> Command:
    """Plan against delivery: the initiatives of a report's plan for the year ahead, each matched
    against the review part of the next report from the same issuer (same type and region, the
    year after): reported, mentioned or not_found, with the paragraphs that report on it.
    Exit 1 when the next report is not in the knowledge base."""
    return partial(commands.track, doc=doc, evidence=evidence, db=db, json=json)
