"""Everything a running Monban holds, built from Settings: shared by the web app and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from monban.admin.directory import Directory
from monban.clock import Clock, SystemClock
from monban.config import Settings
from monban.crypto.code_hash import CodeHasher
from monban.crypto.sealing import Sealer
from monban.db.database import Database
from monban.db.migrate import upgrade
from monban.devices.qr_signin import QrSignInService
from monban.devices.service import DeviceService
from monban.devices.setup import AuthenticatorSetup
from monban.factors import registry
from monban.factors.base import FactorDeps
from monban.factors.manager import FactorManager
from monban.federation.registry import ProviderRegistry
from monban.federation.service import FederationService
from monban.mail.app_passwords import AppPasswords
from monban.mail.login import MailLogins
from monban.notify.delivery import build_senders
from monban.notify.fanout import build_fanout
from monban.notify.outbox import Outbox
from monban.notify.senders import Senders
from monban.oidc.provider import Provider
from monban.passwords.hasher import PasswordHasher
from monban.sessions.service import SessionService
from monban.signin.flow import SignInService
from monban.signin.passwordless import Passwordless
from monban.signin.second_step import SecondStep
from monban.store.counters import Counters
from monban.store.redis_counters import RedisCounters, connect
from monban.store.sql_counters import SqlCounters


@dataclass(slots=True)
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    counters: Counters
    hasher: PasswordHasher
    signin: SignInService
    sessions: SessionService
    directory: Directory
    secret_key: str
    factors: FactorManager
    second_step: SecondStep
    outbox: Outbox
    senders: Senders
    """Every SMS, email and push goes out through senders.send (the send limits)."""
    app_passwords: AppPasswords
    mail_logins: MailLogins
    passwordless: Passwordless
    oidc: Provider
    """The OpenID Connect provider (issue #6)."""
    federation: FederationService
    authenticator: Any = None
    """devices.service.DeviceService (issue #4: Monban Authenticator)."""
    qr_signin: Any = None
    """devices.qr_signin.QrSignInService."""
    redis_counters: RedisCounters | None = None
    """Set when MONBAN_REDIS_URL is (issue #7): /readyz pings it."""

    async def aclose(self) -> None:
        """Close the network clients (Redis, the push fan-out, upstream providers), then
        the rest (close)."""
        if self.redis_counters is not None:
            await self.redis_counters.aclose()
        if self.authenticator is not None:
            await self.authenticator.setup.fanout.close()
        await self.federation.close()
        self.close()

    def close(self) -> None:
        self.hasher.close()
        self.db.dispose()


def build_runtime(settings: Settings, clock: Clock | None = None, migrate: bool = True
                  ) -> Runtime:
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url())
    if migrate:
        upgrade(db)
    counters: Counters = SqlCounters(db)
    redis_counters = None
    if settings.redis_url:  # issue #7: counters shared by every node through Redis
        redis_counters = counters = RedisCounters(
            connect(settings.redis_url), settings.redis_key_prefix,
            settings.counters_when_redis_down, db, clock.now)
    hasher = PasswordHasher(settings.argon2_memory_kib, settings.argon2_time_cost,
                            settings.argon2_parallelism, settings.hash_workers)
    secret_key = settings.resolved_secret_key()
    outbox = Outbox(db, clock)
    setup = authenticator_setup(settings)
    sealer = Sealer(secret_key)
    senders = build_senders(settings, outbox, counters, db, clock, secret_key, setup.fanout)
    deps = FactorDeps(db=db, clock=clock, sealer=sealer,
                      codes=CodeHasher(secret_key), app_name=settings.authenticator_app_name,
                      rp_id=settings.webauthn_rp_id, rp_name=settings.webauthn_rp_name,
                      senders=senders, authenticator=setup)
    manager = FactorManager(db, registry.build(deps))
    signin = SignInService(db, counters, hasher, clock,
                           flow_ttl=timedelta(seconds=settings.flow_ttl_seconds),
                           hide_unknown_accounts=settings.hide_unknown_accounts)
    second_step = SecondStep(db, counters, clock, manager)
    signin.second_step, second_step.signin = second_step, signin
    devices = DeviceService(db, clock, deps.sealer, deps.codes, counters, setup,
                            settings.webauthn_rp_name)
    app_passwords = AppPasswords(db, clock, CodeHasher(secret_key))
    oidc = Provider(db, clock, secret_key)
    return Runtime(
        settings=settings, clock=clock, db=db, counters=counters, hasher=hasher,
        signin=signin, sessions=SessionService(db, clock),
        directory=Directory(db, hasher, clock), secret_key=secret_key, factors=manager,
        second_step=second_step, outbox=outbox, senders=senders, authenticator=devices,
        qr_signin=QrSignInService(devices, signin), app_passwords=app_passwords,
        mail_logins=MailLogins(db, counters, hasher, clock, app_passwords, second_step),
        passwordless=Passwordless(db, counters, clock, deps.codes, deps.senders, signin),
        redis_counters=redis_counters, oidc=oidc,
        federation=FederationService(db, clock, settings, ProviderRegistry(db, sealer, clock),
                                     signin, counters),
    )


def authenticator_setup(settings: Settings) -> AuthenticatorSetup:
    return AuthenticatorSetup(
        fanout=build_fanout(settings.redis_url, settings.redis_key_prefix),
        push_ttl=timedelta(seconds=settings.push_ttl_seconds),
        min_version=settings.authenticator_min_version,
        window=timedelta(seconds=settings.device_signature_window_seconds),
        app_name=settings.authenticator_app_name)
