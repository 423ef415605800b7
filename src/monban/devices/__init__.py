"""The server side of Monban Authenticator: linked devices, signed requests, the app's
actions (answer a push, approve a QR sign-in, restrict sign-in, end sessions)."""
