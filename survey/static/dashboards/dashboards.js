// Draws every chart on a dashboard page from the JSON block next to it. No inline script:
// the figures arrive as <script type="application/json"> data and are drawn from here.
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var words = document.getElementById("plotly-locale");
  var locale = document.documentElement.lang || "nb";
  if (words) {
    window.Plotly.register({
      moduleType: "locale",
      name: locale,
      dictionary: JSON.parse(words.textContent),
      format: {}
    });
  }
  var boxes = document.querySelectorAll("[data-figure]");
  Array.prototype.forEach.call(boxes, function (box) {
    var figure = JSON.parse(document.getElementById(box.getAttribute("data-figure")).textContent);
    window.Plotly.newPlot(box, figure.data, figure.layout, {
      locale: locale,
      responsive: true,
      displaylogo: false,
      displayModeBar: true,
      modeBarButtons: [["toImage"]],
      toImageButtonOptions: { format: "png", filename: box.getAttribute("data-filename"), scale: 2 }
    }).then(function () { box.setAttribute("data-drawn", "true"); });
  });

  // Printing: redraw every chart at the width of an A4 page (182 mm at 96 px per inch), so
  // none is cut off, and give it back its own width afterwards. Chromium fires beforeprint on
  // Ctrl+P; the media query also catches a print started without it (a headless page.pdf()).
  var PRINT_WIDTH = 680;
  function sizeForPrint(printing) {
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.getAttribute("data-drawn") !== "true") { return; }
      if (printing) {
        window.Plotly.relayout(box, { width: PRINT_WIDTH, autosize: false });
      } else {
        window.Plotly.relayout(box, { width: null, autosize: true });
      }
    });
  }
  window.addEventListener("beforeprint", function () { sizeForPrint(true); });
  window.addEventListener("afterprint", function () { sizeForPrint(false); });
  var printMedia = window.matchMedia ? window.matchMedia("print") : null;
  if (printMedia && printMedia.addEventListener) {
    printMedia.addEventListener("change", function (event) { sizeForPrint(event.matches); });
  }

  // The language links keep the page's filters (they only say ?lang=xx by themselves).
  var links = document.querySelectorAll(".language-switch a[href^='?lang=']");
  Array.prototype.forEach.call(links, function (link) {
    var params = new URLSearchParams(window.location.search);
    params.set("lang", link.getAttribute("href").slice("?lang=".length));
    link.setAttribute("href", "?" + params.toString());
  });
}());
