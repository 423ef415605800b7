"""The help topics of 「パスワードを忘れてしまいアカウントにアクセスできない」 (section
"forgot_password")."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

FORGOT_PASSWORD: tuple[Topic, ...] = (
    Topic(
        slug="PASSWORD_POLICY_VIOLATION",
        section="forgot_password",
        actions=(),
        ja=TopicText(
            title="パスワードが組織のポリシーを満たしていません",
            what_happened=(
                "新しいパスワードが、パスワードのポリシー(長さ、文字の種類、過去に使用したパスワードなど)を満たしていません。"
                "よく使われるパスワードや、過去の漏えいで知られているパスワードも使用できません。"
            ),
            steps=(
                "エラーメッセージに表示された、満たしていないルールを確認してください。",
                "推測されにくい、十分な長さのパスワードを入力してください。複数の単語を組み合わせたものもおすすめです。",
                "以前使用したパスワードとは異なるパスワードを設定してください。",
            ),
            who_can_fix="ご本人がポリシーを満たすパスワードを設定することで解決でき、ポリシーは組織の管理者が設定します。",
        ),
        en=TopicText(
            title="The password does not meet your organization's policy",
            what_happened=(
                "The new password does not meet the password policy (its length, kinds of "
                "characters, or passwords used before, for example). Common passwords and "
                "passwords known from past breaches are not accepted either."
            ),
            steps=(
                "Check which rule the error message says is not met.",
                "Enter a long password that is hard to guess; several words put together work "
                "well.",
                "Choose a password different from the ones you used before.",
            ),
            who_can_fix=(
                "You can fix it by choosing a password that meets the policy, which your "
                "organization's administrator sets."
            ),
        ),
    ),
    Topic(
        slug="SELF_RESET_NOT_ALLOWED",
        section="forgot_password",
        actions=("contact_admin",),
        ja=TopicText(
            title="パスワードの自己リセットが許可されていません",
            what_happened="組織の設定により、ご自身でパスワードをリセットすることはできません。",
            steps=(
                "組織の管理者に、パスワードのリセットを依頼してください。管理者は管理コンソールからパスワードをリセットできます。",
                "管理者から新しいパスワードを受け取ったら、そのパスワードでサインインしてください。次回のサインイン時に、パスワードの変更を求められる場合があります。",
            ),
            who_can_fix="パスワードをリセットできるのは組織の管理者です。",
        ),
        en=TopicText(
            title="You can't reset your password yourself",
            what_happened=(
                "Your organization's settings don't let you reset your password yourself."
            ),
            steps=(
                "Ask your organization's administrator to reset your password; they can do it in "
                "the admin console.",
                "Sign in with the new password your administrator gives you. You may be asked to "
                "change it the next time you sign in.",
            ),
            who_can_fix="Your organization's administrator can reset your password.",
        ),
    ),
    Topic(
        slug="NO_RECOVERY_OPTION",
        section="forgot_password",
        actions=("contact_admin", "contact_support"),
        ja=TopicText(
            title="復元用メールアドレスまたは携帯電話番号が登録されていません",
            what_happened=(
                "パスワードをリセットするには、復元用メールアドレスまたは復元用携帯電話番号に確認コードを送信する必要がありますが、このアカウントにはどちらも登録されていません。"
            ),
            steps=(
                "組織に所属するユーザーの場合は、組織の管理者にパスワードのリセットを依頼してください。",
                "組織に所属していない場合は、サポート窓口にお問い合わせください。本人確認後、サインインに使用できるバックアップ認証コードが送信されます。",
                "サインインできたら、[セキュリティ]ページで復元用メールアドレスと携帯電話番号を登録しておいてください。",
            ),
            who_can_fix="組織の管理者、またはサポート窓口が対応します。",
        ),
        en=TopicText(
            title="No recovery email address or mobile number is registered",
            what_happened=(
                "Resetting a password needs a code sent to a recovery email address or mobile "
                "number, and this account has neither."
            ),
            steps=(
                "If you belong to an organization, ask its administrator to reset your password.",
                "Otherwise, contact support: after verifying who you are, they will send you a "
                "backup verification code you can sign in with.",
                "Once you are signed in, add a recovery email address and mobile number on the "
                "security page.",
            ),
            who_can_fix="Your organization's administrator or support can help.",
        ),
    ),
)
