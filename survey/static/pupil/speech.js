/* Read-aloud with the browser's own speech synthesis, in the pupil's language.
 *
 * A read-aloud button is shown only when the device has a voice for the language; otherwise it
 * stays hidden rather than reading Arabic with a Norwegian voice, or nothing at all.
 */
(function () {
  "use strict";

  /* Voices to accept for a language, best first (nynorsk is read by a Norwegian voice). */
  var ALIASES = { nb: ["nb", "no", "nn"], nn: ["nn", "nb", "no"], no: ["no", "nb"] };

  function synth() {
    return window.speechSynthesis || null;
  }

  function voiceFor(lang) {
    var engine = synth();
    if (!engine || !window.SpeechSynthesisUtterance || !lang) return null;
    var wanted = ALIASES[lang] || [lang];
    var voices = engine.getVoices() || [];
    for (var i = 0; i < wanted.length; i += 1) {
      for (var j = 0; j < voices.length; j += 1) {
        var code = String(voices[j].lang || "").toLowerCase().replace("_", "-").split("-")[0];
        if (code === wanted[i]) return voices[j];
      }
    }
    return null;
  }

  function textOf(element) {
    var parts = [];
    element.querySelectorAll("[data-read]").forEach(function (part) {
      if (!part.hidden && part.textContent.trim()) parts.push(part.textContent.trim());
    });
    return parts.join(". ");
  }

  function speak(text, lang) {
    var engine = synth();
    var voice = voiceFor(lang);
    if (!engine || !voice || !text) return;
    engine.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9;
    engine.speak(utterance);
  }

  /* Show or hide every read-aloud button in `root` for the language of its screen. */
  function refresh(root) {
    (root || document).querySelectorAll("[data-read-aloud]").forEach(function (button) {
      var screen = button.closest("[data-read-lang]");
      button.hidden = !screen || !voiceFor(screen.getAttribute("data-read-lang"));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-read-aloud]") : null;
    if (!button) return;
    var screen = button.closest("[data-read-lang]");
    if (screen) speak(textOf(screen), screen.getAttribute("data-read-lang"));
  });

  if (synth() && synth().addEventListener) {
    synth().addEventListener("voiceschanged", function () { refresh(document); });
  }

  window.Trivsel = window.Trivsel || {};
  window.Trivsel.speech = {
    refresh: refresh,
    stop: function () { if (synth()) synth().cancel(); }
  };
  refresh(document);
})();
