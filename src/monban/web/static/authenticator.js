/* Monban Authenticator on the HTML pages: while a page waits for the app, ask the server
   every second and submit the page's form once the app has answered.

   A form with data-push-status="<url>" (the push step of signing in) polls that URL (GET,
   JSON {"status": "pending" | "answered" | "expired"}); a form with data-qr-status="<url>"
   (QR sign-in) posts its own fields there (CSRF included) and gets {"status": "pending" |
   "approved" | "expired"}. Anything but "pending" submits the form; the server then shows
   the outcome. Without this script the form's button does the same by hand. */
(function () {
  "use strict";

  function every(form, ask) {
    var stopped = false;
    function tick() {
      if (stopped) { return; }
      ask().then(function (answer) {
        if (answer && answer.status && answer.status !== "pending") {
          stopped = true;
          form.submit();
        } else {
          window.setTimeout(tick, 1000);
        }
      }, function () { window.setTimeout(tick, 2000); });
    }
    window.setTimeout(tick, 1000);
  }

  function json(response) { return response.json(); }

  document.querySelectorAll("form[data-push-status]").forEach(function (form) {
    var url = form.getAttribute("data-push-status");
    every(form, function () {
      return fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(json);
    });
  });

  document.querySelectorAll("form[data-qr-status]").forEach(function (form) {
    var url = form.getAttribute("data-qr-status");
    every(form, function () {
      return fetch(url, {method: "POST", body: new URLSearchParams(new FormData(form)),
                         headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(json);
    });
  });
}());
