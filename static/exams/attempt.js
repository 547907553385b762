// The exam page: saves every answer as it is given, retries while offline, and counts down to
// the server's deadline (the browser's clock only measures time elapsed since the page loaded).
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) return;
  var url = root.dataset.answerUrl;
  var storeKey = "bcm-exam-pending-" + root.dataset.attempt;
  var status = document.getElementById("save-status");
  var errorBox = document.getElementById("save-error");
  // Epoch seconds from the server: the browser's clock is used only to measure elapsed time.
  var deadline = Number(root.dataset.deadlineEpoch) * 1000;
  var offset = Number(root.dataset.serverNowEpoch) * 1000 - Date.now();
  var pending = {};
  // Answers save one by one; pressing Enter in a field must not post the whole form.
  var form = document.getElementById("exam-form");
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
  var inFlight = false;
  var timeUp = false;
  try { pending = JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { pending = {}; }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setStatus(kind) {
    var classes = { saved: "text-bg-success", saving: "text-bg-secondary", offline: "text-bg-warning", refused: "text-bg-danger" };
    var messages = { saved: root.dataset.msgSaved, saving: root.dataset.msgSaving, offline: root.dataset.msgOffline, refused: root.dataset.msgRefused };
    status.className = "badge " + classes[kind];
    status.dataset.state = kind;
    status.textContent = messages[kind];
  }

  function remember() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }

  function payloadFor(fieldset) {
    var position = parseInt(fieldset.dataset.question, 10);
    if (fieldset.dataset.type === "essay") {
      return { question: position, text: fieldset.querySelector("textarea").value };
    }
    var choices = [];
    fieldset.querySelectorAll("input:checked").forEach(function (input) { choices.push(parseInt(input.value, 10)); });
    return { question: position, choices: choices };
  }

  // Where ``at`` (an index into ``typed``) lands in ``kept``, which is ``typed`` with characters taken out.
  function landing(typed, kept, at) {
    var j = 0;
    for (var i = 0; i < at && j < kept.length; i++) { if (typed[i] === kept[j]) j++; }
    return j;
  }

  // The server saved an essay without invisible control characters: say so under the question, and show the
  // text it kept unless the trainee has typed on since (the next save takes those out in turn).
  function showRemoved(body, data) {
    var fieldset = document.querySelector('#exam fieldset.question[data-question="' + body.question + '"]');
    if (!fieldset || !data.notice) return;
    var notice = fieldset.querySelector(".essay-notice");
    if (notice) { notice.textContent = data.notice; notice.classList.remove("d-none"); }
    var area = fieldset.querySelector("textarea");
    if (!area || typeof data.text !== "string" || area.value !== body.text) return;
    var focused = document.activeElement === area;
    var start = landing(area.value, data.text, area.selectionStart);
    var end = landing(area.value, data.text, area.selectionEnd);
    area.value = data.text;
    if (focused) area.setSelectionRange(start, end);
  }

  function flush() {
    if (inFlight) return;
    var keys = Object.keys(pending);
    if (!keys.length) { setStatus("saved"); return; }
    var body = pending[keys[0]];
    inFlight = true;
    setStatus("saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        inFlight = false;
        if (response.ok && data.ok === true) {
          // A newer answer to the same question may have been queued while this one flew.
          if (JSON.stringify(pending[keys[0]]) === JSON.stringify(body)) delete pending[keys[0]];
          remember();
          errorBox.classList.add("d-none");
          showRemoved(body, data);
          flush();
        } else if (data.code === "logged_out") {
          // The session ended: keep every answer here and try again until the trainee has logged in anew.
          errorBox.textContent = data.error;
          errorBox.classList.remove("d-none");
          setStatus("refused");
          setTimeout(flush, 5000);
        } else if (!response.ok && response.status >= 400 && response.status < 500 && response.status !== 403 && response.status !== 429) {
          // Refused for good (time up, submitted, too long): show why and keep the rest going.
          delete pending[keys[0]];
          remember();
          errorBox.textContent = data.error || root.dataset.msgRefused;
          errorBox.classList.remove("d-none");
          setStatus("refused");
          if (Object.keys(pending).length) flush();
        } else {
          setStatus("offline");
          setTimeout(flush, 3000);
        }
      });
    }).catch(function () {
      inFlight = false;
      setStatus("offline");
      setTimeout(flush, 3000);
    });
  }

  function queue(fieldset) {
    var body = payloadFor(fieldset);
    pending[String(body.question)] = body;
    remember();
    flush();
  }

  var typingTimers = {};
  document.querySelectorAll("#exam fieldset.question").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { queue(fieldset); });
    var area = fieldset.querySelector("textarea");
    if (area) {
      area.addEventListener("input", function () {
        clearTimeout(typingTimers[fieldset.dataset.question]);
        typingTimers[fieldset.dataset.question] = setTimeout(function () { queue(fieldset); }, 800);
      });
    }
  });
  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length) { event.preventDefault(); event.returnValue = ""; }
  });

  var countdown = document.getElementById("countdown");
  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    countdown.dataset.secondsLeft = String(left);
    if (left === 0 && !timeUp) {
      timeUp = true;
      errorBox.textContent = root.dataset.msgTimeUp;
      errorBox.classList.remove("d-none");
      document.querySelectorAll("#exam-form input, #exam-form textarea").forEach(function (el) { el.disabled = true; });
    }
  }
  tick();
  setInterval(tick, 1000);
  flush();
})();
