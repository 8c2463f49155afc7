"""Check families of the review engine, one module each; registry.py maps the names rules use to them."""
