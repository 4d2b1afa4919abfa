// Live alerts: a visual and (once enabled) audible cue when a new alert arrives.
// Written here; no third-party files. The tone is synthesised, not a sound file.
(function () {
  "use strict";
  var lastSeen = null;
  var soundOn = false;
  var audio = null;

  function beep() {
    if (!soundOn) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.35);
    } catch (e) { /* no audio on this device */ }
  }

  function check() {
    var feed = document.querySelector("#alert-feed .feed");
    if (!feed) return;
    var newest = parseInt(feed.getAttribute("data-newest") || "0", 10);
    if (lastSeen !== null && newest > lastSeen) {
      feed.querySelectorAll("[data-hit]").forEach(function (row) {
        if (parseInt(row.getAttribute("data-hit"), 10) > lastSeen) row.classList.add("new");
      });
      beep();
    }
    lastSeen = newest;
  }

  document.addEventListener("DOMContentLoaded", function () {
    check();
    var toggle = document.getElementById("sound-toggle");
    if (toggle) toggle.addEventListener("click", function () {
      soundOn = !soundOn;
      toggle.textContent = soundOn ? "Sound on" : "Enable sound";
      beep();
    });
  });
  document.body.addEventListener("htmx:afterSwap", check);

  // Issue 23: the feed answers 304 when nothing changed since the tag it last gave
  // (alpr/views/hits.py alerts_feed). The browser stores nothing (no-store), so the
  // page sends the tag back itself and keeps what is on screen on a 304.
  var feedTag = null;
  function isFeed(elt) { return elt && elt.id === "alert-feed"; }
  document.body.addEventListener("htmx:configRequest", function (evt) {
    if (isFeed(evt.detail.elt) && feedTag) evt.detail.headers["If-None-Match"] = feedTag;
  });
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    if (!isFeed(evt.detail.elt)) return;
    if (evt.detail.xhr.status === 304) { evt.detail.shouldSwap = false; evt.detail.isError = false; return; }
    var tag = evt.detail.xhr.getResponseHeader("ETag");
    if (tag) feedTag = tag;
  });
})();
