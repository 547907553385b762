/* A pending exam result shows the result by itself once it is out.
 *
 * The page (templates/exams/result.html) carries data-poll-seconds on #result-pending. Every so often
 * this asks the server for the same page, in the background; while the answer still carries the
 * grading-pending marker, nothing changes on screen and the next check waits longer (up to
 * data-poll-max-seconds: essays can take days). Once the marker is gone, the page reloads and shows
 * the result. A hidden tab does not ask; it asks again as soon as it is shown.
 */
(function () {
  "use strict";

  var box = document.getElementById("result-pending");
  if (!box || !window.fetch) {
    return;
  }
  var MARKER = 'data-state="grading-pending"';
  var wait = Math.max(1, parseInt(box.getAttribute("data-poll-seconds"), 10) || 15) * 1000;
  var most = Math.max(wait, (parseInt(box.getAttribute("data-poll-max-seconds"), 10) || 300) * 1000);
  var timer = null;
  var asking = false;

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, wait);
  }

  function check() {
    if (document.hidden) {
      return; // visibilitychange asks again
    }
    if (asking) {
      return;
    }
    asking = true;
    window
      .fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        asking = false;
        if (html.indexOf(MARKER) === -1) {
          window.location.reload();
          return;
        }
        wait = Math.min(Math.round(wait * 1.5), most);
        later();
      })
      .catch(function () {
        asking = false; // offline or a server hiccup: try again later
        later();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      check();
    }
  });
  later();
})();
