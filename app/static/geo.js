// The position of a report or a patrol finding, where the browser allows geolocation. Progressive
// enhancement: without it (or without this file) the community and address fields place the case.
//
// A form with data-geo="button" (the resident's report) gets its position when the "use my
// position" button is pressed; data-geo="watch" (the patrol) follows the phone while the page is
// open and, with data-route="<url>", sends the route there every minute and with each finding.
(function () {
  'use strict';
  var form = document.querySelector('form[data-geo]');
  if (!form || !navigator.geolocation) return;
  var lat = form.querySelector('input[name="lat"]');
  var lng = form.querySelector('input[name="lng"]');
  var status = document.getElementById('geo-status');
  if (!lat || !lng) return;
  var csrf = form.querySelector('input[name="_csrf"]').value;
  var route = form.getAttribute('data-route');
  var pending = [];
  var found = function (p) {
    var a = p.coords.latitude.toFixed(6);
    var b = p.coords.longitude.toFixed(6);
    lat.value = a;
    lng.value = b;
    if (status) status.textContent = status.getAttribute('data-found') || status.textContent;
    if (route) pending.push(a + ',' + b);
  };
  var failed = function () {
    if (status && status.getAttribute('data-failed')) status.textContent = status.getAttribute('data-failed');
  };
  if (form.getAttribute('data-geo') === 'button') {
    var button = document.getElementById('geo-button');
    if (!button) return;
    var locate = function () {
      navigator.geolocation.getCurrentPosition(found, failed, { enableHighAccuracy: true, timeout: 15000 });
    };
    button.hidden = false;
    button.addEventListener('click', locate);
    // Allowed once already: take the position at once, one tap fewer (the browser asks nothing).
    if (!lat.value && navigator.permissions) {
      navigator.permissions.query({ name: 'geolocation' }).then(function (p) {
        if (p.state === 'granted') locate();
      }).catch(function () {});
    }
    return;
  }
  navigator.geolocation.watchPosition(found, failed, { enableHighAccuracy: true, maximumAge: 30000 });
  if (!route) return;
  var body = function () {
    var points = pending.join(';');
    pending = [];
    return points;
  };
  var send = function () {
    if (pending.length === 0) return;
    var data = new URLSearchParams({ points: body(), _csrf: csrf });
    // A beacon outlives the page it leaves (a finding's form submission navigates away).
    if (navigator.sendBeacon && navigator.sendBeacon(route, data)) return;
    fetch(route, { method: 'POST', body: data, credentials: 'same-origin', keepalive: true }).catch(function () {});
  };
  window.setInterval(send, 60000);
  form.addEventListener('submit', send);
  // The last points of a patrol go in the end form itself: sent beside it, they could arrive
  // after the patrol had ended and be refused (409).
  var end = document.getElementById('end-form');
  var last = document.getElementById('end-points');
  if (end && last) {
    end.addEventListener('submit', function () {
      last.value = body();
    });
  }
})();
