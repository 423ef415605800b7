/* Monban: security keys on the HTML pages (the only script they load).

   A form with data-webauthn="get" (sign in) or "create" (add a key) and data-options="<url>":
   on submit, its fields are posted to that URL (CSRF field included), which answers
   {"options": <WebAuthn options JSON, base64url>} and, when adding a key, {"enrollment"}.
   The browser's answer goes back, as JSON, in the form's "credential" field, and the form is
   submitted as usual: the server renders the result or the error page. A browser without
   WebAuthn posts {"error": "not_supported"}; a cancelled or failed ceremony posts
   {"error": "<DOMException name>"}. A refusal of the options URL is shown in the form's
   [data-webauthn-error] box. */
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = toBytes(item.id);
      return copy;
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      if (response.userHandle) { json.response.userHandle = toText(response.userHandle); }
    }
    return json;
  }

  function field(form, name) {
    return form.querySelector("input[name='" + name + "']");
  }

  function finish(form, value) {
    field(form, "credential").value = JSON.stringify(value);
    form.submit();
  }

  function showError(form, problem) {
    var box = form.querySelector("[data-webauthn-error]");
    if (!box) { return; }
    box.querySelector(".alert-message").textContent = problem.message || "";
    box.querySelector(".code").textContent = problem.code || "";
    var link = box.querySelector("a.help-link");
    if (problem.help_url) { link.setAttribute("href", problem.help_url); }
    box.hidden = false;
  }

  function setBusy(form, busy) {
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = busy; }
  }

  async function ceremony(form) {
    var mode = form.getAttribute("data-webauthn");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      finish(form, { error: "not_supported" });
      return;
    }
    var answer = await fetch(form.getAttribute("data-options"), {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form))
    });
    var type = answer.headers.get("content-type") || "";
    if (type.indexOf("application/json") === -1) {
      window.location.reload();  // signed out, or the flow is over: the page says so
      return;
    }
    var body = await answer.json();
    if (!answer.ok) {
      showError(form, body.error || {});
      setBusy(form, false);
      return;
    }
    var credential;
    try {
      if (mode === "create") {
        field(form, "enrollment").value = body.enrollment;
        credential = await navigator.credentials.create({ publicKey: creationOptions(body.options) });
      } else {
        credential = await navigator.credentials.get({ publicKey: requestOptions(body.options) });
      }
    } catch (problem) {
      finish(form, { error: (problem && problem.name) || "failed" });
      return;
    }
    finish(form, credentialJSON(credential));
  }

  function start(event) {
    var form = event.currentTarget;
    event.preventDefault();
    if (typeof form.reportValidity === "function" && !form.reportValidity()) { return; }
    var box = form.querySelector("[data-webauthn-error]");
    if (box) { box.hidden = true; }
    setBusy(form, true);
    ceremony(form).catch(function () { finish(form, { error: "failed" }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-webauthn]");
    for (var i = 0; i < forms.length; i++) { forms[i].addEventListener("submit", start); }
  });
})();
