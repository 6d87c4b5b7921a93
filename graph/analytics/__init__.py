"""Cross-border analytics on the organisation link graph (see `links.py` for what a link is)."""
