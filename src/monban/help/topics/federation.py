"""Help topics of the codes federated sign-in adds (docs/errors.md): section signin_errors.
FEDERATED_EMAIL_CONFLICT's own topic is with the seed page's errors (signin_errors.py)."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

FEDERATION: tuple[Topic, ...] = (
    Topic(
        slug="FEDERATED_LINK_REQUIRED",
        section="signin_errors",
        actions=("signin", "security_page"),
        ja=TopicText(
            title="このメールアドレスのアカウントは既にあります",
            what_happened=(
                "{provider}のメールアドレスと同じメールアドレスのアカウントが既にあります。"
                "第三者がアカウントを乗っ取ることを防ぐため、メールアドレスが同じというだけでは自動的に連携しません。"
            ),
            steps=(
                "サインインページで、いつもの方法(パスワードなど)でそのアカウントにサインインします。",
                "セキュリティページの「連携済みのアカウント」を開き、{provider}を連携します。",
                "次回からは{provider}でサインインできます。",
            ),
            who_can_fix="ご本人がアカウントにサインインしてから連携できます。",
        ),
        en=TopicText(
            title="An account with this email address already exists",
            what_happened=(
                "An account already uses the email address your {provider} account has. To "
                "stop someone else from taking over an account, Monban never links accounts "
                "just because their email addresses match."
            ),
            steps=(
                "Sign in to that account the usual way (your password, for example).",
                "Open Linked accounts on your security page and link {provider}.",
                "From then on you can sign in with {provider}.",
            ),
            who_can_fix="You can, once you have signed in to the account.",
        ),
    ),
    Topic(
        slug="FEDERATED_ALREADY_LINKED",
        section="signin_errors",
        actions=("signin", "contact_support"),
        ja=TopicText(
            title="この{provider}アカウントは別のアカウントに連携されています",
            what_happened="1つの{provider}アカウントは、1つのアカウントにしか連携できません。",
            steps=(
                "もう一方のアカウントにサインインし、「連携済みのアカウント」から{provider}の連携を解除します。",
                "その後、このアカウントで改めて{provider}を連携します。",
            ),
            who_can_fix="ご本人が連携を解除できます。解除できない場合はサポート窓口にお問い合わせください。",
        ),
        en=TopicText(
            title="This {provider} account is linked to another account",
            what_happened="One {provider} account can be linked to one account only.",
            steps=(
                "Sign in to the other account and unlink {provider} under Linked accounts.",
                "Then link {provider} to this account again.",
            ),
            who_can_fix="You can unlink it yourself; if you can't, contact support.",
        ),
    ),
    Topic(
        slug="FEDERATED_RESPONSE_INVALID",
        section="signin_errors",
        actions=("signin",),
        ja=TopicText(
            title="{provider}からの応答を確認できませんでした",
            what_happened=(
                "{provider}から戻ってきた応答が、このブラウザーで始めたサインインのものと一致しないか、検証に失敗しました。"
                "別のタブで始めたサインインや、古いリンクを開いた場合にも起こります。"
            ),
            steps=(
                "サインインページを開き直し、「{provider}でサインイン」からやり直します。",
                "繰り返し起こる場合は、ブラウザーのCookieが有効になっていることを確認します。",
            ),
            who_can_fix="ご本人がやり直せます。続く場合は管理者がプロバイダーの設定を確認します。",
        ),
        en=TopicText(
            title="The answer from {provider} could not be verified",
            what_happened=(
                "The answer {provider} sent back does not belong to a sign-in started in this "
                "browser, or it failed a check. Opening an old link or a sign-in started in "
                "another tab does this too."
            ),
            steps=(
                "Open the sign-in page again and choose Sign in with {provider}.",
                "If it keeps happening, make sure your browser accepts cookies.",
            ),
            who_can_fix="You can start again; if it persists, an admin checks the provider's "
                        "settings.",
        ),
    ),
    Topic(
        slug="FEDERATED_PROVIDER_ERROR",
        section="signin_errors",
        actions=("signin", "contact_admin"),
        ja=TopicText(
            title="{provider}でのサインインを完了できませんでした",
            what_happened=(
                "{provider}に接続できなかったか、{provider}がサインインを完了しませんでした"
                "(サインインをキャンセルした場合を含みます)。"
            ),
            steps=(
                "しばらくしてから、もう一度{provider}でサインインします。",
                "急ぐ場合は、パスワードなど別の方法でサインインします。",
            ),
            who_can_fix="ご本人が再試行できます。続く場合は管理者がプロバイダーの設定を確認します。",
        ),
        en=TopicText(
            title="Signing in with {provider} could not be completed",
            what_happened=(
                "Monban could not reach {provider}, or {provider} did not complete the sign-in "
                "(cancelling it there does this too)."
            ),
            steps=(
                "Try signing in with {provider} again in a little while.",
                "If you are in a hurry, sign in another way, with your password for example.",
            ),
            who_can_fix="You can try again; if it persists, an admin checks the provider's "
                        "settings.",
        ),
    ),
    Topic(
        slug="LAST_SIGNIN_METHOD",
        section="signin_errors",
        actions=("security_page",),
        ja=TopicText(
            title="唯一のサインイン方法は解除できません",
            what_happened="この連携を解除すると、アカウントにサインインする方法がなくなります。",
            steps=(
                "セキュリティページの「連携済みのアカウント」で、別のサービスを先に連携します。",
                "または、パスワードを設定してから連携を解除します。",
            ),
            who_can_fix="ご本人が別の方法を追加してから解除できます。",
        ),
        en=TopicText(
            title="Your only way to sign in can't be removed",
            what_happened="Without this link, nothing would let you sign in to your account.",
            steps=(
                "Link another provider first under Linked accounts on your security page.",
                "Or set a password, then unlink.",
            ),
            who_can_fix="You can, once you have another way to sign in.",
        ),
    ),
)
