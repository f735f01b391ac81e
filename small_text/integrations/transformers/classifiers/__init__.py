"""Transformer-based classifiers. This package re-exports nothing."""
