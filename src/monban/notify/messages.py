"""The texts that carry one-time codes, in the account's language (ja, or en otherwise).

The SMS stays within one 70-character UCS-2 segment in Japanese; the code is never put in an
email subject (subjects show up on lock screens and in notification previews)."""

from __future__ import annotations

SERVICE = "Monban"


def _ja(language: str) -> bool:
    return language.lower().startswith("ja")


def code_sms(language: str, code: str, minutes: int) -> str:
    if _ja(language):
        return (f"[{SERVICE}] 確認コード: {code} ({minutes}分間有効)。"
                "このコードを他人に教えないでください。")
    return (f"[{SERVICE}] Verification code: {code} (valid for {minutes} minutes). "
            "Do not share this code with anyone.")


def code_email(language: str, code: str, minutes: int, display_name: str) -> tuple[str, str]:
    """(subject, plain-text body)"""
    if _ja(language):
        subject = f"[{SERVICE}] 確認コード"
        body = (f"{display_name} 様\n\n"
                f"{SERVICE}の確認コードは次のとおりです。\n\n"
                f"    {code}\n\n"
                f"このコードは{minutes}分間有効です。このコードを他人に教えないでください。"
                f"{SERVICE}のスタッフがコードを尋ねることはありません。\n\n"
                "このメールに心当たりがない場合は破棄してください。繰り返し届く場合は、"
                "パスワードの変更をご検討ください。\n")
        return subject, body
    subject = f"[{SERVICE}] Your verification code"
    body = (f"Hello {display_name},\n\n"
            f"Your {SERVICE} verification code is:\n\n"
            f"    {code}\n\n"
            f"It is valid for {minutes} minutes. Do not share this code with anyone: "
            f"{SERVICE} staff will never ask you for it.\n\n"
            "If you did not ask for this code, you can ignore this email. If it keeps "
            "happening, consider changing your password.\n")
    return subject, body
