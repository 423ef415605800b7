"""Mail clients (the seed page's 「メールクライアントに接続できない」): app-specific passwords,
and the login check that mail servers (Dovecot, nginx's mail proxy) ask Monban to make."""
