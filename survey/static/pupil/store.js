/* Trivsel pupil tablet: the local copy of the current pupil's answers and the outbox.
 *
 * Every answer goes to localStorage first and then to the server. Calls that fail for want of
 * network wait in the outbox and are retried with back-off; the server saves idempotently per
 * response id and item, so a retry can never store an answer twice. When the server confirms
 * a call it leaves the outbox, so a submitted pupil leaves nothing behind on the tablet.
 */
(function () {
  "use strict";

  var KEY = "trivsel.pupil";
  var MAX_DELAY = 30000;
  var memory = null;
  var listeners = [];
  var sending = false;
  var failures = 0;
  var timer = null;

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : "";
  }

  function read() {
    var state = null;
    try {
      state = JSON.parse(window.localStorage.getItem(KEY) || "null");
    } catch (error) {
      state = memory;
    }
    if (!state || typeof state !== "object") state = {};
    if (!Array.isArray(state.outbox)) state.outbox = [];
    if (!state.seq) state.seq = 0;
    if (state.current === undefined) state.current = null;
    return state;
  }

  function write(state) {
    memory = state;
    try {
      if (!state.current && state.outbox.length === 0) window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (error) {
      /* private mode or full: the in-memory copy still carries this page */
    }
    notify();
  }

  function notify() {
    var state = read();
    var status = { pending: state.outbox.length, failing: failures > 0, outbox: state.outbox };
    listeners.forEach(function (listener) { listener(status); });
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* Put a call in the outbox; a newer call with the same key replaces the older one. */
  function enqueue(key, method, url, body) {
    var state = read();
    state.seq += 1;
    var op = { key: key, method: method, url: url, body: body, seq: state.seq };
    var at = -1;
    state.outbox.forEach(function (queued, index) { if (queued.key === key) at = index; });
    if (at >= 0) state.outbox[at] = op;
    else state.outbox.push(op);
    write(state);
    send();
  }

  function settle(op) {
    var state = read();
    state.outbox = state.outbox.filter(function (queued) {
      return !(queued.key === op.key && queued.seq === op.seq);
    });
    write(state);
  }

  function isFinal(status) {
    /* 422: the server will never take this call (a closed round, a submitted response). */
    return (status >= 200 && status < 300) || status === 404 || status === 405 ||
      status === 413 || status === 422;
  }

  function retryLater() {
    failures += 1;
    sending = false;
    notify();
    var delay = Math.min(MAX_DELAY, 1000 * Math.pow(2, failures - 1));
    clearTimeout(timer);
    timer = setTimeout(send, delay + Math.floor(Math.random() * 500));
  }

  function send() {
    if (sending) return;
    var op = read().outbox[0];
    if (!op) return;
    sending = true;
    window.fetch(op.url, {
      method: op.method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta("csrf-token") },
      body: JSON.stringify(op.body)
    }).then(function (response) {
      if (!isFinal(response.status)) return retryLater();
      if (!response.ok && window.console) window.console.warn("Trivsel: not saved", op.key);
      failures = 0;
      sending = false;
      settle(op);
      send();
    }, retryLater);
  }

  function api(path) {
    return meta("pupil-api") + path;
  }

  window.Trivsel = window.Trivsel || {};
  window.Trivsel.store = {
    current: function () { return read().current; },
    setCurrent: function (current) {
      var state = read();
      state.current = current;
      write(state);
    },
    newClientId: newClientId,
    saveAnswer: function (current, itemId, answer) {
      var body = { class_token: current.classToken, language: current.lang };
      Object.keys(answer).forEach(function (name) { body[name] = answer[name]; });
      var path = "/responses/" + current.clientId + "/answers/" + encodeURIComponent(itemId);
      enqueue(current.clientId + "|" + itemId, "PUT", api(path), body);
    },
    submit: function (current) {
      var body = { class_token: current.classToken, language: current.lang };
      if (current.card) body.card = current.card;
      enqueue(current.clientId + "|submit", "POST",
        api("/responses/" + current.clientId + "/submit"), body);
    },
    /* Forget a pupil who left without sending: their queued calls go, sent ones stay sent. */
    discard: function (clientId) {
      var state = read();
      state.outbox = state.outbox.filter(function (op) {
        return op.key.indexOf(clientId + "|") !== 0;
      });
      if (state.current && state.current.clientId === clientId) state.current = null;
      write(state);
    },
    isSent: function (clientId) {
      return !read().outbox.some(function (op) { return op.key.indexOf(clientId + "|") === 0; });
    },
    onChange: function (listener) { listeners.push(listener); listener({
      pending: read().outbox.length, failing: false, outbox: read().outbox
    }); },
    send: function () { failures = 0; clearTimeout(timer); send(); }
  };

  window.addEventListener("online", function () { window.Trivsel.store.send(); });
  window.addEventListener("storage", notify);
  send();
})();
