"""zxkb: a command-line knowledge base for Chinese work reports."""

__version__ = "0.1.0"
