"""Output: json.py for scripts (stdlib only), human.py for people (the only module that imports Rich)."""
