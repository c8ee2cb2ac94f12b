// Read-aloud on the kiosk. Never starts by itself; plays the page's sentences one after another; stops on
// every navigation. Server audio first (correct kana readings); the browser's speechSynthesis with a
// Japanese voice if the server cannot speak; if neither works, the controls are hidden and staff are told.
(function () {
  "use strict";
  var list = document.getElementById("speech-items");
  var controls = document.getElementById("speech-controls");
  if (!list || !controls) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll("li"));
  // The controls are rendered hidden (they need this script); show them now.
  var parts = Array.prototype.slice.call(document.querySelectorAll("[data-speech-control]"));
  parts.forEach(function (part) { part.hidden = false; });
  var playButton = controls.querySelector("[data-speech=play]");
  var stopButton = controls.querySelector("[data-speech=stop]");
  var clipBase = list.dataset.url.replace(/0$/, "");
  var rate = "normal";
  var audio = null;
  var position = 0;
  var playing = false;
  var useBrowser = false;

  function live(message) {
    var region = document.getElementById("live");
    if (region) { region.textContent = message; }
  }
  // 読み上げ and 停止 share one place in the toolbar: 停止 while playing, 読み上げ otherwise.
  function showPlaying(on) {
    if (!playButton || !stopButton) { return; }
    var focused = document.activeElement === playButton || document.activeElement === stopButton;
    playButton.hidden = on;
    stopButton.hidden = !on;
    if (focused) { (on ? stopButton : playButton).focus(); }
  }
  function stop() {
    playing = false;
    showPlaying(false);
    if (audio) { audio.pause(); audio.removeAttribute("src"); audio = null; }
    if (window.speechSynthesis) { window.speechSynthesis.cancel(); }
  }
  function browserVoice() {
    if (!window.speechSynthesis) { return null; }
    // The page's own language (zh-Hans, pt-BR, vi …) by its primary subtag: a Vietnamese page is never read
    // with a Japanese voice. やさしい日本語 pages are lang="ja".
    var wanted = (document.documentElement.lang || "ja").split("-")[0].toLowerCase();
    return window.speechSynthesis.getVoices().filter(function (voice) {
      return voice.lang && voice.lang.toLowerCase().split(/[-_]/)[0] === wanted;
    })[0] || null;
  }
  function giveUp() {
    stop();
    parts.forEach(function (part) { part.hidden = true; });
    live(controls.dataset.unavailable);
    var token = document.querySelector("meta[name=csrf-token]");
    fetch(list.dataset.unavailableUrl, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "" } }).catch(function () {});
  }
  function speakWithBrowser(index) {
    var voice = browserVoice();
    if (!voice) { giveUp(); return; }
    var utterance = new SpeechSynthesisUtterance(items[index].textContent);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = rate === "slow" ? 0.75 : 1.0;
    utterance.onend = function () { next(index + 1); };
    utterance.onerror = function () { if (playing) { giveUp(); } };
    window.speechSynthesis.cancel();  // a fresh utterance each time (long ones get cut off in Chrome)
    window.speechSynthesis.speak(utterance);
  }
  function next(index) {
    if (!playing) { return; }
    if (index >= items.length) { playing = false; showPlaying(false); return; }
    position = index;
    if (useBrowser) { speakWithBrowser(index); return; }
    var item = items[index];
    audio = new Audio(clipBase + item.dataset.index + "?rate=" + rate + "&v=" + item.dataset.tag);
    audio.addEventListener("ended", function () { next(index + 1); });
    audio.addEventListener("error", function () {
      if (!playing) { return; }
      useBrowser = true;  // the server could not speak: fall back to the browser's voice
      speakWithBrowser(index);
    });
    audio.play().catch(function () { /* the error event handles failures */ });
  }
  function play(from) {
    stop();
    playing = true;
    showPlaying(true);
    next(from);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-speech], button[data-speech-rate]") : null;
    if (!button) { return; }
    if (button.dataset.speech === "play") { play(playing ? position : 0); }
    if (button.dataset.speech === "stop") { stop(); }
    if (button.dataset.speech === "again") { play(0); }
    if (button.dataset.speechRate) {
      rate = button.dataset.speechRate;
      document.querySelectorAll("[data-speech-rate]").forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      if (playing) { play(position); }
    }
  });
  // Stop on every navigation, reset and idle warning.
  window.addEventListener("pagehide", stop);
  document.addEventListener("submit", stop);
  document.addEventListener("kiosk:idle-warning", stop);
  document.addEventListener("click", function (event) {
    if (event.target.closest("a[href]")) { stop(); }
  });
})();
