"""Monban Authenticator: the command-line authenticator app (the CLIENT).

It runs on a person's second machine: `monban-authenticator link` registers an Ed25519 key
with their account, `listen` waits for sign-in requests and asks which number the browser
shows, `codes` shows authenticator-app codes offline, `scan` approves a QR sign-in,
`restrict` locks and unlocks sign-in, `sessions` lists and ends sessions. It speaks only the
HTTP API of api/authenticator.py, so it needs nothing of the server but its URL."""
