// The signup form: tells whether the site name is free while it is typed (GET /signup/name-available).
"use strict";
(function () {
  var input = document.getElementById("name");
  var out = document.getElementById("name-availability");
  if (!input || !out || !window.fetch) {
    return;
  }
  var rule = /^[a-z][a-z0-9-]{2,30}$/;
  var timer = null;
  var asked = "";
  function check() {
    var name = input.value.trim().toLowerCase();
    asked = name;
    if (name === "") {
      out.textContent = "";
      return;
    }
    if (!rule.test(name) || name.charAt(name.length - 1) === "-") {
      out.textContent = "Not a valid site name yet.";
      return;
    }
    fetch("/signup/name-available?name=" + encodeURIComponent(name), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (answer === null || asked !== name) {
          return;
        }
        out.textContent = answer.available ? "\u201c" + name + "\u201d is available." : "\u201c" + name
          + "\u201d is taken; choose another or leave it empty.";
      })
      .catch(function () { out.textContent = ""; });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
