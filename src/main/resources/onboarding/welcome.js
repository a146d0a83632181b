// The welcome page: follows the signup's progress without reloading. Server-Sent Events first
// (/welcome/events); where they are missing or keep failing, polling /welcome/status instead.
"use strict";
(function () {
  var session = document.body.getAttribute("data-session") || "";
  if (!/^cs_(test|live)_[A-Za-z0-9]{10,250}$/.test(session)) {
    return;
  }
  var query = "?session_id=" + encodeURIComponent(session);
  var STATE_WORDS = { done: " (done)", current: " (in progress)", pending: " (to do)" };
  var TITLES = { ready: "Your site is ready", failed: "We could not finish your site", unavailable: "Your site" };
  var settled = false;

  function words(seconds) {
    if (seconds < 60) {
      return seconds + (seconds === 1 ? " second" : " seconds");
    }
    var min = Math.round(seconds / 60);
    return min + (min === 1 ? " minute" : " minutes");
  }

  function show(p) {
    var title = TITLES[p.phase] || "Setting up your site";
    document.getElementById("title").textContent = title;
    document.title = document.title.replace(/^[^\u2013]*/, title + " ");
    var bar = document.getElementById("progress");
    bar.max = p.total;
    bar.value = p.done;
    bar.textContent = p.done + " of " + p.total;
    document.getElementById("progress-text").textContent = p.done + " of " + p.total + " steps done";
    p.steps.forEach(function (s) {
      var li = document.querySelector('#steps li[data-key="' + s.key + '"]');
      if (!li || li.getAttribute("data-state") === s.state) {
        return;
      }
      li.setAttribute("data-state", s.state);
      if (s.state === "current") {
        li.setAttribute("aria-current", "step");
      } else {
        li.removeAttribute("aria-current");
      }
      li.querySelector(".state").textContent = STATE_WORDS[s.state] || "";
    });
    var message = document.getElementById("message");
    if (message.textContent !== p.message) {
      message.textContent = p.message;
    }
    message.className = "message" + (p.late ? " late" : "");
    var timing = "";
    if (p.elapsed_seconds !== null) {
      timing = (p.phase === "ready" ? "Took " : "Elapsed: ") + words(p.elapsed_seconds) + ".";
    }
    if (p.typical_remaining_seconds !== null) {
      timing += (timing ? " " : "") + "Usually about " + words(p.typical_remaining_seconds) + " more.";
    }
    document.getElementById("timing").textContent = timing;
    var note = document.getElementById("name-note");
    note.textContent = p.name_note || "";
    note.hidden = !p.name_note;
    var site = document.getElementById("site");
    if (p.site_url) {
      document.getElementById("site-link").href = p.site_url;
    }
    site.hidden = !p.site_url;
    if (p.phase === "ready" || p.phase === "failed" || p.phase === "unavailable") {
      settled = true;
    }
  }

  function poll() {
    if (settled) {
      return;
    }
    fetch("/welcome/status" + query, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (p) { show(p); } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { if (!settled) { setTimeout(poll, 3000); } });
  }

  document.body.setAttribute("data-live", "polling");
  if (!window.EventSource) {
    poll();
    return;
  }
  var failures = 0;
  var source = new EventSource("/welcome/events" + query);
  document.body.setAttribute("data-live", "events");
  source.addEventListener("progress", function (e) {
    failures = 0;
    show(JSON.parse(e.data));
  });
  source.addEventListener("end", function () {
    settled = true;
    source.close();
  });
  source.onerror = function () {
    failures++;
    // the browser reconnects by itself; a stream that keeps failing (a proxy that buffers, a 429)
    // is given up for polling
    if (source.readyState === EventSource.CLOSED || failures >= 3) {
      source.close();
      document.body.setAttribute("data-live", "polling");
      poll();
    }
  };
})();
