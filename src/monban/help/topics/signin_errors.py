"""The help topics of 「サインインしようとするとエラーが発生する」 (section "signin_errors"): the
eight errors of the seed page. The other sign-in errors every flow needs are in
signin_flow_errors.py, in the same section."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

SIGNIN_ERRORS: tuple[Topic, ...] = (
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
                "登録済みのデバイスがすべて使えない場合、サインイン制限を解除できるのはサポート窓口(または組織の管理者)だけです。本人確認のうえで解除され、その操作は監査ログに記録されます。",
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
                "When every registered device is gone, only support (or your organization's "
                "admin) can turn the restriction off, after checking who you are; they do it as "
                "a recorded (audited) action.",
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
                "コマンドライン版の{app}アプリは、pip install --upgrade monban で更新します。",
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
                "Update the command-line {app} app with pip install --upgrade monban.",
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
        actions=("signin", "security_page", "contact_support"),
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
)
