"""The help centre's topics as data: one per error-catalogue code, plus the seed page's
「Webブラウザーを閉じるたびにアカウントへのサインインが求められる」 problem.

Japanese is the primary language; English says the same. `{app}` (the authenticator app's
display name) and `{provider}` (a federated identity provider's display name) are left as
placeholders for the renderer to fill, as in the catalogue messages. `actions` are keys the
help page turns into buttons or links; `section` follows the seed page's sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from monban.errors import CATALOGUE

SECTIONS: tuple[str, ...] = (
    "signin_errors",
    "mfa",
    "mail_clients",
    "forgot_password",
    "other",
)

ACTIONS: frozenset[str] = frozenset({
    "signin",
    "reset_password",
    "use_backup_code",
    "sign_in_another_way",
    "app_password",
    "end_other_sessions",
    "manage_allowed_ips",
    "contact_admin",
    "contact_support",
    "security_page",
})

BROWSER_CLOSE_SIGNOUT = "BROWSER_CLOSE_SIGNOUT"


@dataclass(frozen=True, slots=True)
class TopicText:
    title: str  # short heading for the topic
    what_happened: str  # 1-3 sentences explaining the cause, in plain words
    steps: tuple[str, ...]  # how to fix it, ordered, each a sentence
    who_can_fix: str  # one sentence: who can fix it (the person, the org admin, support)


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str  # the catalogue code, e.g. "IP_NOT_ALLOWED", or "BROWSER_CLOSE_SIGNOUT"
    section: str  # one of SECTIONS
    actions: tuple[str, ...]  # keys from ACTIONS, turned into buttons/links by the page
    ja: TopicText
    en: TopicText


_TOPICS: tuple[Topic, ...] = (
    # ------------------------------------------------------------------
    # 「サインインしようとするとエラーが発生する」: the eight errors of the seed page.
    # ------------------------------------------------------------------
    Topic(
        slug="IP_NOT_ALLOWED",
        section="signin_errors",
        actions=("manage_allowed_ips", "security_page", "contact_admin"),
        ja=TopicText(
            title="このIPアドレスからのサインインは許可されていません",
            what_happened=(
                "アカウントまたは所属する組織に、サインインを許可するIPアドレスの一覧が設定されています。"
                "現在お使いのIPアドレスがその一覧に含まれていないため、サインインできませんでした。"
                "一覧には、ご本人が設定するアカウントごとのものと、組織の管理者が設定する組織全体のものがあります。"
            ),
            steps=(
                "普段サインインしているネットワーク(社内ネットワークやVPNなど)に接続し直してから、もう一度サインインしてください。",
                "ご自身で設定した一覧が原因の場合は、許可されたネットワークからサインインし、[セキュリティ]ページで現在のIPアドレスまたはCIDR形式の範囲(IPv4・IPv6)を一覧に追加してください。",
                "許可されたネットワークに接続できない場合は、サインインページの「サインインできない場合」から、登録済みの復元用メールアドレスまたは携帯電話番号で本人確認を行うと、ご自身で設定したIP制限を解除できます。",
                "組織で設定された一覧が原因の場合は、ご自身では変更できません。組織の管理者に、管理コンソールで現在のIPアドレスを許可するよう依頼してください。",
            ),
            who_can_fix="アカウントの一覧はご本人が[セキュリティ]ページで変更でき、組織の一覧は組織の管理者のみが変更できます。",
        ),
        en=TopicText(
            title="Sign-in from this IP address is not allowed",
            what_happened=(
                "Your account or your organization has a list of IP addresses that are allowed to "
                "sign in, and the address you are using now is not on it. There are two kinds of "
                "list: one for your own account, which you set yourself, and one for the whole "
                "organization, which its administrator sets."
            ),
            steps=(
                "Connect to the network you usually sign in from (your office network or VPN, "
                "for example) and sign in again.",
                "If the list is your own, sign in from an allowed network and add your current IP "
                "address or CIDR range (IPv4 or IPv6) to the list on the security page.",
                "If you cannot reach an allowed network, choose \"Problem signing in?\" on the "
                "sign-in page and verify yourself with your recovery email address or mobile "
                "number to remove your own IP restriction.",
                "If the list is your organization's, you cannot change it yourself: ask your "
                "organization's administrator to allow your current IP address in the admin "
                "console.",
            ),
            who_can_fix=(
                "You can change your own account's list on the security page; only your "
                "organization's administrator can change the organization's list."
            ),
        ),
    ),
    Topic(
        slug="DAILY_SIGNIN_LIMIT",
        section="signin_errors",
        actions=("contact_admin", "contact_support"),
        ja=TopicText(
            title="1日あたりのサインイン回数が上限に達しました",
            what_happened=(
                "1つのアカウントで1日にサインインできる回数には上限があり、初期設定では1日20回です(組織で変更されている場合があります)。"
                "本日の上限に達したため、これ以上サインインできません。"
            ),
            steps=(
                "既にサインインしているブラウザーやデバイスがある場合は、そちらを引き続きご利用ください。",
                "日付が変わるまでお待ちください。回数は毎日0時にリセットされます。0時は協定世界時(UTC)が基準ですが、組織でタイムゾーンを設定している場合はそのタイムゾーンの0時です。",
                "ブラウザーを閉じるたびにサインインし直している場合は、サインイン時に「サインインしたままにする」を選ぶと、サインインの回数を減らせます。",
                "すぐにサインインが必要な場合は、組織の管理者(組織に所属している場合)またはサポート窓口に、上限の引き上げを依頼してください。",
            ),
            who_can_fix="上限は組織の管理者またはサポート窓口が引き上げることができ、それ以外の場合は翌日になると再びサインインできます。",
        ),
        en=TopicText(
            title="You have reached the daily sign-in limit",
            what_happened=(
                "Each account can sign in only a limited number of times a day: 20 by default, "
                "though your organization may have changed it. You have reached today's limit, so "
                "you cannot sign in again today."
            ),
            steps=(
                "If you are already signed in on another browser or device, keep using it.",
                "Wait until the next day: the count resets at midnight, in UTC unless your "
                "organization has set a time zone, in which case it is midnight in that time "
                "zone.",
                "If you sign in again every time you close your browser, choose \"Keep me signed "
                "in\" when you sign in so that you need fewer sign-ins.",
                "If you need to sign in right away, ask your organization's administrator (if you "
                "belong to an organization) or support to raise the limit.",
            ),
            who_can_fix=(
                "Your organization's administrator or support can raise the limit; otherwise you "
                "can sign in again the next day."
            ),
        ),
    ),
    Topic(
        slug="SIGNIN_ATTEMPTS_EXCEEDED",
        section="signin_errors",
        actions=("reset_password", "contact_admin"),
        ja=TopicText(
            title="サインインの試行回数の上限を超えました",
            what_happened=(
                "同じブラウザーまたはIPアドレスから、パスワード、ワンタイムパスワード、バックアップ認証コードを8回続けて間違えたため、その接続元からのサインインが一時的にロックされました。"
                "失敗が続くほど、ロックされる時間は長くなります。"
                "アカウント全体で100回続けて間違えた場合は、ご本人が以前にサインインしたことのあるブラウザーを除き、アカウントへのサインインがロックされます。"
            ),
            steps=(
                "しばらく時間をおいてから、正しいパスワードでもう一度サインインしてください。サインインに成功すると、失敗の回数はリセットされます。",
                "パスワードがわからない場合は、待たずにサインインページの「サインインできない場合」からパスワードをリセットしてください。パスワードをリセットするとロックは解除されます。",
                "以前にご自身でサインインしたことのあるブラウザーからは、アカウント全体がロックされている間もサインインできます。",
                "心当たりのない失敗が続いている場合は、サインイン後に[セキュリティ]ページでパスワードを変更し、多要素認証を設定することをおすすめします。",
                "それでも解決しない場合は、組織の管理者にお問い合わせください。ロックの回数や時間は組織で設定されている場合があります。",
            ),
            who_can_fix="時間をおくかパスワードをリセットすればご本人で解決でき、組織の管理者はパスワードのリセットやロック条件の変更ができます。",
        ),
        en=TopicText(
            title="You have exceeded the maximum number of sign-in attempts",
            what_happened=(
                "Eight wrong passwords, one-time codes or backup codes in a row from the same "
                "browser or IP address have locked sign-in from there for a while, and the lock "
                "gets longer the more failures follow. After 100 failures in a row on the account "
                "as a whole, the account is locked except on browsers where you have signed in "
                "before."
            ),
            steps=(
                "Wait a while, then sign in again with the right password; a successful sign-in "
                "resets the count of failures.",
                "If you don't know your password, don't wait: choose \"Problem signing in?\" on "
                "the sign-in page and reset it. Resetting your password lifts the lock.",
                "A browser you have signed in with before can still sign in while the account as "
                "a whole is locked.",
                "If you did not make these failed attempts, change your password on the security "
                "page once you are signed in and set up multi-factor authentication.",
                "If this does not help, contact your organization's administrator: the number of "
                "attempts and the lock time may be set by your organization.",
            ),
            who_can_fix=(
                "You can fix it by waiting or by resetting your password; your organization's "
                "administrator can reset your password or change the lockout settings."
            ),
        ),
    ),
    Topic(
        slug="SIGNIN_RESTRICTED",
        section="signin_errors",
        actions=("signin", "contact_support"),
        ja=TopicText(
            title="サインイン制限が有効になっています",
            what_happened=(
                "登録済みのデバイスの{app}アプリで、このアカウントのサインイン制限が有効にされています。"
                "サインイン制限が有効な間は、新しいサインインはすべて拒否されます。既にサインインしているブラウザーはそのまま利用できます。"
            ),
            steps=(
                "登録済みのデバイスで{app}アプリを開きます。",
                "{app}アプリでサインイン制限を無効にします。",
                "もう一度サインインしてください。",
                "{app}アプリをインストールしたデバイスを紛失した場合や、アプリをアンインストールしてしまった場合は、サポート窓口にお問い合わせください。本人確認後に、サインインする方法をご案内します。",
            ),
            who_can_fix="ご本人が{app}アプリで無効にでき、アプリを利用できない場合はサポート窓口が対応します。",
        ),
        en=TopicText(
            title="Sign-in restriction is enabled",
            what_happened=(
                "Sign-in restriction has been turned on for this account from the {app} app on "
                "your registered device. While it is on, every new sign-in is refused; browsers "
                "that are already signed in keep working."
            ),
            steps=(
                "Open the {app} app on your registered device.",
                "Turn sign-in restriction off in the {app} app.",
                "Sign in again.",
                "If you have lost the device with the {app} app, or uninstalled the app, contact "
                "support: after verifying who you are, they will tell you how to sign in.",
            ),
            who_can_fix=(
                "You can turn it off in the {app} app; if you no longer have the app, support can "
                "help."
            ),
        ),
    ),
    Topic(
        slug="AUTHENTICATOR_UPDATE_REQUIRED",
        section="signin_errors",
        actions=("sign_in_another_way", "use_backup_code", "contact_support"),
        ja=TopicText(
            title="{app}アプリを更新する必要があります",
            what_happened=(
                "お使いの{app}アプリのバージョンが、サインインに必要な最低バージョンより古いため、サインインできませんでした。"
                "最低バージョンは、サービス全体または組織で設定されています。"
            ),
            steps=(
                "App StoreまたはGoogle Playで、{app}アプリを最新バージョンに更新します。",
                "更新後に{app}アプリを一度開いてから、もう一度サインインしてください。",
                "すぐに更新できない場合は、サインインページの「別の方法でサインイン」から、登録済みの別の認証方法(セキュリティキーやバックアップ認証コードなど)をお試しください。",
                "{app}アプリをインストールしたデバイスを紛失した場合は、サポート窓口にお問い合わせください。",
            ),
            who_can_fix="ご本人が{app}アプリを更新することで解決できます。",
        ),
        en=TopicText(
            title="You need to update the {app} app",
            what_happened=(
                "Your version of the {app} app is older than the minimum version needed to sign "
                "in. The minimum is set for the whole service or by your organization."
            ),
            steps=(
                "Update the {app} app to the latest version from the App Store or Google Play.",
                "Open the {app} app once after the update, then sign in again.",
                "If you cannot update it right now, choose \"Sign in another way\" on the sign-in "
                "page and use another method you have set up, such as a security key or a backup "
                "verification code.",
                "If you have lost the device with the {app} app, contact support.",
            ),
            who_can_fix="You can fix it yourself by updating the {app} app.",
        ),
    ),
    Topic(
        slug="CONCURRENT_SESSION_LIMIT",
        section="signin_errors",
        actions=("end_other_sessions", "security_page", "contact_admin"),
        ja=TopicText(
            title="同時セッション数の上限に達しました",
            what_happened=(
                "組織で、同時にサインインしておけるブラウザーの数(同時セッション数)に上限が設定されており、既に上限までサインインしています。"
                "認証アプリやAPIのトークンは、この数に含まれません。"
            ),
            steps=(
                "サインインページでパスワードを入力して本人確認を行うと、他のセッションを終了して続行するかどうかを選べます。",
                "他のセッションを終了して続行すると、他のブラウザーでのサインインが終了し、このブラウザーでサインインできます。",
                "または、既にサインインしているブラウザーで[セキュリティ]ページを開き、使っていないセッションを終了してから、もう一度サインインしてください。",
                "上限の数を変更したい場合は、組織の管理者にお問い合わせください。",
            ),
            who_can_fix="ご本人が他のセッションを終了して解決でき、上限の数は組織の管理者が管理コンソールで変更できます。",
        ),
        en=TopicText(
            title="You have reached the maximum number of concurrent sessions",
            what_happened=(
                "Your organization limits how many browsers can be signed in to your account at "
                "the same time, and you are already signed in on that many. Authenticator apps "
                "and API tokens do not count."
            ),
            steps=(
                "Enter your password on the sign-in page: once you have proven who you are, you "
                "are offered to end your other sessions and continue.",
                "If you end your other sessions and continue, the other browsers are signed out "
                "and this one is signed in.",
                "Or open the security page on a browser that is already signed in, end the "
                "sessions you no longer use, and sign in again.",
                "To change the limit itself, contact your organization's administrator.",
            ),
            who_can_fix=(
                "You can fix it by ending your other sessions; your organization's administrator "
                "can change the limit in the admin console."
            ),
        ),
    ),
    Topic(
        slug="FEDERATED_EMAIL_CONFLICT",
        section="signin_errors",
        actions=("signin", "contact_support"),
        ja=TopicText(
            title="{provider}で変更したメールアドレスが別のアカウントで使用されています",
            what_happened=(
                "{provider}でメールアドレスを変更しましたが、新しいメールアドレスは既に別のアカウントで使用されています。"
                "アカウントはメールアドレスではなく{provider}のアカウントそのものに紐付いているため、メールアドレスを変更しても新しいアカウントは作成されませんが、同じメールアドレスを2つのアカウントで使うことはできません。"
            ),
            steps=(
                "{provider}でメールアドレスを以前のものに戻してから、もう一度サインインします。",
                "または、もう一方のアカウントにサインインし、そのアカウントからこのメールアドレスを削除します。",
                "または、もう一方のアカウントが不要な場合は、そのアカウントを閉じます。",
                "または、サインインページでメールアドレスを入力し、メールに届くワンタイムパスワードを使用してサインインします。",
                "2つのアカウントを1つにまとめたい場合は、サポート窓口にお問い合わせください。",
            ),
            who_can_fix="ご本人が上記のいずれかの方法で解決でき、アカウントの統合はサポート窓口が対応します。",
        ),
        en=TopicText(
            title="The email address you changed at {provider} is used by another account",
            what_happened=(
                "You changed your email address at {provider}, and the new address is already "
                "used by another account. Your account is linked to your {provider} account "
                "itself, not to its email address, so the change never creates a second account, "
                "but one email address cannot belong to two accounts."
            ),
            steps=(
                "Change the email address back at {provider}, then sign in again.",
                "Or sign in to the other account and remove this email address from it.",
                "Or, if you no longer need the other account, close it.",
                "Or enter the email address on the sign-in page and sign in with a one-time code "
                "sent to it by email.",
                "If you want to merge the two accounts into one, contact support.",
            ),
            who_can_fix=(
                "You can fix it yourself in any of the ways above; support can merge the two "
                "accounts."
            ),
        ),
    ),
    Topic(
        slug="DISALLOWED_USERAGENT",
        section="signin_errors",
        actions=(),
        ja=TopicText(
            title="承認エラー(エラー403: disallowed_useragent)が表示される",
            what_happened=(
                "アプリの中に組み込まれたブラウザー(WebView)からサインインしようとしたため、安全のためにサインインが拒否されました。"
                "アプリの中のブラウザーでは、入力したパスワードなどをアプリ側から読み取れてしまうおそれがあるためです。"
            ),
            steps=(
                "アプリのメニューなどからリンクをブラウザーで開く操作を行い、デバイス標準のブラウザー(AndroidではChrome、iPhoneやiPadではSafariなど)でページを開きます。",
                "標準のブラウザーで、もう一度サインインしてください。",
                (
                    "アプリの開発者の方へ:OAuthやOpenID Connectの認可リクエストは、"
                    "アプリ内のWebViewではなく、システムのブラウザー"
                    "(AndroidのCustom TabsやiOSのASWebAuthenticationSessionなど)"
                    "で開いてください(RFC 8252)。"
                ),
            ),
            who_can_fix="ご本人が標準のブラウザーで開き直すことで解決でき、根本的な修正はアプリの開発者が行います。",
        ),
        en=TopicText(
            title="Authorization Error (Error 403: disallowed_useragent)",
            what_happened=(
                "You tried to sign in from a browser built into another app (a web view), so the "
                "sign-in was refused for your safety: an app's built-in browser can let the app "
                "read what you type, including your password."
            ),
            steps=(
                "Use the app's menu to open the link in a browser, so that the page opens in your "
                "device's own browser (Chrome on Android, Safari on iPhone or iPad, for example).",
                "Sign in again in that browser.",
                "For app developers: open OAuth and OpenID Connect authorization requests in the "
                "system browser (Custom Tabs on Android, ASWebAuthenticationSession on iOS), not "
                "in an embedded web view, as RFC 8252 says.",
            ),
            who_can_fix=(
                "You can fix it by opening the page in your device's own browser; the lasting fix "
                "is the app developer's."
            ),
        ),
    ),
    # ------------------------------------------------------------------
    # Other sign-in errors every flow needs.
    # ------------------------------------------------------------------
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
    # ------------------------------------------------------------------
    # 「多要素認証で不具合がありアカウントにアクセスできない」
    # ------------------------------------------------------------------
    Topic(
        slug="INVALID_OTP",
        section="mfa",
        actions=("sign_in_another_way", "use_backup_code"),
        ja=TopicText(
            title="ワンタイムパスワードが正しくありません",
            what_happened=(
                "入力したワンタイムパスワードが正しくないか、既に使用済みです。"
                "認証アプリのワンタイムパスワードが正しくないと表示される場合は、デバイスの時刻がずれていて、アプリとの時間の同期設定が行われていない可能性があります。"
            ),
            steps=(
                "最新のワンタイムパスワードを入力し直します。SMSの場合は最後に届いたメッセージのコードを、認証アプリの場合は現在表示されているコードを入力してください。",
                "iOSデバイスの場合は、[設定]に移動し、[一般]→[日付と時刻]の順にタップして、[自動設定]を有効にします。",
                "Androidデバイスの場合は、認証アプリの[設定]を開き、[コードの時刻修正]→[同期する]の順にタップします。",
                "時間を同期したら、新しく表示されたワンタイムパスワードでもう一度お試しください。",
                "それでもサインインできない場合は、「別の方法でサインイン」から、バックアップ認証コードなど別の方法をお試しください。",
            ),
            who_can_fix="ご本人がコードを入力し直すか、デバイスの時刻を同期することで解決できます。",
        ),
        en=TopicText(
            title="Incorrect verification code",
            what_happened=(
                "The one-time code you entered is wrong or has already been used. If codes from "
                "your authenticator app keep being refused, your device's clock may be off and "
                "the app's time not synchronized."
            ),
            steps=(
                "Enter the latest code: for SMS, the code in the last message you received; for "
                "an authenticator app, the code it shows now.",
                "On an iOS device, go to Settings, tap General, then Date & Time, and turn on Set "
                "Automatically.",
                "On an Android device, open the authenticator app's Settings, tap Time correction "
                "for codes, then Sync now.",
                "Once the time is synchronized, try again with the new code the app shows.",
                "If you still cannot sign in, choose \"Sign in another way\" and use another "
                "method, such as a backup verification code.",
            ),
            who_can_fix=(
                "You can fix it yourself by entering the code again or synchronizing your "
                "device's time."
            ),
        ),
    ),
    Topic(
        slug="OTP_EXPIRED",
        section="mfa",
        actions=("signin", "sign_in_another_way"),
        ja=TopicText(
            title="ワンタイムパスワードの有効期限が切れています",
            what_happened="ワンタイムパスワードには有効期限があり、期限が過ぎたコードは使用できません。",
            steps=(
                "サインインページで新しいワンタイムパスワードを送信してもらい、届いたコードをすぐに入力してください。",
                "コードが届かない場合は、「別の方法でサインイン」から別の認証方法をお試しください。",
            ),
            who_can_fix="ご本人が新しいコードを受け取ることで解決できます。",
        ),
        en=TopicText(
            title="This verification code has expired",
            what_happened=(
                "One-time codes are valid only for a short time, and this one has expired."
            ),
            steps=(
                "Have a new code sent from the sign-in page and enter it as soon as it arrives.",
                "If no code arrives, choose \"Sign in another way\" and try another method.",
            ),
            who_can_fix="You can fix it yourself by getting a new code.",
        ),
    ),
    Topic(
        slug="BACKUP_CODE_INVALID",
        section="mfa",
        actions=("sign_in_another_way", "contact_admin", "contact_support"),
        ja=TopicText(
            title="バックアップ認証コードが正しくありません",
            what_happened=(
                "入力したバックアップ認証コードが正しくないか、既に使用済みです。"
                "各コードは1回しか使用できず、新しいコードのセットを作成すると以前のセットはすべて無効になります。"
            ),
            steps=(
                "最新のセットのうち、まだ使用していないコードを入力してください。",
                "コードを正確に入力しているか、余分な空白が入っていないかを確認してください。",
                "使用できるコードが手元にない場合は、サポート窓口にお問い合わせください。本人確認後、バックアップ認証コードが送信されます。組織に所属している場合は、組織の管理者に依頼することもできます。",
            ),
            who_can_fix="ご本人が正しいコードを入力することで解決でき、コードがない場合はサポート窓口または組織の管理者が対応します。",
        ),
        en=TopicText(
            title="Incorrect backup verification code",
            what_happened=(
                "The backup verification code you entered is wrong or has already been used. Each "
                "code works once, and creating a new set cancels every code of the old one."
            ),
            steps=(
                "Enter a code from your latest set that you have not used yet.",
                "Check that you typed the code exactly, with no extra spaces.",
                "If you have no usable code, contact support: after verifying who you are, they "
                "will send you a backup verification code. If you belong to an organization, you "
                "can also ask its administrator.",
            ),
            who_can_fix=(
                "You can fix it by entering a valid code; if you have none, support or your "
                "organization's administrator can help."
            ),
        ),
    ),
    Topic(
        slug="PUSH_TIMED_OUT",
        section="mfa",
        actions=("sign_in_another_way", "use_backup_code"),
        ja=TopicText(
            title="プッシュ通知の承認がありませんでした",
            what_happened="{app}アプリに送信したサインイン要求が、時間内に承認されませんでした。",
            steps=(
                "{app}アプリをインストールしたデバイスがインターネットに接続されているか、アプリの通知が許可されているかを確認してください。",
                "もう一度サインインし、{app}アプリで、サインインページに表示された番号を選んで承認してください。",
                "プッシュ通知が届かない場合は、「別の方法でサインイン」から、{app}アプリに表示されるワンタイムパスワード(オフラインでも使用できます)など、別の認証方法をお試しください。",
                "{app}アプリをインストールしたデバイスを紛失した場合は、サポート窓口にお問い合わせください。本人確認後、バックアップ認証コードが送信されます。",
            ),
            who_can_fix="ご本人が承認し直すか、別の認証方法を使うことで解決できます。",
        ),
        en=TopicText(
            title="The sign-in request was not approved in time",
            what_happened="The sign-in request sent to the {app} app was not approved in time.",
            steps=(
                "Check that the device with the {app} app is connected to the internet and that "
                "the app is allowed to show notifications.",
                "Sign in again and approve the request in the {app} app by choosing the number "
                "shown on the sign-in page.",
                "If no notification arrives, choose \"Sign in another way\" and use another "
                "method, such as the one-time code the {app} app shows (it works offline).",
                "If you have lost the device with the {app} app, contact support: after verifying "
                "who you are, they will send you a backup verification code.",
            ),
            who_can_fix="You can fix it by approving again or by using another way to verify.",
        ),
    ),
    Topic(
        slug="PUSH_DENIED",
        section="mfa",
        actions=("signin", "security_page"),
        ja=TopicText(
            title="サインイン要求が拒否されました",
            what_happened=(
                "サインイン要求が、{app}アプリで拒否されました。"
                "ご自身で拒否していない場合や心当たりのない要求だった場合は、他の人があなたのパスワードでサインインしようとした可能性があります。"
            ),
            steps=(
                "誤って拒否した場合は、もう一度サインインして承認してください。",
                "心当たりのない要求だった場合は、サインイン後に[セキュリティ]ページでパスワードを変更し、使っていないセッションを終了してください。",
            ),
            who_can_fix="ご本人がもう一度サインインするか、パスワードを変更することで対応できます。",
        ),
        en=TopicText(
            title="The sign-in request was denied",
            what_happened=(
                "The sign-in request was denied in the {app} app. If you did not deny it, or did "
                "not expect the request, someone else may have tried to sign in with your "
                "password."
            ),
            steps=(
                "If you denied it by mistake, sign in again and approve the request.",
                "If you did not expect the request, change your password on the security page "
                "once you are signed in, and end the sessions you don't use.",
            ),
            who_can_fix=(
                "You can deal with it yourself by signing in again or changing your password."
            ),
        ),
    ),
    Topic(
        slug="SECURITY_KEY_FAILED",
        section="mfa",
        actions=("sign_in_another_way", "use_backup_code", "security_page"),
        ja=TopicText(
            title="セキュリティキーを認証できませんでした",
            what_happened=(
                "セキュリティキー(YubiKeyなど)での認証に失敗しました。"
                "キーがデバイスに正しく接続・認識されていないか、このアカウントに登録されていないキーを使用した可能性があります。"
            ),
            steps=(
                "デバイスにセキュリティキーを挿入し、LEDが点灯したことを確認します。LEDが点灯していない場合は、USBポートの向きが異なる場合があるため、キーの上下を替えて差し込みます。",
                "セキュリティキーのLEDが点滅している場合は、一度抜いてから挿入し直します。",
                "Windowsの場合は、[コントロールパネル]→[デバイスとプリンターの表示]で、キーが接続されているかを確認します。",
                "Macの場合は、画面左上にあるAppleアイコン→[このMacについて]→[システムレポート]をクリックし、[ハードウェア]→[USB]でキーを確認します。",
                "Linuxの場合は、ターミナルで「dmesg」と入力し、キーが認識されているかを確認します。",
                "複数のキーをお持ちの場合は、このアカウントに登録したキーを使用しているかを確認します。",
                "キーを紛失した、または盗難にあった場合は、「別の方法でサインイン」からサインインし、[セキュリティ]ページでそのキーを削除してください。",
            ),
            who_can_fix="ご本人がキーの接続を確認するか、別の方法でサインインすることで解決できます。",
        ),
        en=TopicText(
            title="The security key could not be verified",
            what_happened=(
                "Verification with your security key (a YubiKey, for example) failed. The key may "
                "not be connected or recognized, or it may not be a key registered to this "
                "account."
            ),
            steps=(
                "Insert the security key and check that its LED lights up. If it does not, turn "
                "the key over and insert it again, since USB ports can face either way.",
                "If the key's LED is blinking, unplug the key and insert it again.",
                "On Windows, check that the key is connected under Control Panel, then View "
                "devices and printers.",
                "On a Mac, click the Apple icon at the top left of the screen, then About This "
                "Mac, then System Report, and look for the key under Hardware, then USB.",
                "On Linux, type \"dmesg\" in a terminal and check that the key was recognized.",
                "If you have several keys, check that you are using one registered to this "
                "account.",
                "If the key was lost or stolen, sign in with \"Sign in another way\" and remove "
                "the key on the security page.",
            ),
            who_can_fix=(
                "You can fix it yourself by checking the key's connection or by signing in "
                "another way."
            ),
        ),
    ),
    Topic(
        slug="BROWSER_NOT_SUPPORTED",
        section="mfa",
        actions=("sign_in_another_way",),
        ja=TopicText(
            title="このブラウザーはセキュリティキーに対応していません",
            what_happened="お使いのブラウザーが、セキュリティキーやパスキー(WebAuthn)に対応していないか、その機能が無効になっています。",
            steps=(
                "ブラウザーを最新バージョンに更新するか、最新のChrome、Edge、Firefox、Safariなどの対応ブラウザーでサインインしてください。",
                "アプリの中に組み込まれたブラウザーを使用している場合は、デバイス標準のブラウザーで開き直してください。",
                "すぐにブラウザーを変更できない場合は、「別の方法でサインイン」から別の認証方法をお試しください。",
            ),
            who_can_fix="ご本人が対応ブラウザーを使用することで解決できます。",
        ),
        en=TopicText(
            title="This browser does not support security keys",
            what_happened=(
                "Your browser does not support security keys and passkeys (WebAuthn), or has "
                "that support turned off."
            ),
            steps=(
                "Update your browser, or sign in with an up-to-date browser that supports them, "
                "such as Chrome, Edge, Firefox or Safari.",
                "If you are in a browser built into another app, open the page in your device's "
                "own browser.",
                "If you cannot change browsers right now, choose \"Sign in another way\" and use "
                "another method.",
            ),
            who_can_fix="You can fix it yourself by using a supported browser.",
        ),
    ),
    # ------------------------------------------------------------------
    # 「メールクライアントに接続できない」
    # ------------------------------------------------------------------
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
    # ------------------------------------------------------------------
    # 「パスワードを忘れてしまいアカウントにアクセスできない」
    # ------------------------------------------------------------------
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
    # ------------------------------------------------------------------
    # 「その他の不具合」
    # ------------------------------------------------------------------
    Topic(
        slug=BROWSER_CLOSE_SIGNOUT,
        section="other",
        actions=("signin", "contact_admin"),
        ja=TopicText(
            title="Webブラウザーを閉じるたびにアカウントへのサインインが求められる",
            what_happened=(
                "ブラウザーを閉じた後もサインインしたままにするには、サインイン情報をCookieとしてブラウザーに保存しておく必要があります。"
                "サインイン時に「サインインしたままにする」を選ばなかった場合や、ブラウザーを閉じるときにCookieが削除される場合、または組織がセッションの有効期間を短く設定している場合は、ブラウザーを閉じるたびにサインインが求められます。"
            ),
            steps=(
                "サインイン時に「サインインしたままにする」にチェックを入れてからサインインしてください。",
                "プライベートウィンドウ(シークレットモードなど)では、ウィンドウを閉じるとCookieが削除されます。通常のウィンドウでサインインしてください。",
                "ブラウザーの設定で、終了時にCookieやサイトデータを削除する設定が有効になっていないかを確認し、無効にするか、このサイトを例外に追加してください。",
                "Cookieを自動的に削除する拡張機能(プライバシー保護や広告ブロックなど)を使用している場合は、このサイトを対象から除外してください。",
                "上記を確認しても解決しない場合は、組織でセッションの有効期間や、操作がない場合のタイムアウトが設定されている可能性があります。組織の管理者にお問い合わせください。",
            ),
            who_can_fix="ブラウザーの設定はご本人が、セッションの有効期間やタイムアウトは組織の管理者が変更できます。",
        ),
        en=TopicText(
            title="You are asked to sign in every time you close your web browser",
            what_happened=(
                "To stay signed in after the browser is closed, the browser has to keep your "
                "sign-in in a cookie. If you did not choose \"Keep me signed in\", if your "
                "cookies are deleted when the browser closes, or if your organization keeps "
                "sessions short, you are asked to sign in every time you close the browser."
            ),
            steps=(
                "Tick \"Keep me signed in\" when you sign in.",
                "A private window (incognito mode, for example) deletes its cookies when it "
                "closes: sign in from a normal window.",
                "Check whether your browser is set to delete cookies and site data when it "
                "closes, and turn that off or add this site as an exception.",
                "If you use an extension that deletes cookies automatically (a privacy or "
                "ad-blocking extension, for example), exclude this site from it.",
                "If none of this helps, your organization may have set a session lifetime or an "
                "idle timeout: contact your organization's administrator.",
            ),
            who_can_fix=(
                "You can change your browser's settings; your organization's administrator sets "
                "the session lifetime and idle timeout."
            ),
        ),
    ),
    Topic(
        slug="INVALID_REQUEST",
        section="other",
        actions=("contact_support",),
        ja=TopicText(
            title="リクエストの内容が正しくありません",
            what_happened="送信された内容に不足や誤りがあったため、処理できませんでした。",
            steps=(
                "入力内容を確認し、もう一度送信してください。",
                "ページを再読み込みしてからお試しください。",
                "繰り返し表示される場合は、サポート窓口にお問い合わせください。",
            ),
            who_can_fix="ご本人が入力内容を確認することで解決でき、解決しない場合はサポート窓口が対応します。",
        ),
        en=TopicText(
            title="The request is not valid",
            what_happened=(
                "What was sent was incomplete or not valid, so it could not be processed."
            ),
            steps=(
                "Check what you entered and send it again.",
                "Reload the page and try again.",
                "If it keeps happening, contact support.",
            ),
            who_can_fix=(
                "You can usually fix it by checking what you entered; otherwise support can help."
            ),
        ),
    ),
    Topic(
        slug="REQUEST_TOO_LARGE",
        section="other",
        actions=("contact_support",),
        ja=TopicText(
            title="リクエストが大きすぎます",
            what_happened="送信されたデータが、受け付けられる大きさの上限を超えています。",
            steps=(
                "入力した内容を短くしてから、もう一度送信してください。",
                "繰り返し表示される場合は、サポート窓口にお問い合わせください。",
            ),
            who_can_fix="ご本人が送信する内容を減らすことで解決できます。",
        ),
        en=TopicText(
            title="The request is too large",
            what_happened="What was sent is larger than the maximum size accepted.",
            steps=(
                "Shorten what you entered and send it again.",
                "If it keeps happening, contact support.",
            ),
            who_can_fix="You can fix it yourself by sending less.",
        ),
    ),
    Topic(
        slug="PERMISSION_DENIED",
        section="other",
        actions=("contact_admin",),
        ja=TopicText(
            title="この操作を行う権限がありません",
            what_happened="組織でのあなたの役割には、この操作を行う権限がありません。",
            steps=(
                "正しいアカウントでサインインしているかを確認してください。",
                "この操作が必要な場合は、組織の管理者に権限の付与を依頼してください。",
            ),
            who_can_fix="権限を付与できるのは組織の管理者です。",
        ),
        en=TopicText(
            title="You don't have permission to do this",
            what_happened="Your role in the organization does not allow this.",
            steps=(
                "Check that you are signed in with the right account.",
                "If you need to do this, ask your organization's administrator for permission.",
            ),
            who_can_fix="Your organization's administrator can give you permission.",
        ),
    ),
    Topic(
        slug="NOT_FOUND",
        section="other",
        actions=(),
        ja=TopicText(
            title="対象が見つかりません",
            what_happened="お探しのページや項目は、削除されたか、URLが正しくない可能性があります。",
            steps=(
                "URLに誤りがないかを確認してください。",
                "ヘルプセンターのトップから、目的のページをお探しください。",
            ),
            who_can_fix="ご本人がURLを確認することで解決できます。",
        ),
        en=TopicText(
            title="The requested item cannot be found",
            what_happened=(
                "The page or item you are looking for may have been deleted, or the URL may be "
                "wrong."
            ),
            steps=(
                "Check the URL for mistakes.",
                "Start again from the help centre's front page.",
            ),
            who_can_fix="You can fix it yourself by checking the URL.",
        ),
    ),
    Topic(
        slug="IDENTIFIER_TAKEN",
        section="other",
        actions=("signin", "reset_password"),
        ja=TopicText(
            title="このメールアドレス、携帯電話番号、またはユーザー名は既に使用されています",
            what_happened="入力したメールアドレス、携帯電話番号、またはユーザー名は、既に別のアカウントで使用されています。",
            steps=(
                "ご自身で以前に作成したアカウントの場合は、そのアカウントでサインインしてください。パスワードを忘れた場合は、パスワードをリセットできます。",
                "別のメールアドレス、携帯電話番号、またはユーザー名を入力してください。",
            ),
            who_can_fix="ご本人が既存のアカウントでサインインするか、別の情報を使用することで解決できます。",
        ),
        en=TopicText(
            title="This email address, mobile number or username is already in use",
            what_happened=(
                "The email address, mobile number or username you entered is already used by "
                "another account."
            ),
            steps=(
                "If you created that account earlier, sign in with it; if you have forgotten its "
                "password, you can reset it.",
                "Otherwise, enter a different email address, mobile number or username.",
            ),
            who_can_fix=(
                "You can fix it by signing in to the existing account or by using other details."
            ),
        ),
    ),
    Topic(
        slug="INVALID_IP_RULE",
        section="other",
        actions=("manage_allowed_ips",),
        ja=TopicText(
            title="IPアドレスまたはCIDR範囲の形式が正しくありません",
            what_happened="許可するIPアドレスとして入力した値が、IPアドレスまたはCIDR形式の範囲として正しくありません。",
            steps=(
                "単一のIPアドレスは、「203.0.113.5」や「2001:db8::1」のように入力してください。",
                "範囲は、「203.0.113.0/24」や「2001:db8::/32」のようにCIDR形式で入力してください。",
                "全角文字や余分な空白が含まれていないかを確認してください。",
            ),
            who_can_fix="ご本人が正しい形式で入力し直すことで解決できます。",
        ),
        en=TopicText(
            title="The IP address or CIDR range is not valid",
            what_happened=(
                "The value you entered as an allowed IP address is not a valid IP address or "
                "CIDR range."
            ),
            steps=(
                "Enter a single address like \"203.0.113.5\" or \"2001:db8::1\".",
                "Enter a range in CIDR form, like \"203.0.113.0/24\" or \"2001:db8::/32\".",
                "Check that there are no full-width characters or extra spaces.",
            ),
            who_can_fix="You can fix it yourself by entering it in the right form.",
        ),
    ),
    Topic(
        slug="INVALID_PHONE_NUMBER",
        section="other",
        actions=(),
        ja=TopicText(
            title="携帯電話番号の形式が正しくありません",
            what_happened="入力した携帯電話番号を、有効な番号として認識できませんでした。",
            steps=(
                (
                    "国番号を選択または入力し、「+81 90 1234 5678」のように"
                    "携帯電話番号を入力してください。"
                ),
                "数字の誤りや桁数の不足がないかを確認してください。",
            ),
            who_can_fix="ご本人が正しい番号を入力し直すことで解決できます。",
        ),
        en=TopicText(
            title="The mobile number is not valid",
            what_happened=(
                "The mobile number you entered could not be recognized as a valid number."
            ),
            steps=(
                "Choose or enter the country code and type the number, like \"+81 90 1234 5678\".",
                "Check for wrong or missing digits.",
            ),
            who_can_fix="You can fix it yourself by entering the right number.",
        ),
    ),
    Topic(
        slug="INVALID_EMAIL",
        section="other",
        actions=(),
        ja=TopicText(
            title="メールアドレスの形式が正しくありません",
            what_happened="入力したメールアドレスの形式が正しくありません。",
            steps=(
                "「name@example.com」のような形式で入力されているかを確認してください。",
                "全角文字や余分な空白が含まれていないかを確認してください。",
            ),
            who_can_fix="ご本人が正しいメールアドレスを入力し直すことで解決できます。",
        ),
        en=TopicText(
            title="The email address is not valid",
            what_happened="The email address you entered is not in a valid form.",
            steps=(
                "Check that it looks like \"name@example.com\".",
                "Check that there are no full-width characters or extra spaces.",
            ),
            who_can_fix="You can fix it yourself by entering the right email address.",
        ),
    ),
    Topic(
        slug="SERVICE_UNAVAILABLE",
        section="other",
        actions=("contact_support",),
        ja=TopicText(
            title="サービスが一時的に利用できません",
            what_happened="メンテナンスや一時的な障害のため、現在サービスを利用できません。",
            steps=(
                "しばらく時間をおいてから、もう一度お試しください。",
                "長時間にわたって解決しない場合は、サポート窓口にお問い合わせください。",
            ),
            who_can_fix="通常は時間をおくと解決し、解決しない場合はサポート窓口が対応します。",
        ),
        en=TopicText(
            title="The service is temporarily unavailable",
            what_happened=(
                "The service cannot be used right now because of maintenance or a temporary "
                "problem."
            ),
            steps=(
                "Wait a little, then try again.",
                "If the problem lasts a long time, contact support.",
            ),
            who_can_fix="It usually clears up on its own; if it doesn't, support can help.",
        ),
    ),
    Topic(
        slug="INTERNAL_ERROR",
        section="other",
        actions=("contact_support",),
        ja=TopicText(
            title="サーバーで予期しないエラーが発生しました",
            what_happened=(
                "サーバー側の不具合により、操作を完了できませんでした。入力内容に問題があったわけではありません。"
            ),
            steps=(
                "しばらく時間をおいてから、もう一度お試しください。",
                "繰り返し発生する場合は、発生した日時を添えてサポート窓口にお問い合わせください。",
            ),
            who_can_fix="サーバーの管理者またはサポート窓口が対応します。",
        ),
        en=TopicText(
            title="Something went wrong on the server",
            what_happened=(
                "A fault on the server stopped the operation. Nothing you entered caused it."
            ),
            steps=(
                "Wait a little, then try again.",
                "If it keeps happening, contact support and say when it happened.",
            ),
            who_can_fix="The server's operators or support.",
        ),
    ),
)

TOPICS: dict[str, Topic] = {topic.slug: topic for topic in _TOPICS}


def topic_for(slug: str) -> Topic | None:
    """The help topic for a catalogue code (or BROWSER_CLOSE_SIGNOUT), or None."""
    return TOPICS.get(slug)


def missing_topics() -> tuple[str, ...]:
    """Catalogue codes that have no topic yet (for tests and start-up checks)."""
    return tuple(code for code in CATALOGUE if code not in TOPICS)
