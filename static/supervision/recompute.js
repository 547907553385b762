// While a recomputation runs, ask how far it has got every two seconds; reload once it ends.
(function () {
  "use strict";
  var section = document.getElementById("recompute");
  if (!section) return;
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("recompute-progress");
  var label = document.getElementById("recompute-label");
  var step = document.getElementById("recompute-step");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return;
        if (bar) { bar.value = status.percent; bar.textContent = status.percent + " %"; }
        if (label) label.textContent = status.state_label;
        if (step) step.textContent = status.current_step ? " · " + status.current_step : "";
        if (status.state === "queued" || status.state === "running") {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
