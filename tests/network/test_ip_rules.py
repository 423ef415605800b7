from __future__ import annotations

from ipaddress import ip_address

import pytest

from monban.errors import CatalogueError
from monban.network.ip_rules import allows, matching, parse_rule


def test_parse_normalises() -> None:
    assert str(parse_rule(" 10.1.2.3/16 ")) == "10.1.0.0/16"
    assert str(parse_rule("203.0.113.5")) == "203.0.113.5/32"
    assert str(parse_rule("2001:DB8::/32")) == "2001:db8::/32"


@pytest.mark.parametrize("bad", ["", "10.0.0.0/33", "300.1.1.1", "abc", "2001:db8::/200"])
def test_parse_refuses(bad: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_rule(bad)
    assert caught.value.code == "INVALID_IP_RULE"


def test_matching_mixed_families() -> None:
    rules = [("office", "10.1.0.0/16"), ("v6", "2001:db8::/32")]
    assert matching(rules, ip_address("10.1.9.9")) == "office"
    assert matching(rules, ip_address("2001:db8::1")) == "v6"
    assert matching(rules, ip_address("10.2.0.1")) is None
    assert allows([], ip_address("10.2.0.1"))
    assert not allows(["10.1.0.0/16"], ip_address("2001:db8::1"))
