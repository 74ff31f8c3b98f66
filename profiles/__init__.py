"""Bundled with paperpress as package data (profiles/ of the checkout); read through importlib.resources."""
