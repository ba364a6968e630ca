// The response monitor fetches fresh counts now and then and swaps them in place.
(function () {
  "use strict";
  var box = document.getElementById("monitor");
  if (!box || !window.fetch) { return; }
  var seconds = Math.max(2, parseInt(box.getAttribute("data-refresh-seconds"), 10) || 30);
  var url = box.getAttribute("data-refresh-url");
  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) { if (html !== null) { box.innerHTML = html; } })
      .catch(function () { /* try again at the next tick */ });
  }
  window.setInterval(refresh, seconds * 1000);
}());
