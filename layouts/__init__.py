"""Bundled with paperpress as package data (layouts/ of the checkout); read through importlib.resources."""
