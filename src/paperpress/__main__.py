"""python -m paperpress."""

from .cli import run

run()
