"""PURE text -> document: lines, chrome, front matter, headings and the report
parser that runs them (zxkb.parse.report). No I/O, no database."""
