"""The signing scheme shared by the app and the server, and version comparison."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from monban.devices import signature


def test_a_signature_covers_every_part() -> None:
    key = Ed25519PrivateKey.generate()
    public = signature.public_key_text(key)
    parts = ("POST", "/api/v1/authenticator/challenges/x/answer", "1700000000",
             "nonce-0123456789abcdef", b'{"number": 42}')
    signed = signature.sign(key, *parts)
    assert signature.verify(public, signed, *parts)
    for index, changed in ((0, "PUT"), (1, "/api/v1/authenticator/restriction"),
                           (2, "1700000001"), (3, "nonce-0123456789abcdeg"),
                           (4, b'{"number": 43}')):
        altered = list(parts)
        altered[index] = changed
        assert not signature.verify(public, signed, *altered)
    other = signature.public_key_text(Ed25519PrivateKey.generate())
    assert not signature.verify(other, signed, *parts)
    assert not signature.verify(public, "not-base64!", *parts)


def test_public_keys_are_32_bytes_base64url() -> None:
    assert signature.valid_public_key(signature.public_key_text(Ed25519PrivateKey.generate()))
    assert not signature.valid_public_key("A" * 42)
    assert not signature.valid_public_key("!" * 43)


def test_versions_compare_as_numbers() -> None:
    assert signature.at_least("0.10.0", "0.9")
    assert signature.at_least("1.0", "1.0.0")
    assert not signature.at_least("0.1.0", "0.2")
    assert not signature.at_least("garbage", "0.1")
    assert signature.at_least("0.0.1", "")
