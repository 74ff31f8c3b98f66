"""paperpress: typesets Chinese newspaper issues described in YAML into print, screen and archive PDFs."""

__version__ = "0.1.0"
