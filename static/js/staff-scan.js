// Camera scanning for the staff scan field: the decoded text goes into the same field a USB scanner types
// into, and the form is submitted. Without a camera (or without JavaScript) the field still works.
(function () {
  "use strict";
  var button = document.getElementById("camera-button");
  var box = document.getElementById("camera");
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  var field = document.getElementById("code");
  var form = document.getElementById("scan-form");
  if (!button || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof jsQR !== "function") { return; }
  button.hidden = false;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    box.hidden = true;
  }
  function tick() {
    if (!stream) { return; }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        field.value = found.data;
        status.textContent = "読み取りました。";
        stop();
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }
  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
      stream = media;
      box.hidden = false;
      video.srcObject = media;
      video.play();
      status.textContent = "受付票の二次元コードをカメラに向けてください。";
      window.requestAnimationFrame(tick);
    }).catch(function () {
      status.textContent = "カメラを使えません。スキャナーで読むか、受付番号を入力してください。";
      box.hidden = false;
    });
  });
})();
