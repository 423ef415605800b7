"""Second factors, each a plug-in with the same verbs (factors/base.py)."""
