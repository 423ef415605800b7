"""Topics of the send limits (notify/limits.py): codes, notices and push requests refused
before they leave."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

SENDING: tuple[Topic, ...] = (
    Topic(
        slug="SEND_LIMIT_REACHED",
        section="other",
        actions=("sign_in_another_way", "contact_support"),
        ja=TopicText(
            title="メッセージの送信回数が上限に達しました",
            what_happened=(
                "確認コードやサインイン要求は、同じ宛先、同じアカウント、同じ接続元、同じ組織ごとに"
                "1時間あたりの送信回数が決まっています。短い時間に何度も送信したため、上限に達しました。"
                "上限は、他人の番号やアドレスに大量のメッセージを送る悪用を防ぐためのものです。"
            ),
            steps=(
                "既に届いているコードがあれば、最新のものを入力してください。",
                "1時間ほど待ってから、もう一度送信してください(エラーの詳細に待ち時間が示されます)。",
                "認証アプリ、セキュリティキー、バックアップ認証コードなど、メッセージを使わない方法があればそちらを使ってください。",
                "自分で送った覚えがないのに起きる場合は、パスワードを変更し、管理者に知らせてください。",
            ),
            who_can_fix="時間をおけばご本人が再度送信できます。続く場合はサポート窓口が確認します。",
        ),
        en=TopicText(
            title="Too many messages have been sent",
            what_happened=(
                "Codes and sign-in requests are limited per hour for each destination, account, "
                "network address and organization. Too many were sent in a short time, so the "
                "limit was reached. The limit stops people from using Monban to flood other "
                "people's phones and mailboxes."
            ),
            steps=(
                "If a code already arrived, enter the newest one.",
                "Wait about an hour, then send again (the error's details say how long).",
                "Use a way that needs no message if you have one: an authenticator app, a "
                "security key or a backup code.",
                "If you did not send these yourself, change your password and tell your "
                "administrator.",
            ),
            who_can_fix="You can send again after the wait; support can look into it if it "
                        "keeps happening.",
        ),
    ),
    Topic(
        slug="SMS_COUNTRY_NOT_ALLOWED",
        section="other",
        actions=("sign_in_another_way", "contact_admin"),
        ja=TopicText(
            title="この国の番号にはSMSを送信できません",
            what_happened=(
                "組織の管理者が、SMSを送信できる携帯電話番号の国を限定しています。"
                "この番号の国はその一覧にありません。"
            ),
            steps=(
                "許可された国の携帯電話番号を使ってください。",
                "または、認証アプリやセキュリティキーなど、SMSを使わない方法を使ってください。",
                "この国の番号が必要な場合は、組織の管理者に許可を依頼してください。",
            ),
            who_can_fix="組織の管理者が設定「sms_countries」で国を追加できます。",
        ),
        en=TopicText(
            title="Text messages can't go to this country",
            what_happened=(
                "Your organization's administrator allows text messages only to mobile "
                "numbers of certain countries, and this number's country is not one of them."
            ),
            steps=(
                "Use a mobile number from an allowed country.",
                "Or use a way that needs no text message, such as an authenticator app or a "
                "security key.",
                "If you need a number from this country, ask your organization's "
                "administrator to allow it.",
            ),
            who_can_fix="Your organization's administrator can add the country (the "
                        "sms_countries setting).",
        ),
    ),
)
