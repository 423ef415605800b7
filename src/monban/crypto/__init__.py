"""Keys derived from the server secret: sealing secrets at rest, keyed hashes of codes."""
