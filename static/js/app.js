// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var html = document.documentElement;
  var body = document.body;

  // htmx 2 writes the current path to sessionStorage on every page load, even with its history cache off.
  // Nothing of a resident may stay in the browser (not even which event they looked at): remove it.
  function forgetHtmxPath() {
    try { window.sessionStorage.removeItem("htmx-current-path-for-history"); } catch (ignored) { /* no storage */ }
  }
  forgetHtmxPath();
  document.addEventListener("htmx:afterSettle", forgetHtmxPath);

  // Print buttons (no inline handlers: the Content-Security-Policy forbids them).
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { window.print(); }
  });

  // Resume codes arrive in the URL fragment (from the QR code), which never reaches the server: fill the field
  // and remove the code from the address bar and history.
  var codeField = document.getElementById("code");
  if (codeField && window.location.hash.indexOf("#code=") === 0) {
    codeField.value = decodeURIComponent(window.location.hash.slice(6)).replace(/[^0-9A-Za-z-]/g, "");
    window.history.replaceState(null, "", window.location.pathname);
  }

  // Error summary: move focus to it so screen readers announce the problem (GOV.UK pattern). Otherwise each new page
  // starts at its heading, so that the first Tab reaches the first answer (not the toolbar again). Not when the
  // address names a place on the page (#item-…), something already has focus, or a field asks for it (autofocus:
  // the clerk's scan field, where a USB scanner types).
  var summary = document.getElementById("error-summary");
  var heading = document.querySelector("main h1");
  if (summary) {
    summary.focus();
  } else if (heading && !window.location.hash && !document.querySelector("[autofocus]") &&
             (document.activeElement === body || document.activeElement === null)) {
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    heading.focus({ preventScroll: true });
  }

  // Toolbar menus (<details>): one open at a time; Escape or a tap elsewhere closes them.
  function closeMenus(except) {
    document.querySelectorAll("details.toolbar__menu[open]").forEach(function (menu) {
      if (menu !== except) { menu.open = false; }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details.toolbar__menu") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("details.toolbar__menu[open]") : null;
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });

  // Exclusive checkboxes (「ない」「わからない」) clear the others, and the others clear them.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][name=answer]") || !box.checked) { return; }
    var group = box.closest("fieldset");
    if (!group) { return; }
    group.querySelectorAll("input[type=checkbox][name=answer]").forEach(function (other) {
      if (other === box) { return; }
      if (box.dataset.exclusive === "true" || other.dataset.exclusive === "true") { other.checked = false; }
    });
  });

  // htmx: busy state while a request runs, and focus never falls back to <body> after a swap.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.setAttribute) { target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.removeAttribute) { target.removeAttribute("aria-busy"); }
    var element = event.detail.elt;
    if (document.activeElement === body || document.activeElement === null) {
      var toggle = element && element.id && element.id.indexOf("item-") === 0
        ? document.getElementById("toggle-" + element.id.slice(5)) : null;
      (toggle || document.getElementById("main")).focus();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target && target.removeAttribute) { target.removeAttribute("aria-busy"); }
  });

  // Kiosk: warn after a period without input, then reset so nothing of a resident stays on the tablet.
  if (html.dataset.mode !== "kiosk") { return; }
  var dialog = document.getElementById("idle-dialog");
  var form = document.getElementById("idle-reset-form");
  if (!dialog || !form) { return; }
  var idleSeconds = parseInt(body.dataset.idleSeconds, 10) || 90;
  var countdownSeconds = parseInt(body.dataset.idleCountdown, 10) || 60;
  var remainingLabel = document.getElementById("idle-remaining");
  var template = remainingLabel.dataset.template;
  var idleTimer = null;
  var countdownTimer = null;
  var remaining = countdownSeconds;

  function startIdleTimer() {
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(showWarning, idleSeconds * 1000);
  }
  function showWarning() {
    remaining = countdownSeconds;
    remainingLabel.textContent = template.replace("{seconds}", String(remaining));
    if (!dialog.open) { dialog.showModal(); }
    document.getElementById("idle-continue").focus();
    document.dispatchEvent(new CustomEvent("kiosk:idle-warning"));
    countdownTimer = window.setInterval(function () {
      remaining -= 1;
      if (remaining <= 10 || remaining % 10 === 0) {
        remainingLabel.textContent = template.replace("{seconds}", String(Math.max(remaining, 0)));
      }
      if (remaining <= 0) {
        window.clearInterval(countdownTimer);
        form.submit();
      }
    }, 1000);
  }
  function keepGoing() {
    window.clearInterval(countdownTimer);
    if (dialog.open) { dialog.close(); }
    startIdleTimer();
  }
  document.getElementById("idle-continue").addEventListener("click", keepGoing);
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); keepGoing(); });
  ["pointerdown", "keydown", "touchstart", "input"].forEach(function (name) {
    document.addEventListener(name, function () { if (!dialog.open) { startIdleTimer(); } }, { passive: true });
  });
  // A page restored from the back-forward cache after a reset must not show a resident's answers.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { window.location.reload(); } });
  startIdleTimer();
})();
