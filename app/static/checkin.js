// Camera scanning of ticket QR codes on the staff check-in page, where the browser has the
// BarcodeDetector API. Progressive enhancement: without it (or without this file) the code
// is typed into the form, which works on its own.
(function () {
  'use strict';
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var scanner = document.getElementById('scanner');
  var start = document.getElementById('scan-start');
  var video = document.getElementById('scan-video');
  var field = document.getElementById('f-code');
  var form = document.getElementById('checkin-form');
  if (!scanner || !start || !video || !field || !form) return;
  scanner.hidden = false;
  start.addEventListener('click', function () {
    var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      return video.play().then(function () {
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length > 0) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              field.value = codes[0].rawValue;
              form.submit();
            } else {
              window.setTimeout(tick, 250);
            }
          }, function () { window.setTimeout(tick, 500); });
        };
        tick();
      });
    }, function () { start.hidden = true; });
  });
})();
