/* Check-in: read a ticket's QR code with the camera (getUserMedia) or from a photo, with the vendored jsQR,
   and submit the page's form with it. Without JavaScript or a camera, the typed code works the same. */
(function () {
  "use strict";
  var box = document.getElementById("checkin-camera");
  var form = document.getElementById("checkin-form");
  if (!box || !form || typeof window.jsQR !== "function") return;
  var input = document.getElementById("id_code");
  var button = document.getElementById("checkin-scan");
  var video = document.getElementById("checkin-video");
  var photo = document.getElementById("checkin-photo");
  var message = document.getElementById("checkin-camera-message");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;

  function decode(source, width, height) {
    if (!width || !height) return null;
    // Big photos are scaled down: jsQR is quick on ~800 px and QR codes stay readable.
    var scale = Math.min(1, 800 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
    return found && found.data ? found.data : null;
  }

  function submit(code) {
    stop();
    input.value = code;
    form.submit();
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    button.querySelector("[data-start]").hidden = false;
    button.querySelector("[data-stop]").hidden = true;
    button.setAttribute("aria-pressed", "false");
  }

  function tick() {
    if (!stream) return;
    if (video.readyState >= 2) {
      var code = decode(video, video.videoWidth, video.videoHeight);
      if (code) return submit(code);
    }
    window.requestAnimationFrame(tick);
  }

  function start() {
    message.textContent = "";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      button.querySelector("[data-start]").hidden = true;
      button.querySelector("[data-stop]").hidden = false;
      button.setAttribute("aria-pressed", "true");
      return video.play();
    }).then(function () { window.requestAnimationFrame(tick); }).catch(function () {
      stop();
      message.textContent = box.dataset.noCamera;
    });
  }

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) return;
    message.textContent = "";
    var image = new Image();
    var url = URL.createObjectURL(file);
    image.onload = function () {
      var code = decode(image, image.naturalWidth, image.naturalHeight);
      URL.revokeObjectURL(url);
      if (code) submit(code); else message.textContent = box.dataset.noCode;
    };
    image.onerror = function () { URL.revokeObjectURL(url); message.textContent = box.dataset.noCode; };
    image.src = url;
  });

  if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function") {
    button.addEventListener("click", function () { if (stream) stop(); else start(); });
  } else {
    button.hidden = true;
  }
  box.hidden = false;
  window.addEventListener("pagehide", stop);
})();
