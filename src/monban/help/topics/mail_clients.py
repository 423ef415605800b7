"""The help topics of 「メールクライアントに接続できない」 (section "mail_clients")."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

MAIL_CLIENTS: tuple[Topic, ...] = (
    Topic(
        slug="APP_PASSWORD_REQUIRED",
        section="mail_clients",
        actions=("app_password", "security_page"),
        ja=TopicText(
            title="メールクライアントにはアプリ専用パスワードが必要です",
            what_happened=(
                "アカウントで多要素認証を有効にすると、多要素認証に対応していないメールクライアント(IMAP、POP、SMTP、CalDAV/CardDAVを使うアプリ)には、アカウントのパスワードではサインインできなくなります。"
                "これらのメールクライアントでは、アプリ専用パスワードを使用する必要があります。"
            ),
            steps=(
                "ブラウザーでアカウントにサインインし、[セキュリティ]ページを開きます。",
                "アプリ専用パスワードを生成します。どのメールクライアント用かがわかる名前を付けておくと便利です。",
                "表示されたアプリ専用パスワードを、メールクライアントのパスワード欄にアカウントのパスワードの代わりに入力します。アプリ専用パスワードは一度しか表示されません。",
                "以前設定したメールクライアントに接続できなくなった場合も、同じ手順でアプリ専用パスワードを設定し直してください。不要になったアプリ専用パスワードは、[セキュリティ]ページで個別に取り消せます。",
            ),
            who_can_fix="ご本人がアプリ専用パスワードを生成することで解決できます。",
        ),
        en=TopicText(
            title="Your mail client needs an app-specific password",
            what_happened=(
                "Once multi-factor authentication is on, mail clients that don't support it (apps "
                "using IMAP, POP, SMTP or CalDAV/CardDAV) can no longer sign in with your account "
                "password. They need an app-specific password instead."
            ),
            steps=(
                "Sign in to your account in a browser and open the security page.",
                "Generate an app-specific password; a name that tells which mail client it is "
                "for will help you later.",
                "Enter the app-specific password in your mail client's password field, in place "
                "of your account password. It is shown only once.",
                "If a mail client you set up earlier can no longer connect, give it a new "
                "app-specific password the same way. You can revoke app-specific passwords you no "
                "longer need one by one on the security page.",
            ),
            who_can_fix="You can fix it yourself by generating an app-specific password.",
        ),
    ),
)
