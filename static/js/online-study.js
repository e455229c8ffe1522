// 网络党校: the heartbeat of an online material's page (vanguard/study/online.py).
// A beat is sent every `data-online-interval` seconds only while the page is visible,
// has the focus and was used in the last two minutes (a video: while it plays); the
// server credits the real time between beats, capped, so a page left open earns nothing.
(function () {
  "use strict";
  var timer = document.getElementById("online-timer");
  if (!timer) { return; }
  var url = timer.dataset.onlineBeat;
  var interval = (parseInt(timer.dataset.onlineInterval, 10) || 30) * 1000;
  var video = timer.dataset.onlineVideo ? document.getElementById("online-video") : null;
  var idleLimit = 2 * 60 * 1000;
  var lastUse = Date.now();
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value ||
    (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  var headers = (document.body.getAttribute("hx-headers") || "");
  if (!csrf && headers) {
    try { csrf = JSON.parse(headers)["X-CSRFToken"] || ""; } catch (e) { csrf = ""; }
  }
  ["mousemove", "keydown", "scroll", "touchstart", "click"].forEach(function (name) {
    window.addEventListener(name, function () { lastUse = Date.now(); }, { passive: true });
  });

  function active() {
    if (document.visibilityState !== "visible" || !document.hasFocus()) { return false; }
    if (video) { return !video.paused && !video.ended; }
    return Date.now() - lastUse < idleLimit;
  }

  function show(data) {
    var clock = timer.querySelector("[data-online-clock]");
    var hours = timer.querySelector("[data-online-hours]");
    if (clock) { clock.textContent = data.clock; }
    if (hours) { hours.textContent = data.hours; }
  }

  // After a pause (hidden, idle, video stopped) the next beat restarts the clock, so the
  // pause itself is not credited.
  var paused = true;

  var inFlight = false;  // one beat at a time: a slow answer is not overtaken

  function beat() {
    if (inFlight) { return; }
    if (!active()) { paused = true; return; }
    var body = new URLSearchParams();
    if (paused) { body.set("start", "1"); }
    paused = false;
    inFlight = true;
    fetch(url, {
      body: body,
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) { if (data) { show(data); } }).catch(function () {})
      .then(function () { inFlight = false; });
  }

  // The first beat starts the server's clock; each later one is credited the time since.
  beat();
  window.setInterval(beat, interval);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { lastUse = Date.now(); beat(); } else { paused = true; }
  });
  if (video) { video.addEventListener("play", beat); }
})();
