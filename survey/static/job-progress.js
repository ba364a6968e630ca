// A job's progress page (exports, letters) asks for the job's status every second and updates the bar in place.
(function () {
  "use strict";
  var box = document.getElementById("job-box");
  var texts = document.getElementById("job-texts");
  if (!box || !texts || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var rows = document.getElementById("job-rows");
  var state = document.getElementById("job-state");
  var download = document.getElementById("job-download");
  var timer = null;
  function show(status) {
    bar.max = Math.max(1, status.rows_total);
    bar.value = status.rows_done;
    rows.textContent = status.rows_done + " " + texts.getAttribute("data-of") + " " + status.rows_total;
    var word = status.is_ready ? "done" : status.state;
    if (texts.hasAttribute("data-" + word)) { state.textContent = texts.getAttribute("data-" + word); }
    if (status.is_ready) {
      download.querySelector("a").setAttribute("href", status.download_url);
      download.hidden = false;
    }
    if (status.is_ready || status.state === "failed") { window.clearInterval(timer); }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok && !response.redirected ? response.json() : null; })
      .then(function (status) { if (status) { show(status); } })
      .catch(function () { /* try again at the next tick */ });
  }
  timer = window.setInterval(poll, 1000);
}());
