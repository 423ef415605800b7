"""What a support request sends, in the request's language (ja, or en otherwise): the code
that proves the contact, the approval carrying the one-time backup code, the refusal, and a
notice to the account's own address that support issued a code.

None of them names the account or its holder: the contact proven is only where the person
said they can be reached. Codes never go in a subject line."""

from __future__ import annotations

from datetime import datetime

from monban.notify.messages import SERVICE

Mail = tuple[str, str]
"""(subject, plain-text body)"""


def _ja(language: str) -> bool:
    return language.lower().startswith("ja")


def _day(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def contact_code_sms(language: str, code: str, minutes: int) -> str:
    if _ja(language):
        return (f"[{SERVICE}] サポートへのお問い合わせの確認コード: {code} ({minutes}分間有効)。"
                "他人に教えないでください。")
    return (f"[{SERVICE}] Your support request code: {code} (valid for {minutes} minutes). "
            "Do not share it with anyone.")


def contact_code_email(language: str, code: str, minutes: int) -> Mail:
    if _ja(language):
        return (f"[{SERVICE}] サポートへのお問い合わせの確認",
                "サポート窓口へのお問い合わせを受け付けるための確認コードです。\n\n"
                f"    {code}\n\n"
                f"このコードは{minutes}分間有効です。お問い合わせの画面に入力してください。"
                f"このコードを他人に教えないでください。{SERVICE}のスタッフがコードを尋ねることはありません。\n\n"
                "お問い合わせに心当たりがない場合は、このメールを破棄してください。\n")
    return (f"[{SERVICE}] Confirm your support request",
            "Here is the code to confirm your request to support.\n\n"
            f"    {code}\n\n"
            f"It is valid for {minutes} minutes: type it on the support request page. Do not "
            f"share it with anyone: {SERVICE} staff will never ask you for it.\n\n"
            "If you did not contact support, you can ignore this email.\n")


def _approved_ja(code: str, until: str) -> str:
    return ("サポート窓口で本人確認が完了しました。"
            "1回限りのバックアップ認証コードは次のとおりです。\n\n"
            f"    {code}\n\n"
            "パスワードでサインインし、2段階認証の画面で[別の方法でサインイン]、"
            "[バックアップ認証コード]の順に選んで、"
            f"このコードを入力してください。コードは1回だけ、{until}まで使用できます。\n\n"
            "パスワードも忘れてしまった場合、このコードはパスワードの代わりにはなりません。"
            "先にサインイン画面の[サインインできない場合]からパスワードをリセットするか、"
            "組織の管理者にパスワードのリセットを依頼してください。\n")


def _approved_en(code: str, until: str) -> str:
    return ("Support has verified your identity. Here is your one-time backup verification "
            "code:\n\n"
            f"    {code}\n\n"
            "Sign in with your password; at the second step choose \"Sign in another way\", "
            "then \"Backup verification codes\", and enter this code. It works once, until "
            f"{until}.\n\n"
            "If you have also forgotten your password, this code does not replace it: reset "
            "your password first (\"Problem signing in?\" on the sign-in page), or ask your "
            "organization's administrator to reset it.\n")


def approved_sms(language: str, code: str, until: datetime) -> str:
    if _ja(language):
        return (f"[{SERVICE}] バックアップ認証コード: {code} ({_day(until)}まで1回有効)。"
                "パスワードの入力後、[別の方法でサインイン]から使用します。パスワードの代わりにはなりません。")
    return (f"[{SERVICE}] Support verified you. Backup verification code: {code} (works once, "
            f"until {_day(until)}). Use it after your password via \"Sign in another way\"; "
            "it does not replace your password.")


def approved_email(language: str, code: str, until: datetime) -> Mail:
    if _ja(language):
        return (f"[{SERVICE}] サポートへのお問い合わせ: バックアップ認証コード",
                _approved_ja(code, _day(until)))
    return (f"[{SERVICE}] Your support request: backup verification code",
            _approved_en(code, _day(until)))


def denied(language: str) -> tuple[str, str]:
    """(subject, text): the same words by SMS and email."""
    if _ja(language):
        return (f"[{SERVICE}] サポートへのお問い合わせ",
                f"[{SERVICE}] サポート窓口で本人確認ができなかったため、"
                "お問い合わせのアカウントの復元は行いませんでした。"
                "組織に所属している場合は、組織の管理者にご相談ください。")
    return (f"[{SERVICE}] Your support request",
            f"[{SERVICE}] Support could not verify your identity, so the account you asked "
            "about was not recovered. If your account belongs to an organization, ask its "
            "administrator for help.")


def code_issued_notice(language: str, name: str, at: datetime) -> Mail:
    """To the account's own email address: support issued a code for it."""
    if _ja(language):
        return (f"[{SERVICE}] バックアップ認証コードが発行されました",
                f"{name} 様\n\nサポート窓口が本人確認の上、"
                "アカウントに1回限りのバックアップ認証コードを発行しました。\n\n"
                f"日時: {_day(at)}\n\n"
                "お心当たりがない場合は、第三者がアカウントにアクセスしようとしている"
                "可能性があります。パスワードを変更し、組織の管理者またはサポート窓口にご連絡ください。\n")
    return (f"[{SERVICE}] A backup verification code was issued",
            f"Hello {name},\n\nAfter verifying the identity of the person who asked, support "
            "issued a one-time backup verification code for your account.\n\n"
            f"When: {_day(at)}\n\n"
            "If this wasn't you, someone may be trying to get into your account: change your "
            "password and contact your organization's administrator or support.\n")
