/* What django-otp-webauthn's passkey scripts need from the page, without an inline script.
 *
 * Their texts go through gettext(); the page carries them in the person's language
 * (#passkey-messages, a JSON data block), so no translation catalog is fetched. This file runs
 * before the package's scripts (they are modules, which wait for the page).
 * A new passkey is named next: the server answers where to go (its own path) and we follow.
 */
(function () {
  "use strict";
  var element = document.getElementById("passkey-messages");
  var messages = element ? JSON.parse(element.textContent) : {};
  window.gettext = function (text) {
    return Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : text;
  };

  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var response = event.detail && event.detail.response;
    var next = response && response.next_url;
    if (typeof next === "string" && next.charAt(0) === "/" && next.charAt(1) !== "/") {
      window.location.assign(next);
    }
  });
})();
