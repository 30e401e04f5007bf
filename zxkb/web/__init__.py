"""`zxkb serve`: a local web page over the same knowledge base (search with
facets, the reader with its outline, the documents) and a JSON API equal to
the CLI's --json. Needs the web extra (pip install 'zxkb[web]'); nothing here
is imported by any other command."""
