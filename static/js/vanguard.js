/* Page behaviour without inline scripts (the Content-Security-Policy allows none):
   templates declare what they need with data attributes, this file wires it up, for the
   first page and for every part htmx swaps in. */
(function () {
  "use strict";

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    root.querySelectorAll(selector).forEach(fn);
  }

  function init(root) {
    // Sizes computed on the server (progress bars, timeline bars, indents).
    each(root, "[data-width]", function (el) { el.style.width = el.dataset.width; });
    each(root, "[data-left]", function (el) { el.style.left = el.dataset.left; });
    each(root, "[data-indent]", function (el) {
      el.style.paddingLeft = el.dataset.indent + ".5rem";
      el.style.marginLeft = el.dataset.indent + "rem";
    });
    // A select or checkbox that submits its form when changed.
    each(root, "[data-autosubmit]", function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // A form that asks before it is sent.
    each(root, "form[data-confirm]", function (form) {
      if (form.dataset.wired) { return; }
      form.dataset.wired = "1";
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
    // A table wider than the screen scrolls inside its box: reachable by keyboard too.
    each(root, ".table-responsive", function (el) {
      if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) { el.tabIndex = 0; }
    });
    each(root, "[data-print]", function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("click", function () { window.print(); });
    });
    // "All …" buttons of a ballot (appraisal) and a roll call (study).
    each(root, "[data-grade-all]", function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        document.querySelectorAll('.ballot-row input[value="' + button.dataset.gradeAll + '"]')
          .forEach(function (input) { input.checked = true; });
      });
    });
    each(root, "[data-mark-all]", function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        document.querySelectorAll('#roll input[type=radio][value="' + button.dataset.markAll + '"]')
          .forEach(function (radio) { radio.checked = true; });
      });
    });
    // The quiz's countdown: submits the attempt when the time is up.
    each(root, "[data-countdown]", function (badge) {
      if (badge.dataset.wired) { return; }
      badge.dataset.wired = "1";
      var left = parseInt(badge.dataset.seconds, 10), sent = false;
      var form = document.getElementById(badge.dataset.countdown);
      (function tick() {
        var m = Math.floor(left / 60), s = left % 60;
        badge.textContent = m + ":" + (s < 10 ? "0" : "") + s;
        if (left <= 0 && !sent) { sent = true; form.submit(); return; }
        left -= 1;
        setTimeout(tick, 1000);
      })();
    });
  }

  /* Feedback on slow actions (issue 19): anything still working after half a second shows
     it — a bar across the top of the page, and the pressed button disabled with a spinner
     (a page load after a form is sent, an htmx request, a link marked data-busy). */
  var BUSY_DELAY = 500, busyTimer = null, busyBar = null;

  function showBusy(button) {
    if (!busyBar) {
      busyBar = document.createElement("div");
      busyBar.className = "busy-bar";
      busyBar.setAttribute("role", "status");
      busyBar.setAttribute("aria-live", "polite");
      document.body.appendChild(busyBar);
    }
    busyBar.textContent = document.documentElement.lang.indexOf("zh") === 0 ? "正在处理，请稍候…" : "Working…";
    busyBar.classList.add("on");
    document.body.setAttribute("aria-busy", "true");
    if (button && !button.disabled) {
      button.disabled = true;
      button.classList.add("is-busy");
    }
  }

  function hideBusy() {
    clearTimeout(busyTimer);
    busyTimer = null;
    if (busyBar) { busyBar.classList.remove("on"); }
    document.body.removeAttribute("aria-busy");
  }

  function busySoon(button, hideAfter) {
    clearTimeout(busyTimer);
    busyTimer = setTimeout(function () {
      showBusy(button);
      if (hideAfter) { setTimeout(hideBusy, hideAfter); }
    }, BUSY_DELAY);
  }

  // A form sent the ordinary way (not by htmx): the next page is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) { return; }
    if (form.target === "_blank") { return; }
    busySoon(event.submitter || form.querySelector("[type=submit]"), form.hasAttribute("data-download") ? 15000 : 0);
  });
  // A link to something slow (a PDF made on the spot): the file arrives without a new page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-busy]");
    if (link) { busySoon(null, 15000); }
  });
  document.addEventListener("htmx:beforeRequest", function () { busySoon(null, 0); });
  document.addEventListener("htmx:afterRequest", hideBusy);
  // Back to a page kept in the browser's cache: nothing is working any more.
  window.addEventListener("pageshow", function () {
    hideBusy();
    document.querySelectorAll(".is-busy").forEach(function (button) {
      button.disabled = false;
      button.classList.remove("is-busy");
    });
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
