"""The help topics of 「その他の不具合」 (section "other"), the seed page's
「Webブラウザーを閉じるたびにアカウントへのサインインが求められる」 problem first."""

from __future__ import annotations

from monban.help.topics import BROWSER_CLOSE_SIGNOUT, Topic, TopicText

OTHER: tuple[Topic, ...] = (
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
        slug="LAST_OWNER",
        section="other",
        actions=("contact_admin",),
        ja=TopicText(
            title="最後のオーナーは変更できません",
            what_happened="組織には有効なオーナーが少なくとも一人必要です。"
                          "このメンバーは最後のオーナーのため、役割を下げることも無効にすることもできません。",
            steps=(
                "別のメンバーを先にオーナーにしてください(オーナーだけがオーナーを任命できます)。",
                "そのあとで、このメンバーの役割を変更するか無効にしてください。",
            ),
            who_can_fix="組織のオーナー、またはサーバーの運用者が解決できます。",
        ),
        en=TopicText(
            title="The last owner can't be changed",
            what_happened="An organization needs at least one enabled owner. This member is "
                          "the last one, so the role can't be lowered and the account can't be "
                          "disabled.",
            steps=(
                "Make another member an owner first (only owners make owners).",
                "Then change this member's role or disable the account.",
            ),
            who_can_fix="The organization's owner, or the server's operator, can fix it.",
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
        slug="IDENTIFIER_NOT_ALLOWED",
        section="other",
        actions=("signin",),
        ja=TopicText(
            title="このメールアドレスまたはユーザー名は、他の文字と見分けにくい文字を含むため使用できません",
            what_happened=(
                "入力したメールアドレスまたはユーザー名に、ラテン文字とキリル文字のように異なる文字体系が混在しているか、"
                "すべての文字が別の文字体系の文字（例：ラテン文字の「a」に見えるキリル文字の「а」）と見分けにくい部分があります。"
                "他の人になりすますことを防ぐため、このような識別子で新しいアカウントを作成したり、識別子を変更したりすることはできません。"
            ),
            steps=(
                "キーボードの入力モードを確認し、同じ文字体系の文字だけで入力し直してください（日本語の漢字・ひらがな・カタカナとラテン文字の組み合わせは使用できます）。",
                "コピーして貼り付けた場合は、手で入力し直してください。",
                "別のメールアドレスまたはユーザー名を使用してください。",
            ),
            who_can_fix="ご本人が別の識別子を入力することで解決できます。",
        ),
        en=TopicText(
            title="This email address or username can't be used: it has characters that look "
                  "like others",
            what_happened=(
                "The email address or username mixes writing systems (for example Latin and "
                "Cyrillic letters), or a part of it is written entirely in letters that look "
                "like those of another writing system (such as a Cyrillic \u201c\u0430\u201d "
                "that looks like a Latin \u201ca\u201d). To stop anyone posing as someone "
                "else, no new account or changed identifier may use such characters."
            ),
            steps=(
                "Check your keyboard's input mode and type the identifier again in one writing "
                "system (Japanese kanji, hiragana and katakana may be mixed with Latin letters).",
                "If you pasted it, type it by hand instead.",
                "Use another email address or username.",
            ),
            who_can_fix="You can fix it yourself by entering another identifier.",
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
