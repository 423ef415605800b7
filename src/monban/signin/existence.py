"""Whether an identifier that matches no account gets the answer a member would get
(`hide_account_existence`): the one rule the sign-in start, sign-in codes and recovery use.

An email address names its org by its domain: it is hidden when the server hides unknown
accounts (MONBAN_HIDE_UNKNOWN_ACCOUNTS) or the org that claims the domain hides them. A mobile
number or a username names no org, yet a member's number must answer like an unknown one: so
it is hidden when ANY org on the server hides account existence (an org cannot keep its
members' numbers secret otherwise: the unknown number's ACCOUNT_NOT_FOUND would tell them
apart). What a person typed that is no identifier at all matches nobody, member or not."""

from __future__ import annotations

from sqlalchemy import Connection

from monban.accounts.identifiers import Identifier, email_domain
from monban.store import orgs


def unknown_hidden(conn: Connection, parsed: Identifier | None, server_hides: bool) -> bool:
    if server_hides:
        return True
    if parsed is None:
        return False
    domain = email_domain(parsed)
    if domain is not None:
        org = orgs.for_domain(conn, domain)
        return org is not None and org.settings.hide_account_existence
    return orgs.any_hides_existence(conn)
