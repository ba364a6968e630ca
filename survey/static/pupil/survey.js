/* Trivsel pupil tablet: every screen after the intro, drawn from data the page brought along.
 *
 * The questions come once, with the page; moving between them asks nothing of the server.
 * The markup of each screen is in <template> elements, already translated by the server.
 */
(function () {
  "use strict";

  var store = window.Trivsel.store;
  var speech = window.Trivsel.speech;
  var dataBlock = document.getElementById("survey-data");
  var root = document.getElementById("screen");
  if (!dataBlock || !root) return;

  var data = JSON.parse(dataBlock.textContent);
  var items = data.items;
  var intro = root.firstElementChild.cloneNode(true);
  var baseTitle = document.title;
  var current = null;
  var lastClientId = null;
  var idle = data.idle || { seconds: 180, graceSeconds: 30 };
  var lastTouch = Date.now();
  var asking = null;

  function template(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function fill(screen, name, text) {
    var element = screen.querySelector('[data-fill="' + name + '"]');
    if (!element) return null;
    element.textContent = text || "";
    element.hidden = !text;
    return element;
  }

  function render(screen, title) {
    speech.stop();
    root.replaceChildren(screen);
    document.title = title ? title + " – " + baseTitle : baseTitle;
    speech.refresh(root);
    var heading = screen.querySelector("h1");
    if (heading) heading.focus();
    window.scrollTo(0, 0);
  }

  function remember() {
    current.touchedAt = Date.now();
    store.setCurrent(current);
  }

  function begin(card) {
    current = {
      clientId: store.newClientId(), classToken: data.classToken, instrument: data.instrument,
      lang: data.lang, index: 0, answers: {}, card: card || null
    };
    show(0);
  }

  /* Panel mode: the card code's check character, as survey/panel/cards.py computes it. Only
     a well-formed code is taken; whether it was issued is never asked of the server here. */
  var CARD_ALPHABET = "ACDEFHJKLMNPRTUWXY34679";

  function normaliseCard(typed) {
    return typed.toUpperCase().replace(/[\s\-\u2010-\u2013]/g, "");
  }

  function cardIsWellFormed(code) {
    if (code.length !== 8) return false;
    var total = 0;
    for (var i = 0; i < code.length; i += 1) {
      var value = CARD_ALPHABET.indexOf(code.charAt(i));
      if (value < 0) return false;
      total += (i + 1) * value;
    }
    return total % CARD_ALPHABET.length === 0;
  }

  function startWithCard(form) {
    var input = form.querySelector("input[name=card]");
    var error = form.querySelector("[data-card-error]");
    var code = normaliseCard(input.value);
    if (!cardIsWellFormed(code)) {
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "card-help card-error");
      input.focus();
      input.select();
      return;
    }
    begin(code);
  }

  function show(index) {
    current.index = Math.max(0, Math.min(index, items.length));
    remember();
    if (current.index < items.length) showQuestion(current.index);
    else showFinish();
  }

  function progressText(screen, number) {
    var bar = screen.querySelector("progress");
    bar.max = items.length;
    bar.value = number;
    var label = screen.querySelector('[data-fill="progress"]');
    label.textContent = label.getAttribute("data-pattern")
      .replace("{number}", number).replace("{total}", items.length);
    return label.textContent;
  }

  function showQuestion(index) {
    var item = items[index];
    var screen = template("tpl-question");
    var title = progressText(screen, index + 1);
    fill(screen, "text", item.text);
    fill(screen, "help", item.help);
    var slot = screen.querySelector("[data-slot]");
    var answer = current.answers[item.id] || {};
    if (item.kind === "text") {
      var box = template("tpl-text");
      slot.replaceChildren(box);
      var area = box.querySelector("textarea");
      area.value = answer.text || "";
      area.addEventListener("change", function () { saveText(item, area.value); });
    } else {
      slot.replaceChildren(template("tpl-scale-" + item.scale));
      var chosen = answer.declined ? "declined" : String(answer.value);
      slot.querySelectorAll('input[type="radio"]').forEach(function (input) {
        input.checked = input.value === chosen;
        input.addEventListener("change", function () { choose(item, input.value); });
      });
    }
    screen.querySelector('[data-nav="back"]').hidden = index === 0;
    render(screen, title);
  }

  function choose(item, value) {
    var answer = value === "declined" ? { declined: true } : { value: parseInt(value, 10) };
    current.answers[item.id] = answer;
    remember();
    store.saveAnswer(current, item.id, answer);
  }

  /* Characters no pupil can see: control codes and bidirectional overrides. The server refuses
     text that holds them (survey/wellformed.py), so they are taken out before it is queued. */
  var HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

  function saveText(item, text) {
    var trimmed = text.replace(HIDDEN, "").trim();
    var before = (current.answers[item.id] || {}).text || "";
    if (!trimmed || trimmed === before) return;
    current.answers[item.id] = { text: trimmed };
    remember();
    store.saveAnswer(current, item.id, { text: trimmed });
  }

  function showFinish() {
    render(template("tpl-finish"));
  }

  function submit(button) {
    if (!current || button.disabled) return;
    button.disabled = true;
    store.submit(current);
    lastClientId = current.clientId;
    current = null;
    store.setCurrent(null);
    showThanks();
  }

  function showThanks() {
    render(template("tpl-thanks"));
    updateThanks();
  }

  function updateThanks(status) {
    var screen = root.querySelector("[data-thanks]");
    if (!screen || !lastClientId) return;
    var state = store.isSent(lastClientId) ? "sent" : (status && status.failing ? "waiting" : "sending");
    screen.querySelectorAll("[data-status]").forEach(function (line) {
      line.hidden = line.getAttribute("data-status") !== state;
    });
  }

  function showIntro() {
    lastClientId = null;
    render(blankIntro());
  }

  /* A clone keeps what was typed into an input (the HTML cloning steps copy its value), so
     the next pupil's intro is emptied of the card code explicitly. */
  function blankIntro() {
    var screen = intro.cloneNode(true);
    var card = screen.querySelector("input[name=card]");
    if (card) {
      card.value = "";
      card.removeAttribute("aria-invalid");
      card.setAttribute("aria-describedby", "card-help");
      screen.querySelector("[data-card-error]").hidden = true;
    }
    return screen;
  }

  /* The shared tablet: a pupil who stops touching it is asked «Er du fortsatt her?», and when
     nobody answers, forgotten. Their answers leave the screen, the page's memory and the
     tablet's storage; only calls already queued for a sent response stay in the outbox. */
  function touched() {
    if (asking) return;
    lastTouch = Date.now();
    if (current && lastTouch - (current.touchedAt || 0) > 5000) remember();
  }

  function askStillHere() {
    asking = template("tpl-still-here");
    document.body.appendChild(asking);
    asking.querySelector("[data-still-here]").addEventListener("click", function () {
      closeQuestion();
      touched();
    });
    asking.querySelector("h2").focus();
  }

  function closeQuestion() {
    if (asking) asking.remove();
    asking = null;
  }

  function forgetThePupil() {
    closeQuestion();
    if (current) store.discard(current.clientId);
    current = null;
    showIntro();
  }

  function checkIdle() {
    var quiet = (Date.now() - lastTouch) / 1000;
    var typedCard = root.querySelector("input[name=card]");
    if (!current && !lastClientId && typedCard && typedCard.value) {
      if (quiet >= idle.seconds) showIntro();  /* a card code typed and left: not for the next */
    } else if (!current && !lastClientId) {
      lastTouch = Date.now();  /* the intro: nothing of anyone to forget */
    } else if (!current) {
      if (quiet >= idle.seconds) showIntro();  /* thanks shown, nothing readable: go on */
    } else if (!asking && quiet >= idle.seconds) {
      askStillHere();
    } else if (asking && quiet >= idle.seconds + idle.graceSeconds) {
      forgetThePupil();
    }
  }

  ["pointerdown", "touchstart", "keydown", "input", "wheel"].forEach(function (name) {
    document.addEventListener(name, touched, { capture: true, passive: true });
  });
  window.setInterval(checkIdle, 1000);
  window.addEventListener("pageshow", checkIdle);

  root.addEventListener("submit", function (event) {
    if (event.target.matches("[data-start]")) {
      event.preventDefault();
      if (data.panel) startWithCard(event.target);
      else begin();
    }
  });

  root.addEventListener("click", function (event) {
    var control = event.target.closest("[data-nav]");
    if (!control) return;
    event.preventDefault();
    var action = control.getAttribute("data-nav");
    if (action === "next") {
      var area = root.querySelector("textarea");
      if (area && current) saveText(items[current.index], area.value);
      show(current.index + 1);
    } else if (action === "back") {
      show(current.index - 1);
    } else if (action === "submit") {
      submit(control);
    } else if (action === "next-pupil") {
      showIntro();
    }
  });

  var status = document.querySelector("[data-sync-status]");
  store.onChange(function (change) {
    if (status) status.hidden = !(change.failing && change.pending > 0);
    updateThanks(change);
  });

  var saved = store.current();
  var forgotten = (idle.seconds + idle.graceSeconds) * 1000;
  if (saved && !(Date.now() - (saved.touchedAt || 0) < forgotten)) {
    store.discard(saved.clientId);  /* left long ago, maybe before a reload: never shown again */
    saved = null;
  }
  if (saved && saved.classToken === data.classToken && saved.instrument === data.instrument) {
    current = saved;
    show(saved.index);
  } else if (saved) {
    store.setCurrent(null);  /* another class's pupil: what was unsent is still in the outbox */
  }
})();
