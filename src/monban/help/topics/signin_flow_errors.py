"""The help topics of the other sign-in errors every flow needs (wrong password, unknown or
disabled account, expired password, session or flow, ...), shown in the section
"signin_errors" after the seed page's eight (signin_errors.py)."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

SIGNIN_FLOW_ERRORS: tuple[Topic, ...] = (
    Topic(
        slug="INVALID_CREDENTIALS",
        section="signin_errors",
        actions=("signin", "reset_password"),
        ja=TopicText(
            title="パスワードが正しくありません",
            what_happened=(
                "入力したパスワードが、このアカウントに登録されているパスワードと一致しませんでした。"
                "続けて8回間違えると、一時的にサインインできなくなります。"
            ),
            steps=(
                (
                    "Caps Lockがオンになっていないか、全角・半角などの入力モードが"
                    "正しいかを確認し、もう一度入力してください。"
                ),
                "入力したメールアドレス、携帯電話番号、またはユーザー名が正しいかも確認してください。",
                "最近パスワードを変更した場合は、新しいパスワードを入力してください。",
                "パスワードを忘れた場合は、サインインページの「サインインできない場合」からパスワードをリセットしてください。",
            ),
            who_can_fix="ご本人がパスワードを入力し直すか、リセットすることで解決できます。",
        ),
        en=TopicText(
            title="Incorrect password",
            what_happened=(
                "The password you entered does not match the one registered for this account. "
                "Eight wrong tries in a row lock sign-in for a while."
            ),
            steps=(
                "Check that Caps Lock is off and that your keyboard is in the right input mode, "
                "then type the password again.",
                "Check that the email address, mobile number or username you entered is right.",
                "If you changed your password recently, enter the new one.",
                "If you have forgotten your password, choose \"Problem signing in?\" on the "
                "sign-in page and reset it.",
            ),
            who_can_fix="You can fix it by typing the password again or by resetting it.",
        ),
    ),
    Topic(
        slug="ACCOUNT_NOT_FOUND",
        section="signin_errors",
        actions=("signin", "contact_admin"),
        ja=TopicText(
            title="このアカウントは存在しません",
            what_happened="入力したメールアドレス、携帯電話番号、またはユーザー名に一致するアカウントが見つかりませんでした。",
            steps=(
                "入力したメールアドレス、携帯電話番号、またはユーザー名に誤りがないかを確認し、もう一度入力してください。",
                "別のメールアドレスや携帯電話番号でアカウントを登録していないかを確認してください。",
                "組織から提供されたアカウントの場合は、登録されているサインイン用のメールアドレスやユーザー名を組織の管理者に確認してください。",
            ),
            who_can_fix="ご本人が正しい情報を入力することで解決でき、組織のアカウントの場合は組織の管理者が確認できます。",
        ),
        en=TopicText(
            title="This account cannot be found",
            what_happened=(
                "No account matches the email address, mobile number or username you entered."
            ),
            steps=(
                "Check the email address, mobile number or username for typing mistakes and "
                "enter it again.",
                "Check whether you registered the account with another email address or mobile "
                "number.",
                "If your organization gave you the account, ask its administrator which email "
                "address or username it is registered with.",
            ),
            who_can_fix=(
                "You can fix it by entering the right details; for an organization's account, "
                "its administrator can check them."
            ),
        ),
    ),
    Topic(
        slug="ACCOUNT_DISABLED",
        section="signin_errors",
        actions=("contact_admin", "contact_support"),
        ja=TopicText(
            title="このアカウントは無効になっています",
            what_happened="このアカウントは無効にされているため、サインインできません。",
            steps=(
                "組織のアカウントの場合は、組織の管理者に連絡し、管理コンソールでアカウントを有効にするよう依頼してください。",
                "組織に所属していないアカウントの場合は、サポート窓口にお問い合わせください。",
            ),
            who_can_fix="アカウントを有効にできるのは組織の管理者(組織に所属していない場合はサポート窓口)です。",
        ),
        en=TopicText(
            title="This account has been deactivated",
            what_happened="This account has been deactivated, so it cannot sign in.",
            steps=(
                "If it is an organization's account, ask the organization's administrator to "
                "reactivate it in the admin console.",
                "If the account does not belong to an organization, contact support.",
            ),
            who_can_fix=(
                "Your organization's administrator (or support, for an account outside any "
                "organization) can reactivate it."
            ),
        ),
    ),
    Topic(
        slug="PASSWORD_EXPIRED",
        section="signin_errors",
        actions=("signin", "reset_password"),
        ja=TopicText(
            title="パスワードの有効期限が切れています",
            what_happened=(
                "組織のポリシーによりパスワードに有効期間が設定されており、現在のパスワードは期限が切れています。"
                "サインインを続けるには、新しいパスワードを設定する必要があります。"
            ),
            steps=(
                "サインインを続けると、新しいパスワードの設定を求められます。",
                "組織のパスワードポリシーを満たす新しいパスワードを入力します。組織によっては、最近使用したパスワードは再利用できません。",
                "新しいパスワードでサインインしてください。",
                "現在のパスワードがわからない場合は、サインインページの「サインインできない場合」からパスワードをリセットしてください。",
            ),
            who_can_fix="ご本人が新しいパスワードを設定することで解決できます。",
        ),
        en=TopicText(
            title="Your password has expired",
            what_happened=(
                "Your organization's policy gives passwords a maximum age, and yours has expired. "
                "To go on signing in, you need to set a new password."
            ),
            steps=(
                "Continue signing in: you will be asked to set a new password.",
                "Enter a new password that meets your organization's password policy; some "
                "organizations do not let you reuse recent passwords.",
                "Sign in with the new password.",
                "If you don't know your current password, choose \"Problem signing in?\" on the "
                "sign-in page and reset it.",
            ),
            who_can_fix="You can fix it yourself by setting a new password.",
        ),
    ),
    Topic(
        slug="SIGNIN_METHOD_NOT_ALLOWED",
        section="signin_errors",
        actions=("sign_in_another_way", "contact_admin"),
        ja=TopicText(
            title="この方法でのサインインは許可されていません",
            what_happened=(
                "組織のポリシーにより、選択したサインイン方法(パスワード、ワンタイムパスワード、プッシュ通知、パスキー、外部サービスでのサインインなど)は、あなたのアカウントでは許可されていません。"
            ),
            steps=(
                "サインインページの「別の方法でサインイン」から、許可されている方法を選んでサインインしてください。",
                "どの方法が許可されているかわからない場合は、組織の管理者にお問い合わせください。",
            ),
            who_can_fix="許可するサインイン方法は組織の管理者が管理コンソールで設定します。",
        ),
        en=TopicText(
            title="This sign-in method is not allowed",
            what_happened=(
                "Your organization's policy does not allow the sign-in method you chose (password, "
                "one-time code, push notification, passkey or signing in with another service, "
                "for example) for your account."
            ),
            steps=(
                "Choose \"Sign in another way\" on the sign-in page and pick a method that is "
                "allowed.",
                "If you don't know which methods are allowed, contact your organization's "
                "administrator.",
            ),
            who_can_fix=(
                "Your organization's administrator sets the allowed sign-in methods in the admin "
                "console."
            ),
        ),
    ),
    Topic(
        slug="SESSION_EXPIRED",
        section="signin_errors",
        actions=("signin",),
        ja=TopicText(
            title="セッションの有効期限が切れました",
            what_happened=(
                "サインインしてから一定の時間が経過したか、しばらく操作がなかったため、安全のためにサインインが終了しました。"
                "この時間は組織で設定されている場合があります。また、別のブラウザーや{app}アプリからセッションが終了された場合にも表示されます。"
            ),
            steps=(
                "もう一度サインインしてください。",
                "ブラウザーを閉じるたびにサインインが求められる場合は、ヘルプセンターの「Webブラウザーを閉じるたびにアカウントへのサインインが求められる」をご覧ください。",
                "心当たりがないのにセッションが終了された場合は、サインイン後に[セキュリティ]ページでパスワードを変更してください。",
            ),
            who_can_fix="ご本人がもう一度サインインすることで解決でき、有効期間は組織の管理者が設定します。",
        ),
        en=TopicText(
            title="Your session has expired",
            what_happened=(
                "You were signed out for your safety because you had been signed in for a long "
                "time or had been inactive for a while; your organization may set these times. "
                "You also see this when the session was ended from another browser or from the "
                "{app} app."
            ),
            steps=(
                "Sign in again.",
                "If you are asked to sign in every time you close your browser, see \"You are "
                "asked to sign in every time you close your web browser\" in the help centre.",
                "If your session was ended and you don't know why, change your password on the "
                "security page once you are signed in.",
            ),
            who_can_fix=(
                "You can fix it by signing in again; your organization's administrator sets how "
                "long sessions last."
            ),
        ),
    ),
    Topic(
        slug="FLOW_EXPIRED",
        section="signin_errors",
        actions=("signin",),
        ja=TopicText(
            title="操作の有効期限が切れました",
            what_happened="サインインやパスワードのリセットを始めてから時間が経ちすぎたため、この操作は無効になりました。",
            steps=(
                "サインインページを開き直し、最初からやり直してください。",
                "複数のタブで同時にサインインを進めている場合は、1つのタブだけで操作してください。",
                "サインインの途中のリンクは、始めたブラウザーでしか使えません。別のブラウザーや端末で開いた場合は、そこで最初からやり直してください。",
            ),
            who_can_fix="ご本人が最初からやり直すことで解決できます。",
        ),
        en=TopicText(
            title="This sign-in attempt has expired",
            what_happened=(
                "Too much time passed since you started signing in or resetting your password, so "
                "this attempt is no longer valid."
            ),
            steps=(
                "Open the sign-in page again and start over.",
                "If you are signing in in several tabs at once, use just one of them.",
                "A link from the middle of a sign-in works only in the browser that started it: "
                "in another browser or device, start over there.",
            ),
            who_can_fix="You can fix it yourself by starting again.",
        ),
    ),
    Topic(
        slug="CSRF_CHECK_FAILED",
        section="signin_errors",
        actions=("signin",),
        ja=TopicText(
            title="フォームの有効期限が切れたか、不正な送信です",
            what_happened=(
                "ページを開いてから時間が経ちすぎたか、このサイト以外から送信されたため、安全のためにフォームの送信を受け付けませんでした。"
            ),
            steps=(
                "ページを再読み込みし、もう一度入力して送信してください。",
                "ブラウザーでこのサイトのCookieが有効になっているかを確認してください。",
                "繰り返し表示される場合は、ブラウザーを再起動してからお試しください。",
            ),
            who_can_fix="ご本人がページを再読み込みすることで解決できます。",
        ),
        en=TopicText(
            title="The form expired or was not sent from this site",
            what_happened=(
                "For your safety the form was not accepted, because the page had been open too "
                "long or the form was sent from another site."
            ),
            steps=(
                "Reload the page, fill in the form again and send it.",
                "Check that your browser allows cookies for this site.",
                "If it keeps happening, restart your browser and try again.",
            ),
            who_can_fix="You can fix it yourself by reloading the page.",
        ),
    ),
    Topic(
        slug="SIGNIN_REQUIRED",
        section="signin_errors",
        actions=("signin",),
        ja=TopicText(
            title="サインインが必要です",
            what_happened="このページを表示したり操作を行ったりするには、サインインする必要があります。",
            steps=(
                "サインインページからサインインしてください。",
                "サインインしたのにこの表示が繰り返される場合は、ヘルプセンターの「Webブラウザーを閉じるたびにアカウントへのサインインが求められる」をご覧ください。",
            ),
            who_can_fix="ご本人がサインインすることで解決できます。",
        ),
        en=TopicText(
            title="You need to sign in",
            what_happened="You need to be signed in to see this page or to do this.",
            steps=(
                "Sign in on the sign-in page.",
                "If you keep seeing this after signing in, see \"You are asked to sign in every "
                "time you close your web browser\" in the help centre.",
            ),
            who_can_fix="You can fix it yourself by signing in.",
        ),
    ),
)
