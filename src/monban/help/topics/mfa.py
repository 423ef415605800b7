"""The help topics of 「多要素認証で不具合がありアカウントにアクセスできない」 (section "mfa")."""

from __future__ import annotations

from monban.help.topics import Topic, TopicText

MFA: tuple[Topic, ...] = (
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
)
