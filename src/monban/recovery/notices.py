"""The texts of getting back in, in the account's language (ja, or en otherwise): the codes
of a reset or a recovery, and the notices that something changed on the account.

Codes never go in a subject line (lock screens show subjects). Each notice says what changed,
when, and what to do if it was not the person themselves. Japanese SMS stay within one
70-character UCS-2 segment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monban.notify.messages import SERVICE

Mail = tuple[str, str]
"""(subject, plain-text body)"""

_CODE_LEAD = {
    "password": ("パスワードをリセットするための確認コードです。",
                 "Here is the code to reset your password."),
    "mfa": ("2段階認証を使わずにサインインするための確認コードです。",
            "Here is the code to sign in without your second step."),
    "ip": ("IPアドレスの制限を解除するための確認コードです。",
           "Here is the code to remove your IP address restriction."),
    "contact": ("この連絡先を復元用に登録するための確認コードです。",
                "Here is the code to add this contact for recovering your account."),
}
_CODE_SUBJECT = {
    "password": ("パスワードのリセット", "Reset your password"),
    "mfa": ("アカウントの復元", "Recover your account"),
    "ip": ("IPアドレス制限の解除", "Remove your IP address restriction"),
    "contact": ("復元用の連絡先の確認", "Confirm your recovery contact"),
}
_CODE_SMS = {
    "password": ("パスワードリセット用", "password reset"),
    "mfa": ("アカウント復元用", "account recovery"),
    "ip": ("IP制限解除用", "IP restriction removal"),
    "contact": ("連絡先登録用", "contact confirmation"),
}
_NOT_YOU_JA = (
    "お心当たりがない場合は、第三者がアカウントにアクセスしようとしている可能性があります。"
    "パスワードを変更し、組織の管理者またはサポート窓口にご連絡ください。\n")
_NOT_YOU_EN = ("If this wasn't you, someone may be trying to get into your account: change "
               "your password and contact your organization's administrator or support.\n")


def ja(language: str) -> bool:
    return language.lower().startswith("ja")


def when(now: datetime, timezone: str) -> str:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def code_sms(language: str, purpose: str, code: str, minutes: int) -> str:
    label_ja, label_en = _CODE_SMS[purpose]
    if ja(language):
        return (f"[{SERVICE}] {label_ja}の確認コード: {code} ({minutes}分間有効)。"
                "他人に教えないでください。")
    return (f"[{SERVICE}] Your {label_en} code: {code} (valid for {minutes} minutes). "
            "Do not share it with anyone.")


def code_email(language: str, purpose: str, code: str, minutes: int, name: str) -> Mail:
    lead_ja, lead_en = _CODE_LEAD[purpose]
    subject_ja, subject_en = _CODE_SUBJECT[purpose]
    if ja(language):
        return (f"[{SERVICE}] {subject_ja}",
                f"{name} 様\n\n{lead_ja}\n\n    {code}\n\n"
                f"このコードは{minutes}分間有効で、1回だけ使用できます。"
                "このコードを他人に教えないでください。"
                f"{SERVICE}のスタッフや管理者がコードを尋ねることはありません。\n\n"
                "このメールに心当たりがない場合は、コードを使用せずに破棄してください。"
                + _NOT_YOU_JA)
    return (f"[{SERVICE}] {subject_en}",
            f"Hello {name},\n\n{lead_en}\n\n    {code}\n\n"
            f"It is valid for {minutes} minutes and works once. Do not share it with anyone: "
            f"{SERVICE} staff and administrators will never ask you for it.\n\n"
            "If you did not ask for this code, don't use it. " + _NOT_YOU_EN)


def _notice(language: str, name: str, subject: tuple[str, str], what: tuple[str, str],
            at: str) -> Mail:
    if ja(language):
        return (f"[{SERVICE}] {subject[0]}",
                f"{name} 様\n\n{what[0]}\n\n日時: {at}\n\n{_NOT_YOU_JA}")
    return (f"[{SERVICE}] {subject[1]}",
            f"Hello {name},\n\n{what[1]}\n\nWhen: {at}\n\n{_NOT_YOU_EN}")


def password_changed(language: str, name: str, at: str, *, by_admin: bool) -> Mail:
    if by_admin:
        what = ("組織の管理者がアカウントのパスワードをリセットしました。"
                "すべてのセッションからサインアウトされています。新しいパスワードは管理者から受け取ってください。",
                "Your organization's administrator reset your password, and you have been "
                "signed out everywhere. Get the new password from your administrator.")
    else:
        what = ("アカウントのパスワードが、パスワードのリセットによって変更されました。"
                "他のすべてのセッションからサインアウトされています。",
                "Your password was changed through a password reset, and your other "
                "sessions were signed out.")
    return _notice(language, name, ("パスワードが変更されました", "Your password was changed"),
                   what, at)


def mfa_reset(language: str, name: str, at: str) -> Mail:
    what = (
        "組織の管理者がアカウントの2段階認証をリセットしました。登録されていた認証方法と信頼済みのブラウザーは削除され、"
        "すべてのブラウザーからサインアウトされています。次回サインインしたら、2段階認証を設定し直してください。",
        "Your organization's administrator reset your two-step verification: your "
        "methods and trusted browsers were removed and you were signed out of every "
        "browser. Set up two-step verification again after you sign in.")
    return _notice(language, name, ("2段階認証がリセットされました",
                                    "Your two-step verification was reset"), what, at)


def backup_code_issued(language: str, name: str, at: str) -> Mail:
    what = (
        "組織の管理者またはサポート担当者が、アカウントに1回限りのバックアップ認証コードを発行しました。"
        "すべてのブラウザーからサインアウトされています。",
        "Your organization's administrator or support issued a one-time backup "
        "verification code for your account, and you were signed out of every browser.")
    return _notice(language, name, ("バックアップ認証コードが発行されました",
                                    "A backup verification code was issued"), what, at)


def contact_added(language: str, name: str, at: str, contact: str) -> Mail:
    what = (f"復元用の連絡先 {contact} がアカウントに追加されました。"
            "この連絡先に送信されるコードで、パスワードのリセットなどができるようになります。",
            f"The recovery contact {contact} was added to your account. Codes sent to it can "
            "now be used to reset your password and recover your account.")
    return _notice(language, name, ("復元用の連絡先が追加されました",
                                    "A recovery contact was added"), what, at)


def contact_removed(language: str, name: str, at: str, contact: str) -> Mail:
    what = (f"復元用の連絡先 {contact} がアカウントから削除されました。",
            f"The recovery contact {contact} was removed from your account.")
    return _notice(language, name, ("復元用の連絡先が削除されました",
                                    "A recovery contact was removed"), what, at)


def recovered_without_mfa(language: str, name: str, at: str) -> Mail:
    what = (
        "復元用の連絡先に送信したコードとパスワードで、2段階認証を使わずにアカウントにサインインしました。"
        "[セキュリティ]ページで2段階認証を設定し直し、使えなくなった認証方法を削除してください。",
        "Someone signed in to your account with your password and a code sent to your "
        "recovery contact, without the second step. Set up two-step verification again "
        "on your security page and remove the methods you no longer have.")
    return _notice(language, name, ("2段階認証を使わずにサインインしました",
                                    "Signed in without two-step verification"), what, at)


def ip_rules_changed(language: str, name: str, at: str) -> Mail:
    what = ("アカウントの復元によって、サインインを許可するIPアドレスの一覧が変更されました。",
            "Your list of allowed IP addresses was changed through account recovery.")
    return _notice(language, name, ("許可するIPアドレスが変更されました",
                                    "Your allowed IP addresses were changed"), what, at)
