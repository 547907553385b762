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
