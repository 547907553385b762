/* Small behaviour shared by every page. */
(function () {
  "use strict";
  // On a phone a wide table scrolls sideways inside itself (portal.css); let keyboard users
  // reach and scroll it too.
  function reachableTables() {
    document.querySelectorAll("main table.table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.tabIndex = 0;
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  reachableTables();
  window.addEventListener("resize", reachableTables);
})();

(function () {
  "use strict";
  // Mark where the reader is in the main navigation (the longest matching address wins).
  var best = null;
  document.querySelectorAll("#main-nav a.nav-link").forEach(function (link) {
    var path = new URL(link.href, window.location.href).pathname;
    if (window.location.pathname.indexOf(path) === 0 && (!best || path.length > best.path.length)) {
      best = {link: link, path: path};
    }
  });
  if (best) {
    best.link.classList.add("active");
    best.link.setAttribute("aria-current", "page");
  }
})();

(function () {
  "use strict";
  // The language menu switches as soon as a language is picked (the button is for no-script).
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
