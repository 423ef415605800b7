"""Everything a running Monban holds, built from Settings: shared by the web app and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from monban.admin.directory import Directory
from monban.clock import Clock, SystemClock
from monban.config import Settings
from monban.crypto.code_hash import CodeHasher
from monban.crypto.sealing import Sealer
from monban.db.database import Database
from monban.db.migrate import upgrade
from monban.factors import registry
from monban.factors.base import FactorDeps
from monban.factors.manager import FactorManager
from monban.federation.registry import ProviderRegistry
from monban.federation.service import FederationService
from monban.notify.delivery import build_senders
from monban.notify.outbox import Outbox
from monban.passwords.hasher import PasswordHasher
from monban.sessions.service import SessionService
from monban.signin.flow import SignInService
from monban.signin.second_step import SecondStep
from monban.store.counters import Counters
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
    federation: FederationService

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
    counters = SqlCounters(db)
    hasher = PasswordHasher(settings.argon2_memory_kib, settings.argon2_time_cost,
                            settings.argon2_parallelism, settings.hash_workers)
    secret_key = settings.resolved_secret_key()
    outbox = Outbox(db, clock)
    sealer = Sealer(secret_key)
    deps = FactorDeps(db=db, clock=clock, sealer=sealer,
                      codes=CodeHasher(secret_key), app_name=settings.authenticator_app_name,
                      rp_id=settings.webauthn_rp_id, rp_name=settings.webauthn_rp_name,
                      senders=build_senders(settings, outbox))
    manager = FactorManager(db, registry.build(deps))
    signin = SignInService(db, counters, hasher, clock,
                           flow_ttl=timedelta(seconds=settings.flow_ttl_seconds),
                           hide_unknown_accounts=settings.hide_unknown_accounts)
    second_step = SecondStep(db, counters, clock, manager)
    signin.second_step, second_step.signin = second_step, signin
    return Runtime(
        settings=settings, clock=clock, db=db, counters=counters, hasher=hasher,
        signin=signin, sessions=SessionService(db, clock),
        directory=Directory(db, hasher, clock), secret_key=secret_key, factors=manager,
        second_step=second_step, outbox=outbox,
        federation=FederationService(db, clock, settings, ProviderRegistry(db, sealer, clock),
                                     signin, counters),
    )
