"""The error catalogue (../shared/spec/errors.md, plus docs/errors.md) as data, and CatalogueError:
the one error type of every catalogued failure (sign-in, admin, API, OIDC pages alike).

Every failure Monban reports maps to one entry: a stable code, an HTTP status, the exact
ja/en message, who can fix it, and whether it is a wrong guess. JSON and HTML renderers read
this table; nothing else spells a message.

A wrong guess (`CatalogueEntry.wrong_guess`) is an answer that failed to prove a secret: the
attempt guard (signin/lockout.py) counts it towards SIGNIN_ATTEMPTS_EXCEEDED, and the
diagnostics tell the run of failures that set a lock from the same flag. Per code:

- INVALID_CREDENTIALS, INVALID_OTP, BACKUP_CODE_INVALID: yes, a wrong password or code
  (an unknown account is answered as a wrong password and counted the same).
- OTP_EXPIRED: yes. It is a code that did not prove the factor; counting it like a wrong one
  means a guesser gains nothing from hitting an old code.
- SECURITY_KEY_FAILED: yes, an assertion that does not verify (another key, a bad signature,
  a cloned counter) is a failed proof like a wrong code.
- PUSH_DENIED: no. The owner refusing on their own device is not a guess; the wrong number
  picked in the app is counted where it is picked (devices/service.py), so counting the
  browser's PUSH_DENIED too would count it twice.
- PUSH_TIMED_OUT: no, nobody answered. APP_PASSWORD_REQUIRED: no, the password was right.
- Every other code (a refused policy, an expired flow, a malformed request): no; the guard
  releases the attempt without counting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FixBy = Literal["user", "org_admin", "support"]
Language = Literal["ja", "en"]
ErrorCode = Literal[
    "IP_NOT_ALLOWED", "DAILY_SIGNIN_LIMIT", "SIGNIN_ATTEMPTS_EXCEEDED", "SIGNIN_RESTRICTED",
    "AUTHENTICATOR_UPDATE_REQUIRED", "CONCURRENT_SESSION_LIMIT", "FEDERATED_EMAIL_CONFLICT",
    "DISALLOWED_USERAGENT", "INVALID_CREDENTIALS", "ACCOUNT_NOT_FOUND", "ACCOUNT_DISABLED",
    "INVALID_OTP", "OTP_EXPIRED", "BACKUP_CODE_INVALID", "PUSH_TIMED_OUT", "PUSH_DENIED",
    "SECURITY_KEY_FAILED", "BROWSER_NOT_SUPPORTED", "APP_PASSWORD_REQUIRED", "PASSWORD_EXPIRED",
    "PASSWORD_POLICY_VIOLATION", "SIGNIN_METHOD_NOT_ALLOWED", "SELF_RESET_NOT_ALLOWED",
    "NO_RECOVERY_OPTION", "SESSION_EXPIRED", "FLOW_EXPIRED", "INVALID_REQUEST",
    "REQUEST_TOO_LARGE", "CSRF_CHECK_FAILED", "SIGNIN_REQUIRED", "PERMISSION_DENIED",
    "NOT_FOUND", "IDENTIFIER_TAKEN", "INVALID_IP_RULE", "INVALID_PHONE_NUMBER", "INVALID_EMAIL",
    "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "FEDERATED_LINK_REQUIRED",
    "FEDERATED_ALREADY_LINKED", "FEDERATED_RESPONSE_INVALID", "FEDERATED_PROVIDER_ERROR",
    "LAST_SIGNIN_METHOD", "SEND_LIMIT_REACHED", "SMS_COUNTRY_NOT_ALLOWED",
    "IDENTIFIER_NOT_ALLOWED", "LAST_OWNER",
]
"""Every catalogue code, so that `CatalogueError("IP_NOT_ALOWED")` fails mypy. A new code goes
here and in the table below (tests/test_errors.py checks that they agree)."""


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    status: int
    ja: str
    en: str
    fix_by: FixBy
    wrong_guess: bool = False
    """An answer that failed to prove a secret: counted by the attempt guard."""


def _e(code: ErrorCode, status: int, ja: str, en: str, fix_by: FixBy, *,
       wrong_guess: bool = False) -> CatalogueEntry:
    return CatalogueEntry(code, status, ja, en, fix_by, wrong_guess)


_ENTRIES = (
    # The eight errors of the seed page.
    _e("IP_NOT_ALLOWED", 403,
       "このIPアドレスからのサインインは許可されていません。",
       "Sign-in from this IP address is not allowed.", "user"),
    _e("DAILY_SIGNIN_LIMIT", 429,
       "1日あたりのサインイン回数が上限に達しました。",
       "You have reached the daily sign-in limit.", "support"),
    _e("SIGNIN_ATTEMPTS_EXCEEDED", 429,
       "サインインの試行回数の上限を超えました。時間をおいてもう一度お試しください。",
       "You have exceeded the maximum number of sign-in attempts. Please try again later.",
       "user"),
    _e("SIGNIN_RESTRICTED", 403,
       "サインイン制限が有効になっています。{app}アプリで無効にできます。",
       "Sign-in restriction is enabled. You can turn it off in the {app} app.", "user"),
    _e("AUTHENTICATOR_UPDATE_REQUIRED", 403,
       "アカウントにログインするには、{app}アプリを更新する必要があります。",
       "You need to update the {app} app to sign in to your account.", "user"),
    _e("CONCURRENT_SESSION_LIMIT", 409,
       "同時セッション数の上限に達しました。",
       "You have reached the maximum number of concurrent sessions.", "user"),
    _e("FEDERATED_EMAIL_CONFLICT", 409,
       "{provider}で変更されたメールアドレスは、既に別のアカウントで使用されています。",
       "The email address you changed at {provider} is already used by another account.",
       "user"),
    _e("DISALLOWED_USERAGENT", 403,
       "承認エラー(エラー403: disallowed_useragent)",
       "Authorization Error (Error 403: disallowed_useragent)", "user"),
    # Other errors every flow needs.
    _e("INVALID_CREDENTIALS", 401, "パスワードが正しくありません。", "Incorrect password.", "user",
       wrong_guess=True),
    _e("ACCOUNT_NOT_FOUND", 404,
       "このアカウントは存在しません。", "This account cannot be found.", "user"),
    _e("ACCOUNT_DISABLED", 403,
       "このアカウントは無効になっています。", "This account has been deactivated.", "org_admin"),
    _e("INVALID_OTP", 401,
       "ワンタイムパスワードが正しくありません。", "Incorrect verification code.", "user",
       wrong_guess=True),
    _e("OTP_EXPIRED", 401,
       "ワンタイムパスワードの有効期限が切れています。", "This verification code has expired.",
       "user", wrong_guess=True),
    _e("BACKUP_CODE_INVALID", 401,
       "バックアップ認証コードが正しくありません。", "Incorrect backup verification code.", "user",
       wrong_guess=True),
    _e("PUSH_TIMED_OUT", 408,
       "プッシュ通知の承認がありませんでした。別の認証方法をお試しください。",
       "The sign-in request was not approved in time. Try another way to verify.", "user"),
    _e("PUSH_DENIED", 403,
       "サインイン要求が拒否されました。", "The sign-in request was denied from your device.",
       "user"),
    _e("SECURITY_KEY_FAILED", 401,
       "セキュリティキーを認証できませんでした。", "The security key could not be verified.",
       "user", wrong_guess=True),
    _e("BROWSER_NOT_SUPPORTED", 400,
       "このブラウザーはセキュリティキーに対応していません。",
       "This browser does not support security keys.", "user"),
    _e("APP_PASSWORD_REQUIRED", 401,
       "多要素認証が有効なため、メールクライアントにはアプリ専用パスワードを使用してください。",
       "Multi-factor authentication is on: use an app-specific password in your mail client.",
       "user"),
    _e("PASSWORD_EXPIRED", 403,
       "パスワードの有効期限が切れています。新しいパスワードを設定してください。",
       "Your password has expired. Set a new password.", "user"),
    _e("PASSWORD_POLICY_VIOLATION", 400,
       "パスワードが組織のポリシーを満たしていません。",
       "The password does not meet your organization's policy.", "user"),
    _e("SIGNIN_METHOD_NOT_ALLOWED", 403,
       "この方法でのサインインは許可されていません。",
       "This sign-in method is not allowed for your account.", "org_admin"),
    _e("SELF_RESET_NOT_ALLOWED", 403,
       "管理者によってパスワードの自己リセットが許可されていません。管理者にお問い合わせください。",
       "Your administrator doesn't allow users to reset their password themselves.",
       "org_admin"),
    _e("NO_RECOVERY_OPTION", 409,
       "復元用メールアドレスまたは携帯電話番号が登録されていません。",
       "No recovery email address or mobile number is registered.", "support"),
    _e("SESSION_EXPIRED", 401,
       "セッションの有効期限が切れました。もう一度サインインしてください。",
       "Your session has expired. Please sign in again.", "user"),
    _e("FLOW_EXPIRED", 410,
       "操作の有効期限が切れました。最初からやり直してください。",
       "This sign-in attempt has expired. Please start again.", "user"),
    # Added by Monban (docs/errors.md), in the catalogue's form.
    _e("INVALID_REQUEST", 400,
       "リクエストの内容が正しくありません。",
       "The request is not valid.", "user"),
    _e("REQUEST_TOO_LARGE", 413,
       "リクエストが大きすぎます。",
       "The request is too large.", "user"),
    _e("CSRF_CHECK_FAILED", 403,
       "フォームの有効期限が切れたか、不正な送信です。ページを再読み込みしてもう一度お試しください。",
       "The form expired or was not sent from this site. Reload the page and try again.",
       "user"),
    _e("SIGNIN_REQUIRED", 401,
       "サインインが必要です。", "You need to sign in.", "user"),
    _e("PERMISSION_DENIED", 403,
       "この操作を行う権限がありません。", "You don't have permission to do this.", "org_admin"),
    _e("NOT_FOUND", 404,
       "対象が見つかりません。", "The requested item cannot be found.", "user"),
    _e("IDENTIFIER_TAKEN", 409,
       "このメールアドレス、携帯電話番号、またはユーザー名は既に使用されています。",
       "This email address, mobile number or username is already in use.", "user"),
    _e("IDENTIFIER_NOT_ALLOWED", 400,
       "このメールアドレスまたはユーザー名は、他の文字と見分けにくい文字を含むため使用できません。",
       "This email address or username can't be used: it has characters that look like "
       "others.", "user"),
    _e("INVALID_IP_RULE", 400,
       "IPアドレスまたはCIDR範囲の形式が正しくありません。",
       "The IP address or CIDR range is not valid.", "user"),
    _e("INVALID_PHONE_NUMBER", 400,
       "携帯電話番号の形式が正しくありません。",
       "The mobile number is not valid.", "user"),
    _e("INVALID_EMAIL", 400,
       "メールアドレスの形式が正しくありません。",
       "The email address is not valid.", "user"),
    _e("INTERNAL_ERROR", 500,
       "サーバーで予期しないエラーが発生しました。しばらくしてからもう一度お試しください。",
       "Something went wrong on the server. Please try again shortly.", "support"),
    _e("SERVICE_UNAVAILABLE", 503,
       "サービスが一時的に利用できません。しばらくしてからもう一度お試しください。",
       "The service is temporarily unavailable. Please try again shortly.", "support"),
    # Federated sign-in (docs/errors.md).
    _e("FEDERATED_LINK_REQUIRED", 409,
       "このメールアドレスのアカウントは既にあります。{provider}を連携するには、先にそのアカウントにサインインしてください。",
       "An account with this email address already exists. Sign in to it first, then link "
       "{provider}.", "user"),
    _e("FEDERATED_ALREADY_LINKED", 409,
       "この{provider}アカウントは既に別のアカウントに連携されています。",
       "This {provider} account is already linked to another account.", "user"),
    _e("FEDERATED_RESPONSE_INVALID", 400,
       "{provider}からの応答を確認できませんでした。最初からやり直してください。",
       "The answer from {provider} could not be verified. Please start again.", "user"),
    _e("FEDERATED_PROVIDER_ERROR", 502,
       "{provider}でのサインインを完了できませんでした。しばらくしてからもう一度お試しいただくか、別の方法でサインインしてください。",
       "Signing in with {provider} could not be completed. Try again shortly, or sign in "
       "another way.", "user"),
    _e("LAST_SIGNIN_METHOD", 409,
       "アカウントにサインインする唯一の方法のため、解除できません。先に別のサービスを連携するか、パスワードを設定してください。",
       "This is the only way to sign in to your account, so it can't be removed. Link another "
       "provider or set a password first.", "user"),
    # Send limits (docs/errors.md, docs/security.md "Send limits").
    _e("SEND_LIMIT_REACHED", 429,
       "メッセージの送信回数が上限に達しました。しばらくしてからもう一度お試しください。",
       "Too many messages have been sent. Please wait a while and try again.", "user"),
    _e("SMS_COUNTRY_NOT_ALLOWED", 403,
       "この国の携帯電話番号にはSMSを送信できません。",
       "Text messages can't be sent to mobile numbers in this country.", "org_admin"),

    _e("LAST_OWNER", 409,
       "組織の最後のオーナーのため、役割の変更や無効化はできません。先に別のメンバーをオーナーにしてください。",
       "This is the organization's last owner, so the role can't be changed and the account "
       "can't be disabled. Make another member an owner first.", "org_admin"),
)

CATALOGUE: dict[str, CatalogueEntry] = {entry.code: entry for entry in _ENTRIES}


class CatalogueError(Exception):
    """A failure with a catalogue code. `params` fill the message's placeholders; `detail`
    is extra, non-secret context for the audit log and the API (e.g. which password rule)."""

    def __init__(self, code: ErrorCode, detail: dict[str, object] | None = None,
                 **params: str) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"{code} is not in the error catalogue")
        super().__init__(code)
        self.code: ErrorCode = code
        self.params = params
        self.detail = detail or {}
        self.language: str | None = None
        """Set when the account is known: its language wins over Accept-Language."""

    @property
    def entry(self) -> CatalogueEntry:
        return CATALOGUE[self.code]

    @property
    def status(self) -> int:
        return self.entry.status


def is_wrong_guess(code: str | None) -> bool:
    """Whether a code (from an audit row, say) is a wrong guess (see the module docstring)."""
    entry = CATALOGUE.get(code or "")
    return entry is not None and entry.wrong_guess


def message(code: str, language: str, **params: str) -> str:
    """The catalogue message for `code` in `language` ('ja' or 'en'), placeholders filled."""
    entry = CATALOGUE[code]
    text = entry.ja if language == "ja" else entry.en
    return text.format_map(_Defaulting(params))


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
