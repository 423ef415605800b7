"""Client addresses and allowed-IP rules (no web framework here)."""
