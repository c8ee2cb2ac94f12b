// The hand-off page and its receipt (progressive enhancement: both work without this file).
(function () {
  "use strict";

  // The receipt: print as soon as it opens (the tablet's Chromium prints silently with --kiosk-printing), then go
  // back to the hand-off page, which keeps waiting for the number to be called.
  var receipt = document.querySelector("[data-autoprint]");
  if (receipt) {
    window.addEventListener("afterprint", function () { window.location.replace(receipt.dataset.return); });
    window.print();
    return;
  }

  // Read-aloud is "on" once the resident pressed 読み上げ (or もう一度) on this page, until they press 停止. When the
  // number is called meanwhile, the sentence that calls it is read too (the live region announces it anyway).
  var readAloudOn = false;
  var rate = "normal";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-speech], button[data-speech-rate]") : null;
    if (!button) { return; }
    if (button.dataset.speech === "play" || button.dataset.speech === "again") { readAloudOn = true; }
    if (button.dataset.speech === "stop") { readAloudOn = false; }
    if (button.dataset.speechRate) { rate = button.dataset.speechRate; }
  });

  function speakWithBrowser(text) {
    if (!window.speechSynthesis) { return; }
    var wanted = (document.documentElement.lang || "ja").split("-")[0].toLowerCase();  // the page's language
    var voice = window.speechSynthesis.getVoices().filter(function (candidate) {
      return candidate.lang && candidate.lang.toLowerCase().split(/[-_]/)[0] === wanted;
    })[0];
    if (!voice) { return; }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }

  // A page that opens already called shows the sentence; only a call that arrives while waiting is read out.
  Array.prototype.forEach.call(document.querySelectorAll("[data-handoff-announce]"), function (shown) {
    shown.setAttribute("data-spoken", "true");
  });

  document.addEventListener("htmx:afterSettle", function () {
    var announce = document.querySelector("[data-handoff-announce]:not([data-spoken])");
    if (!announce) { return; }
    announce.setAttribute("data-spoken", "true");
    if (!readAloudOn) { return; }
    var stop = document.querySelector("button[data-speech=stop]:not([hidden])");
    if (stop) { stop.click(); }  // whatever the page was reading
    readAloudOn = true;
    var audio = new Audio(announce.dataset.url + "?rate=" + rate + "&v=" + announce.dataset.tag);
    audio.addEventListener("error", function () { speakWithBrowser(announce.textContent); });
    audio.play().catch(function () { /* the error event handles failures */ });
  });
})();
