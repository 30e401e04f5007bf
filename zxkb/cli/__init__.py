"""The thin Typer layer."""

from zxkb.cli.app import app, main

__all__ = ["app", "main"]
