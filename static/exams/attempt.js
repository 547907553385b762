// The exam page: saves every answer as it is given, retries while offline, and counts down to
// the server's deadline (the browser's clock only measures time elapsed since the page loaded).
// An answer is "pending" from the moment it is given (kept on the device too) until the server has it: the badge
// never says "saved" before, leaving the page sends what is pending (keepalive) and warns. At time-up the page
// submits by itself once nothing is pending. Every save answers with the attempt's revision: a page that sees one
// it did not expect (a save from another tab or device) reads the saved answers anew and says so.
// A copy kept on the device also names the older answers to its question this device sent with no reply yet: one
// of them may reach the server after the copy (the page closed meanwhile), so that the server's answer, saved after
// the copy was given, is older all the same: the page that opens next sends the copy again.
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) return;
  var url = root.dataset.answerUrl;
  var submitUrl = root.dataset.submitUrl;
  var resultUrl = root.dataset.resultUrl;
  var known = Number(root.dataset.revision) || 0;  // the attempt's revision this page shows
  var changedBox = document.getElementById("exam-changed");
  var storeKey = "bcm-exam-pending-" + root.dataset.attempt;
  var status = document.getElementById("save-status");
  var errorBox = document.getElementById("save-error");
  // Epoch seconds from the server: the browser measures only the time elapsed since, with its monotonic clock
  // (performance.now): a wall clock set forward (a phone waking up, a time sync) must not end the exam early.
  var loadedAt = performance.now();
  var serverNow = Number(root.dataset.serverNowEpoch) * 1000;
  var deadline = Number(root.dataset.deadlineEpoch) * 1000;
  function serverTime() { return serverNow + (performance.now() - loadedAt); }  // ms since the epoch, server's clock
  var pending = {};
  // Answers save one by one; pressing Enter in a field must not post the whole form.
  var form = document.getElementById("exam-form");
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
  var inFlight = false;
  var flying = null;  // {key, body} of the save in flight
  var ackedAt = {};  // {position: revision of this page's last save acknowledged}: an older read must not undo it
  var reconciling = false;  // kept answers wait for the load's read before they are sent
  var retryDelay = 3000, retryTimer = null;
  var timeUp = false;
  var submitting = false;
  // pending: {position: body} as the endpoint takes it; since: {position: when it was last edited, as a revision}.
  var since = {};
  // unsure: {position: [body as JSON, ...]}: sent by this page with no reply yet, so able to reach the server after
  // a newer answer (a reply, or a request that failed, settles one); inherited: the same, kept with a copy by the
  // page before, until that copy is settled here.
  var unsure = {};
  var inherited = {};
  var restored = false;
  try {
    var stored = JSON.parse(localStorage.getItem(storeKey) || "{}") || {};
    Object.keys(stored).forEach(function (key) {
      var entry = stored[key];
      if (entry && entry.body) {
        pending[key] = entry.body;
        since[key] = Number(entry.since) || 0;
        if (Array.isArray(entry.sent)) inherited[key] = entry.sent.filter(function (sent) { return typeof sent === "string"; });
      }
      else if (entry && entry.question !== undefined) { pending[key] = entry; since[key] = known; }  // kept by an older page
    });
    restored = Object.keys(pending).length > 0;
  } catch (e) { pending = {}; since = {}; inherited = {}; }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setStatus(kind) {
    var classes = { saved: "text-bg-success", unsaved: "text-bg-warning", saving: "text-bg-secondary", offline: "text-bg-warning", refused: "text-bg-danger" };
    var messages = { saved: root.dataset.msgSaved, unsaved: root.dataset.msgUnsaved, saving: root.dataset.msgSaving, offline: root.dataset.msgOffline, refused: root.dataset.msgRefused };
    status.className = "badge " + classes[kind];
    status.dataset.state = kind;
    status.textContent = messages[kind];
  }

  function remember() {
    var stored = {};
    Object.keys(pending).forEach(function (key) {
      var body = JSON.stringify(pending[key]);
      var sent = sentBodies(key).filter(function (older) { return older !== body; });
      stored[key] = { body: pending[key], since: since[key] || 0 };
      if (sent.length) stored[key].sent = sent;
    });
    try {
      if (Object.keys(stored).length) localStorage.setItem(storeKey, JSON.stringify(stored));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* private mode */ }
  }

  // Try again later, waiting longer each time (3 s, 6 s, ... 60 s at most); one retry is ever scheduled.
  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  // A save of ``body`` (as JSON) to question ``key`` is on its way (sending), or has had its reply or failed (settled).
  function sending(key, body) {
    unsure[key] = (unsure[key] || []).filter(function (sent) { return sent !== body; }).concat([body]);
  }
  function settled(key, body) {
    if (!unsure[key]) return;
    unsure[key] = unsure[key].filter(function (sent) { return sent !== body; });
    if (!unsure[key].length) delete unsure[key];
  }
  function sentBodies(key) { return (inherited[key] || []).concat(unsure[key] || []); }
  // The server's answer is one this device sent that may have reached it after the copy kept here was given.
  function sentFromHere(key, saved) {
    return sentBodies(key).some(function (sent) {
      try { return same(saved, JSON.parse(sent)); } catch (e) { return false; }
    });
  }
  // The answer to question ``key`` is settled: saved, refused for good, or the server's kept instead.
  function drop(key) {
    delete pending[key];
    delete since[key];
    delete inherited[key];
  }

  function isPending() { return inFlight || Object.keys(pending).length > 0; }

  function fieldsetOf(position) {
    return document.querySelector('#exam fieldset.question[data-question="' + position + '"]');
  }

  // Show an answer (a body, or one the server holds) in its question; true if that changed what the page showed.
  function show(position, answer) {
    var fieldset = fieldsetOf(position);
    if (!fieldset || !answer) return false;
    if (answer.at !== undefined && answer.at < (ackedAt[position] || 0)) return false;  // older than this page's save
    var changed = false;
    if (typeof answer.text === "string") {
      var area = fieldset.querySelector("textarea");
      if (area && area.value !== answer.text) { area.value = answer.text; changed = true; }
    } else if (Array.isArray(answer.choices)) {
      fieldset.querySelectorAll("input").forEach(function (input) {
        var on = answer.choices.indexOf(parseInt(input.value, 10)) !== -1;
        if (input.checked !== on) { input.checked = on; changed = true; }
      });
    }
    return changed;
  }

  function same(a, b) {
    if (!a || !b) return false;
    if (typeof a.text === "string" || typeof b.text === "string") return a.text === b.text;
    return JSON.stringify((a.choices || []).slice().sort()) === JSON.stringify((b.choices || []).slice().sort());
  }

  // Read what the server holds. On load (``reconcile``), an answer kept on the device that the server has, or that
  // was saved anew elsewhere after it was given, is dropped; the rest is shown and sent. An answer saved after the
  // copy was given that is one this device sent before it (a save that landed last) is not newer: the copy is sent.
  // Later, a newer revision than the page knows is shown (answers still pending here stay: they are newer), and
  // said if anything changed.
  var reading = false;
  var readAgain = false;
  function readDone(reconcile) {
    reading = false;
    if (reconcile) { reconciling = false; flush(); }
    if (readAgain) { readAgain = false; readSaved(false); }  // asked for while this read flew: it may be stale
  }
  function readSaved(reconcile) {
    if (submitting) return;
    if (reading) { readAgain = true; return; }
    reading = true;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok || data.ok !== true) { readDone(reconcile); return; }  // the next save says why
        if (data.state !== "open") { submitting = true; location.assign(resultUrl); return; }  // submitted elsewhere
        var answers = data.answers || {};
        if (reconcile) {
          Object.keys(pending).forEach(function (key) {
            var saved = answers[key];
            var newer = saved && saved.at > (since[key] || 0) && !sentFromHere(key, saved);
            if (saved && (same(saved, pending[key]) || newer)) {
              drop(key);
              show(key, saved);
            }
          });
          remember();
        }
        if (data.revision <= known) { readDone(reconcile); return; }
        known = data.revision;
        var changed = false;
        Object.keys(answers).forEach(function (key) {
          if (!(key in pending) && show(key, answers[key])) changed = true;
        });
        if (changed && !reconcile) {
          changedBox.textContent = root.dataset.msgChanged;
          changedBox.classList.remove("d-none");
        }
        readDone(reconcile);
      });
    }).catch(function () { readDone(reconcile); });
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

  function offline() {
    setStatus("offline");
    if (timeUp) {
      errorBox.textContent = root.dataset.msgSubmitOffline;
      errorBox.classList.remove("d-none");
    }
    retryLater();
  }

  function flush() {
    if (inFlight || reconciling) return;
    var keys = Object.keys(pending);
    if (!keys.length) {
      setStatus("saved");
      if (timeUp) submitAtTimeUp();
      return;
    }
    var body = pending[keys[0]];
    inFlight = true;
    flying = { key: keys[0], body: JSON.stringify(body) };
    sending(keys[0], flying.body);
    setStatus("saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        inFlight = false;
        flying = null;
        settled(keys[0], JSON.stringify(body));
        if (response.ok && data.ok === true) {
          retryDelay = 3000;
          ackedAt[keys[0]] = Math.max(ackedAt[keys[0]] || 0, Number(data.revision) || 0);
          // A newer answer to the same question may have been queued while this one flew.
          if (JSON.stringify(pending[keys[0]]) === JSON.stringify(body)) drop(keys[0]);
          else if (keys[0] in pending) since[keys[0]] = Math.max(since[keys[0]] || 0, data.revision);  // newer than it
          remember();
          // Saved on top of a save this page has not seen (another tab, another device): read them all anew.
          if (data.previous > known) readSaved(false);
          else if (data.revision > known) known = data.revision;
          errorBox.classList.add("d-none");
          showRemoved(body, data);
          flush();
        } else if (data.code === "logged_out") {
          // The session ended: keep every answer here and try again until the trainee has logged in anew.
          errorBox.textContent = data.error;
          errorBox.classList.remove("d-none");
          setStatus("refused");
          clearTimeout(retryTimer);
          retryTimer = setTimeout(flush, 5000);
        } else if (data.code === "csrf_failed") {
          // The page's form token is out of date (a log-in in another tab renews it): sent again, it is refused
          // again. Keep every answer here, say to reload (the page that opens sends them) and stop retrying.
          errorBox.textContent = data.error;
          errorBox.classList.remove("d-none");
          setStatus("refused");
          clearTimeout(retryTimer);
        } else if (!response.ok && response.status >= 400 && response.status < 500 && response.status !== 403 && response.status !== 429) {
          // Refused for good (time up, submitted, too long): show why and keep the rest going.
          drop(keys[0]);
          remember();
          errorBox.textContent = data.error || root.dataset.msgRefused;
          errorBox.classList.remove("d-none");
          setStatus("refused");
          if (Object.keys(pending).length) flush();
          else if (timeUp) submitAtTimeUp();
        } else {
          // The server answered but did not save (an error of its own, too many requests, a refused form): say so,
          // keep the answer here and try again, ever less often. Only a request that never got through is "offline".
          errorBox.textContent = data.error || root.dataset.msgRefused;
          errorBox.classList.remove("d-none");
          setStatus("refused");
          retryLater();
        }
      });
    }).catch(function () {
      inFlight = false;
      flying = null;
      settled(keys[0], JSON.stringify(body));  // it never got through, or went with the connection: sent again
      offline();
    });
  }

  // An answer is pending from the moment it is given: kept on the device at once, sent now (a choice) or once
  // typing pauses (an essay; sooner if anything else is sent meanwhile, or the page is left).
  var edited = {};  // positions answered on this page (not only kept from before)
  function hold(fieldset) {
    var body = payloadFor(fieldset);
    var key = String(body.question);
    // When it was last edited, by the server's clock (as a revision, microseconds): a copy kept on the device is
    // dropped on reload only for an answer saved elsewhere after it.
    since[key] = Math.max(known, Math.floor(serverTime()) * 1000);
    edited[key] = true;
    pending[key] = body;
    remember();
    if (!inFlight) setStatus("unsaved");
  }

  function queue(fieldset) {
    hold(fieldset);
    flush();
  }

  // Leaving the page (reload, a link, closing the tab, another app on a phone): send whatever is pending with
  // keepalive, so that it reaches the server even as the page goes. It stays pending (and on the device) until a
  // save answers; the page that opens next sends what the server still lacks.
  function sendOnLeaving() {
    Object.keys(pending).forEach(function (key) {
      var body = pending[key];
      if (reconciling && !edited[key]) return;  // a copy from before: the next page checks it first
      // The save in flight for this question: sent already if it is this body; if not, this newer body may reach
      // the server first, so its reply must not call it saved (the page sends it again after the older one).
      var racing = flying !== null && flying.key === key;
      if (racing && flying.body === JSON.stringify(body)) return;
      sending(key, JSON.stringify(body));
      try {
        fetch(url, {
          method: "POST",
          keepalive: true,
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(body)
        }).then(function (response) {
          settled(key, JSON.stringify(body));
          if (response.ok && !racing && JSON.stringify(pending[key]) === JSON.stringify(body)) {
            drop(key);
            remember();
            flush();
          }
        }).catch(function () { settled(key, JSON.stringify(body)); /* still pending: sent again later */ });
      } catch (e) { settled(key, JSON.stringify(body)); /* never sent: still pending */ }
    });
  }

  var typingTimers = {};
  document.querySelectorAll("#exam fieldset.question").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { queue(fieldset); });
    var area = fieldset.querySelector("textarea");
    if (area) {
      area.addEventListener("input", function () {
        hold(fieldset);
        clearTimeout(typingTimers[fieldset.dataset.question]);
        typingTimers[fieldset.dataset.question] = setTimeout(flush, 800);
      });
    }
  });
  window.addEventListener("online", function () { retryDelay = 3000; flush(); });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && isPending()) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pagehide", sendOnLeaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") sendOnLeaving();
    else readSaved(false);
  });
  // Back to this window, and every half minute: has another tab or device saved since?
  window.addEventListener("focus", function () { readSaved(false); });
  setInterval(function () { if (!document.hidden) readSaved(false); }, 30000);

  // At time-up, once nothing is pending (saved, or refused past the grace), the page submits as the button does;
  // offline, it says so and tries again. The server submits once, whoever comes first (the minute's job too).
  // A submit the server answered with an error goes to the result page (the attempt's page while it is open; the
  // minute's job submits it anyway), and the page that opens waits a minute before it tries again.
  var failedKey = "bcm-exam-submit-failed-" + root.dataset.attempt;
  var submitDelay = 3000;
  function submitAtTimeUp() {
    if (submitting || isPending()) return;
    var failed = 0;
    try { failed = Number(sessionStorage.getItem(failedKey)) || 0; } catch (e) { /* private mode */ }
    var wait = failed + 60000 - Date.now();
    if (wait > 0 && wait <= 60000) { setTimeout(submitAtTimeUp, wait); return; }
    submitting = true;
    var form = new URLSearchParams();
    form.set("csrfmiddlewaretoken", csrfToken());
    form.set("time_up", "1");
    fetch(submitUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",  // the result page that follows shows the server's message: not read here first
      headers: { "X-CSRFToken": csrfToken() },
      body: form
    }).then(function (response) {
      if (response.type !== "opaqueredirect" && !response.ok) {
        try { sessionStorage.setItem(failedKey, String(Date.now())); } catch (e) { /* private mode */ }
      }
      location.assign(resultUrl);
    }, function () {  // the request never got through: offline; try again, ever less often
      submitting = false;
      errorBox.textContent = root.dataset.msgSubmitOffline;
      errorBox.classList.remove("d-none");
      setTimeout(submitAtTimeUp, submitDelay);
      submitDelay = Math.min(submitDelay * 2, 60000);
    });
  }

  var countdown = document.getElementById("countdown");
  function tick() {
    var left = Math.max(0, Math.floor((deadline - serverTime()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    countdown.dataset.secondsLeft = String(left);
    // Shown as 0 for up to a second first: both epochs are whole seconds, so the server's deadline is reached by
    // then and its clock, not this one, ends the exam (a time-up it finds early is refused).
    if (deadline - serverTime() <= 0 && !timeUp) {
      timeUp = true;
      errorBox.textContent = root.dataset.msgTimeUp;
      errorBox.classList.remove("d-none");
      document.querySelectorAll("#exam-form input, #exam-form textarea").forEach(function (el) { el.disabled = true; });
      Object.keys(typingTimers).forEach(function (key) { clearTimeout(typingTimers[key]); });
      if (isPending()) flush(); else submitAtTimeUp();
    }
  }
  if (restored) {
    Object.keys(pending).forEach(function (key) { show(key, pending[key]); });
    setStatus("unsaved");
    reconciling = true;
    readSaved(true);
  } else {
    flush();
  }
  tick();
  setInterval(tick, 1000);
})();
