"""What the app says, in English and Japanese (MONBAN_AUTHENTICATOR_LANG, else LANG). The
server's refusals come already translated (the catalogue message in the account's
language); these are the app's own sentences."""

from __future__ import annotations

from monban.authenticator.client import language

WORDS: dict[str, tuple[str, str]] = {
    "not_linked": (
        "This app is not linked yet: run `monban-authenticator link` with the code from your "
        "account's security page.",
        "このアプリはまだ登録されていません。"
        "アカウントのセキュリティページに表示されるコードを使って "
        "`monban-authenticator link` を実行してください。"),
    "unreachable": ("Cannot reach {server}: {error}", "{server} に接続できません: {error}"),
    "bad_link": (
        "Give the link from the security page (monban-authenticator://link?...), or the server "
        "URL and --code.",
        "セキュリティページのリンク(monban-authenticator://link?...)か、サーバーのURLと "
        "--code を指定してください。"),
    "linked": ("Linked to {account} on {server} (device {device}).",
               "{server} の {account} に登録しました(デバイス: {device})。"),
    "request": ("Sign-in request: {browser} from {ip} ({where}) at {at}",
                "サインイン要求: {browser}、IPアドレス {ip}({where})、{at}"),
    "unknown_location": ("unknown location", "場所不明"),
    "which": ("Which number does the sign-in page show?  {choices}   (d = deny, it wasn't me)",
              "サインインページに表示されている番号はどれですか?  {choices}   "
              "(d = 拒否: 自分ではない)"),
    "approved": ("Approved.", "承認しました。"),
    "denied": ("Denied.", "拒否しました。"),
    "wrong_number": ("That was not the number shown: the sign-in was refused.",
                     "表示された番号ではありません。サインインは拒否されました。"),
    "not_a_choice": ("Not one of the numbers: denied to be safe.",
                     "選択肢にない番号です。安全のため拒否しました。"),
    "waiting": ("Waiting for sign-in requests for {account}... (Ctrl+C ends)",
                "{account} のサインイン要求を待っています…(Ctrl+C で終了)"),
    "connected": ("Connected to {server}.", "{server} に接続しました。"),
    "nothing_came": ("No sign-in request arrived.", "サインイン要求は届きませんでした。"),
    "not_qr": ("Not a Monban sign-in QR code.", "MonbanのサインインQRコードではありません。"),
    "qr_ask": ("Sign in {browser} from {ip}? Never approve a QR code someone sent you.",
               "{ip} の {browser} をサインインさせますか?"
               "他人から送られたQRコードは承認しないでください。"),
    "approve": ("Approve", "承認しますか"),
    "not_approved": ("Not approved.", "承認しませんでした。"),
    "qr_approved": ("Approved: the browser is signing in.",
                    "承認しました。ブラウザーでサインインが完了します。"),
    "not_otpauth": ("Not an otpauth:// URI: {error}", "otpauth:// のURIではありません: {error}"),
    "totp_only": ("Only time-based (TOTP) codes are supported.",
                  "時間ベース(TOTP)のコードにのみ対応しています。"),
    "added": ("Added {name}.", "{name} を追加しました。"),
    "no_codes": ("No codes yet: link the app, or add one with `add-otpauth`.",
                 "コードはまだありません。アプリを登録するか、`add-otpauth` で追加してください。"),
    "on_off": ("Say on, off or status.", "on、off、status のいずれかを指定してください。"),
    "restriction": ("Sign-in restriction: {state}", "サインイン制限: {state}"),
    "on": ("on", "有効"),
    "off": ("off", "無効"),
    "session_ended": ("Session ended.", "セッションを終了しました。"),
    "since": ("since {at}", "{at} から"),
    "up_to_date": ("Version {version} is up to date (minimum {minimum}).",
                   "バージョン {version} は利用できます(最低バージョン {minimum})。"),
    "update": ("This app is version {version}{needs}. Update it: {hint}",
               "このアプリのバージョンは {version} です{needs}。更新してください: {hint}"),
    "needs": ("; the server needs {minimum} or newer",
              "(サーバーは {minimum} 以降を必要としています)"),
}


def say(key: str, **values: object) -> str:
    en, ja = WORDS[key]
    return (ja if language() == "ja" else en).format(**values)
