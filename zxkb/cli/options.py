"""The options several commands share (Typer declarations): the database,
--json, and the filters that choose reports (zxkb.models.ReportFilter).
zxkb.cli.app and zxkb.cli.analysis declare their commands with them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file. Default: $ZXKB_DB, else the per-user data folder.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Write JSON to stdout (the README documents it).")]
DocOption = Annotated[
    list[str] | None,
    typer.Option("--doc", "-d", help="Only this document: its id, or part of its title (repeatable)."),
]
YearOption = Annotated[
    list[str] | None, typer.Option("--year", help="Only reports of this year or range: 2018, 2016-2020 (repeatable).")
]
RegionOption = Annotated[
    list[str] | None,
    typer.Option("--region", help="Only reports of this region: 湖南 or 湖南省, 株洲, 全国 (repeatable)."),
]
TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        help="Only reports of this type: government, cppcc, npc_resolution, party_congress, other (repeatable).",
    ),
]
LevelOption = Annotated[
    list[str] | None,
    typer.Option("--level", help="Only reports of this level: national, province, city, county (repeatable)."),
]
SpeakerOption = Annotated[
    list[str] | None, typer.Option("--speaker", help="Only reports made by this person: 李克强 (repeatable).")
]
CopiesOption = Annotated[
    bool,
    typer.Option("--copies", help="Every copy of a report stored from several sources (default: each report once)."),
]
SectionOption = Annotated[
    str | None,
    typer.Option("--section", "-s", help="Only this section and its subsections: 二, 二(一), 2 or 2.1."),
]
