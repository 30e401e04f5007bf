"""Answers from the index: the query language, the search engine, snippets,
fuzzy terms, approximate hits and show."""
