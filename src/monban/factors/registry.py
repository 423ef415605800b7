"""Which factors exist. Adding one is a module implementing factors/base.Factor and a line
here; the flow, the API and the pages pick it up."""

from __future__ import annotations

import importlib

from monban.factors.base import Factor, FactorDeps

# kind -> "module:Class"; a module that is not written yet is simply absent.
KNOWN = {
    "totp": "monban.factors.totp:TotpFactor",
    "sms": "monban.factors.sms:SmsFactor",
    "email": "monban.factors.email_code:EmailCodeFactor",
    "webauthn": "monban.factors.webauthn:WebAuthnFactor",
    "backup_code": "monban.factors.backup_codes:BackupCodeFactor",
    "push": "monban.factors.push:PushFactor",
}


def build(deps: FactorDeps) -> dict[str, Factor]:
    factors: dict[str, Factor] = {}
    for kind, target in KNOWN.items():
        module_name, _, class_name = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        factors[kind] = getattr(module, class_name)(deps)
    return factors
