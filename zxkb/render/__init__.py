"""Output: json.py for scripts (stdlib only), human/ for people (the only
package that imports Rich: its charts and its views across reports beside it)."""
