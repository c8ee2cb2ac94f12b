// The on-screen PIN keypad of 「マイナンバーカードで入力する」: digits go into the password field, nothing else.
// The PIN is never shown, spoken, stored or sent anywhere but in the one form post.
(function () {
  "use strict";
  var form = document.querySelector("form.card-form");
  if (!form) { return; }
  var field = form.querySelector("input[name=pin]");
  var keypad = form.querySelector(".keypad");
  var count = form.querySelector(".keypad__count");
  var template = count ? count.dataset.template : "";
  keypad.hidden = false;
  if (count) { count.hidden = false; }
  field.readOnly = true; // the keypad types; the tablet's own keyboard stays closed
  field.setAttribute("inputmode", "none");

  function show() {
    if (count) { count.textContent = template.replace("{count}", String(field.value.length)); }
  }
  keypad.addEventListener("click", function (event) {
    var key = event.target.closest("button");
    if (!key) { return; }
    if (key.hasAttribute("data-clear")) {
      field.value = "";
    } else if (key.hasAttribute("data-backspace")) {
      field.value = field.value.slice(0, -1);
    } else if (key.dataset.digit && field.value.length < 4) {
      field.value += key.dataset.digit;
    }
    show();
  });
  form.addEventListener("submit", function () {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  });
  // Leaving the page (or the idle reset) must not leave digits in the field for the back-forward cache.
  window.addEventListener("pagehide", function () { field.value = ""; });
  show();
})();
