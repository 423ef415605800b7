"""Federated sign-in: upstream identity providers (OIDC, or OAuth 2.0 + userinfo) and the
links between their identities (issuer, subject) and Monban accounts. Protocol and policy
only: no web framework here (web/signin/federation.py and api/federation.py speak HTTP)."""
