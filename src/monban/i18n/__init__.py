"""Languages: negotiation and the UI message catalogs (Babel .po files, ja and en)."""
