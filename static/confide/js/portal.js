// Passkeys in the client portal. Only an addition: signing in with a code always works, and
// without JavaScript (or a browser without passkeys) these controls stay hidden.
(function () {
  "use strict";

  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function bytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function text(buffer) {
    var view = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < view.length; i++) { raw += String.fromCharCode(view[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function say(section, message) {
    var status = section.querySelector("[data-passkey-status]");
    if (status) { status.textContent = message; }
  }

  document.querySelectorAll("[data-passkey-section]").forEach(function (section) {
    section.hidden = false;
  });

  // Adding one: the page holds the options; the form sends the new passkey's public key.
  var add = document.querySelector("[data-passkey-add]");
  if (add) {
    var addForm = add.closest("form");
    var addSection = add.closest("[data-passkey-section]");
    add.addEventListener("click", function () {
      var options = JSON.parse(document.getElementById("passkey-options").textContent).publicKey;
      options.challenge = bytes(options.challenge);
      options.user.id = bytes(options.user.id);
      (options.excludeCredentials || []).forEach(function (c) { c.id = bytes(c.id); });
      navigator.credentials.create({ publicKey: options }).then(function (made) {
        addForm.elements.credential.value = JSON.stringify({
          id: made.id,
          rawId: text(made.rawId),
          type: made.type,
          response: {
            clientDataJSON: text(made.response.clientDataJSON),
            attestationObject: text(made.response.attestationObject)
          },
          clientExtensionResults: made.getClientExtensionResults(),
          authenticatorAttachment: made.authenticatorAttachment || undefined
        });
        addForm.submit();
      }).catch(function () {
        say(addSection, "No passkey was added. You can try again, or keep signing in with a code.");
      });
    });
  }

  // Signing in: ask for a challenge, let the device sign it, send the answer.
  var use = document.querySelector("[data-passkey-sign-in]");
  if (use) {
    var signForm = use.closest("form");
    var signSection = use.closest("[data-passkey-section]");
    use.addEventListener("click", function () {
      fetch(signForm.dataset.options, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": signForm.elements.csrfmiddlewaretoken.value }
      }).then(function (response) {
        if (!response.ok) { throw new Error("refused"); }
        return response.json();
      }).then(function (json) {
        var options = json.publicKey;
        options.challenge = bytes(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = bytes(c.id); });
        return navigator.credentials.get({ publicKey: options });
      }).then(function (signed) {
        signForm.elements.credential.value = JSON.stringify({
          id: signed.id,
          rawId: text(signed.rawId),
          type: signed.type,
          response: {
            clientDataJSON: text(signed.response.clientDataJSON),
            authenticatorData: text(signed.response.authenticatorData),
            signature: text(signed.response.signature),
            userHandle: signed.response.userHandle ? text(signed.response.userHandle) : null
          },
          clientExtensionResults: signed.getClientExtensionResults(),
          authenticatorAttachment: signed.authenticatorAttachment || undefined
        });
        signForm.submit();
      }).catch(function () {
        say(signSection, "Signing in with a passkey didn't work. Ask for a code instead.");
      });
    });
  }
})();
