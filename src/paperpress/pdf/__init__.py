"""PDF backend: pages → bytes, per output profile."""
