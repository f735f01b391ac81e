"""Integrations with optional deep-learning libraries (PyTorch, transformers, SetFit)."""
