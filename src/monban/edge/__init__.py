"""The HTTP edge shared by the JSON API and the pages: request facts, cookies, CSRF, error
rendering, body limits. Protocol and policy code never import from here."""
