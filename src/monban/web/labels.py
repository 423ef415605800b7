"""The words pages show for stored values: audit events, roles, org settings, password rules,
one-line notices after a change. English msgids, marked with N_ so that the translation test
finds them; pages translate them with `_` when rendering."""

from __future__ import annotations


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker
    return msgid


NOTICES = {
    "signed_out": N_("You have signed out."),
    "language_saved": N_("Your language has been changed."),
    "session_ended": N_("The session has been ended."),
    "sessions_ended": N_("Your other sessions have been ended."),
    "app_password_revoked": N_("The app password has been revoked."),
    "ip_added": N_("The IP address has been added."),
    "ip_removed": N_("The IP address has been removed."),
    "password_changed": N_("Your password has been changed. Your other sessions were ended."),
    "settings_saved": N_("The settings have been saved."),
    "provider_linked": N_("The account has been linked."),
    "provider_unlinked": N_("The account has been unlinked."),
    "provider_added": N_("The identity provider has been added."),
    "provider_removed": N_("The identity provider has been removed."),
    "member_added": N_("The member has been added."),
    "member_updated": N_("The member has been updated."),
    "member_password_set": N_("The password has been set."),
    "member_sessions_ended": N_("All of the member's sessions have been ended."),
    "factor_added": N_("Two-step verification method added."),
    "factor_removed": N_("The method has been removed."),
    "factor_preferred": N_("The method will be offered first when you sign in."),
    "browser_untrusted": N_("The browser is no longer trusted: it will be asked for the "
                            "second step again."),
    "code_sent": N_("A new code has been sent."),
    "app_deleted": N_("The app has been removed."),  # issue #6
}

EVENTS = {
    "signin.success": N_("Signed in"),
    "signin.password": N_("Sign-in attempt"),
    "signin.identifier": N_("Sign-in attempt (identifier)"),
    "signin.code": N_("Sign-in attempt (code)"),
    "signin.code_sent": N_("Sign-in code sent"),
    "signin.federated": N_("Sign-in attempt with an identity provider"),
    "federation.linked": N_("Account linked"),
    "federation.unlinked": N_("Account unlinked"),
    "federation.email_updated": N_("Email address updated from an identity provider"),
    "federation.account_created": N_("Account created by an identity provider"),
    "federation.provider_added": N_("Identity provider added"),
    "federation.provider_removed": N_("Identity provider removed"),
    "session.ended": N_("Session ended"),
    "session.ended_others": N_("Other sessions ended"),
    "account.created": N_("Account created"),
    "account.updated": N_("Account changed"),
    "account.password_set": N_("Password changed"),
    "ip_rule.added": N_("Allowed IP address added"),
    "ip_rule.removed": N_("Allowed IP address removed"),
    "org.created": N_("Organization created"),
    "org.settings_changed": N_("Organization settings changed"),
    "factor.added": N_("Two-step verification method added"),
    "factor.removed": N_("Two-step verification method removed"),
    "trusted_browser.removed": N_("Trusted browser removed"),
    "reauth.password": N_("Password re-entered"),
    "mail.login": N_("Mail client sign-in"),
    "app_password.created": N_("App password created"),
    "app_password.revoked": N_("App password revoked"),
    "server.error": N_("Server error"),
    "admin.backup_code_issued": N_("One-time backup code issued by an administrator"),
    "admin.mfa_reset": N_("Two-step verification reset by an administrator"),
    "admin.password_reset": N_("Password reset by an administrator"),
    "lockout.cleared": N_("Sign-in lock cleared"),
    "recovery.started": N_("Account recovery started"),
    "recovery.code_sent": N_("Recovery code sent"),
    "recovery.code": N_("Recovery code entered"),
    "recovery.mfa": N_("Two-step verification during recovery"),
    "recovery.password_reset": N_("Password reset through recovery"),
    "recovery.signin": N_("Signed in through recovery"),
    "recovery.allowed_ips": N_("Own allowed IP list changed through recovery"),
    "recovery_contact.added": N_("Recovery contact added"),
    "recovery_contact.removed": N_("Recovery contact removed"),
    "recovery_contact.verified": N_("Recovery contact verified"),
    "support.filed": N_("Support request filed"),
    "support.contact_code_sent": N_("Support request: contact code sent"),
    "support.contact_proven": N_("Support request: contact proven"),
    "support.viewed": N_("Support request viewed"),
    "support.check": N_("Support request: identity check recorded"),
    "support.approved": N_("Support request approved"),
    "support.denied": N_("Support request denied"),
    "support.code_sent": N_("Support: one-time backup code sent"),
    "support.code_used": N_("Support: backup code used"),
    "support.denial_sent": N_("Support: denial sent"),
    "support.expired": N_("Support request expired"),
    "counters.skipped": N_("Sign-in not counted: Redis unavailable (failing open)"),
    # OpenID Connect provider (issue #6)
    "oidc.token": N_("App token issued or refused"),
    "oidc.token_reuse": N_("Reused app code or refresh token (tokens revoked)"),
    "oidc.client_created": N_("App registered"),
    "oidc.client_updated": N_("App changed"),
    "oidc.client_secret_rotated": N_("App secret replaced"),
    "oidc.client_deleted": N_("App removed"),
    "oidc.key_rotated": N_("Signing key rotated"),
}

OUTCOMES = {"success": N_("Succeeded"), "failure": N_("Failed")}

ROLES = {
    "owner": N_("Owner"),
    "admin": N_("Administrator"),
    "support": N_("Support"),
    "member": N_("Member"),
}

LANGUAGES = {"ja": "日本語", "en": "English"}

SETTINGS = {
    "daily_signin_limit": (
        N_("Daily sign-in limit"),
        N_("Successful sign-ins per account per day; 0 means no limit.")),
    "timezone": (
        N_("Time zone"),
        N_("The day of the daily limit starts at midnight in this zone.")),
    "lockout_threshold": (
        N_("Lockout threshold"),
        N_("Wrong secrets in a row from one browser or IP address that lock it out.")),
    "lockout_window_minutes": (
        N_("Lockout window (minutes)"),
        N_("Failures older than this no longer count.")),
    "lockout_duration_minutes": (
        N_("Lockout duration (minutes)"),
        N_("The first lock's length; each further lock doubles it.")),
    "lockout_max_minutes": (
        N_("Longest lockout (minutes)"),
        N_("Locks never grow longer than this.")),
    "account_lockout_threshold": (
        N_("Account lockout threshold"),
        N_("Wrong secrets in a row for the whole account (at most 100).")),
    "session_limit": (
        N_("Concurrent session limit"),
        N_("Browser sessions per account; 0 means no limit.")),
    "session_lifetime_hours": (
        N_("Session lifetime (hours)"),
        N_("Sessions with \"Keep me signed in\" end this long after signing in.")),
    "session_max_hours": (
        N_("Session lifetime without \"Keep me signed in\" (hours)"),
        N_("Other sessions end this long after signing in.")),
    "session_idle_minutes": (
        N_("Idle timeout (minutes)"),
        N_("Sessions without \"Keep me signed in\" end after this long without activity; "
           "0 means never.")),
    "hide_account_existence": (
        N_("Hide whether an account exists"),
        N_("Unknown identifiers on your domains fail like a wrong password.")),
    "sms_countries": (
        N_("Countries text messages may go to"),
        N_("Country codes such as JP, US, separated by commas; empty means any country.")),
}

MFA_NUMBERS = {
    "trusted_browser_days": (
        N_("Trusted browser period (days)"),
        N_("\"Trust this browser\" skips the second step there for this long; 0 hides the "
           "choice.")),
    "totp_max_drift_steps": (
        N_("Authenticator app clock drift (30-second steps)"),
        N_("How far a phone's clock may be off before its codes are refused.")),
}
