"""Bundled with paperpress as package data (fonts/ of the checkout); read through importlib.resources."""
