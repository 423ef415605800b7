"""The guided "Problem signing in?": a few questions about what is happening, each answer
leading to the next question, to a help topic, or to a short answer with its actions.

The questions follow the seed page's sections (errors when signing in, two-step verification
by method, mail clients, a forgotten password, other problems); the help centre's index shows
the same tree. Data only: labels are English msgids (translated by the Babel catalog) that may
use %(app)s, the authenticator app's name; a choice with `code` is labelled by that error's
catalogue message, exactly as the error page showed it."""

from __future__ import annotations

from dataclasses import dataclass

from monban.diagnostics.words import N_
from monban.help.topics import TOPICS, Topic

START = "start"
TOPIC = "topic:"


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    to: str
    """A node id, or "topic:<slug>"."""
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    prompt: str
    choices: tuple[Choice, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    id: str
    title: str
    paragraphs: tuple[str, ...]
    actions: tuple[str, ...] = ()
    """Help action keys (web/help/topics.py ACTIONS), shown as buttons or links."""
    topics: tuple[str, ...] = ()


def topic(slug: str) -> str:
    return TOPIC + slug


LOST_DEVICE = Choice(N_("I lost the phone or device, or uninstalled the app"), "lost_device")


def _error_choices() -> tuple[Choice, ...]:
    topics: list[Topic] = [t for t in TOPICS.values() if t.section == "signin_errors"]
    return (*(Choice("", topic(t.slug), code=t.slug) for t in topics),
            Choice(N_("A different message"), "other"))


METHODS = (
    Choice(N_("A code sent by SMS"), "mfa_sms"),
    Choice(N_("A code from an authenticator app"), "mfa_totp"),
    Choice(N_("The %(app)s app"), "mfa_app"),
    Choice(N_("A security key (YubiKey) or passkey"), "mfa_key"),
    Choice(N_("Backup verification codes"), "mfa_backup"),
)

QUESTIONS: dict[str, Question] = {q.id: q for q in (
    Question(START, N_("What is happening?"), (
        Choice(N_("I see an error message when I try to sign in"), "error"),
        Choice(N_("I can't get past two-step verification"), "mfa"),
        Choice(N_("My mail client can't connect"), "mail"),
        Choice(N_("I forgot my password"), "password"),
        Choice(N_("I'm asked to sign in every time I close the browser"),
               topic("BROWSER_CLOSE_SIGNOUT")),
        Choice(N_("Something else"), "other"),
    )),
    Question("error", N_("Which message do you see?"), _error_choices()),
    Question("mfa", N_("How do you verify at the second step?"), METHODS),
    Question("mfa_sms", N_("What goes wrong with the SMS code?"), (
        Choice(N_("The code is refused"), topic("INVALID_OTP")),
        Choice(N_("The code has expired"), topic("OTP_EXPIRED")),
        Choice(N_("My mobile number changed, or I lost the phone"), "lost_device"),
    )),
    Question("mfa_totp", N_("What goes wrong with the authenticator app?"), (
        Choice(N_("Its codes are refused"), topic("INVALID_OTP")),
        LOST_DEVICE,
    )),
    Question("mfa_app", N_("What goes wrong with the %(app)s app?"), (
        Choice(N_("The sign-in request was not approved in time"), topic("PUSH_TIMED_OUT")),
        Choice(N_("The sign-in request was denied"), topic("PUSH_DENIED")),
        Choice(N_("Sign-in restriction is on"), topic("SIGNIN_RESTRICTED")),
        Choice(N_("I'm asked to update the app"), topic("AUTHENTICATOR_UPDATE_REQUIRED")),
        LOST_DEVICE,
    ), note=N_("The %(app)s app is not available in this version of Monban yet: push "
               "approval, sign-in restriction and the app's version check arrive with it. "
               "Until then, verify with another method.")),
    Question("mfa_key", N_("What goes wrong with the security key?"), (
        Choice(N_("It isn't recognized, or doesn't respond"), topic("SECURITY_KEY_FAILED")),
        Choice(N_("This browser doesn't support security keys"),
               topic("BROWSER_NOT_SUPPORTED")),
        Choice(N_("I lost the key, or it was stolen"), "lost_device"),
    )),
    Question("mfa_backup", N_("What goes wrong with the backup codes?"), (
        Choice(N_("My code is refused"), topic("BACKUP_CODE_INVALID")),
        Choice(N_("I have no codes left"), "lost_device"),
    )),
    Question("mail", N_("What happens with your mail client?"), (
        Choice(N_("Since I turned on two-step verification, it can't sign in"),
               topic("APP_PASSWORD_REQUIRED")),
        Choice(N_("A mail client I set up before can't connect any more"), "mail_old"),
    )),
)}

ANSWERS: dict[str, Answer] = {a.id: a for a in (
    Answer("lost_device", N_("You can't use the way you verify"), (
        N_("At the second step of signing in, choose \"Sign in another way\": any other method "
           "you set up works, and so does a backup verification code."),
        N_("With no other way in, your organization's administrator or support can reset your "
           "two-step verification once they know it is you; you then set up a new method the "
           "next time you sign in."),
    ), actions=("recover_without_mfa", "sign_in_another_way", "use_backup_code",
                "contact_admin", "contact_support")),
    Answer("mail_old", N_("A mail client you set up before can't connect"), (
        N_("If you changed your password, enter the new one in the mail client."),
        N_("If your account now uses two-step verification, the mail client needs an "
           "app-specific password. App-specific passwords are not available in this version "
           "of Monban yet: until then, use the web sign-in."),
    ), actions=("app_password",), topics=("APP_PASSWORD_REQUIRED",)),
    Answer("password", N_("You forgot your password"), (
        N_("If you can receive mail at your recovery email address or messages at your "
           "recovery mobile number, reset the password with the code sent there; an account "
           "with two-step verification proves that as well."),
        N_("If you can't, or your organization doesn't let members reset their own password, "
           "ask your organization's administrator to set a new one for you."),
    ), actions=("reset_password", "contact_admin", "contact_support"),
        topics=("SELF_RESET_NOT_ALLOWED", "NO_RECOVERY_OPTION")),
    Answer("other", N_("Something else"), (
        N_("Every sign-in problem Monban knows is in the help centre, each with its fix."),
        N_("If yours is not there, or the fix did not work, ask for help."),
    ), actions=("contact_admin", "contact_support")),
)}


def node(node_id: str) -> Question | Answer | None:
    return QUESTIONS.get(node_id) or ANSWERS.get(node_id)


def targets() -> set[str]:
    """Every place a choice leads to (for the tests: each must exist)."""
    return {c.to for q in QUESTIONS.values() for c in q.choices}
