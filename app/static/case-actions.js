// The case page's one action form: shows only the fields the chosen action needs (the
// department to dispatch to, the rating), says when the note is required, names the action on
// the button, and brings a refused attempt's error summary into view. Without this file every
// field shows, each labelled with the actions it is for.
(function () {
  'use strict';
  var form = document.getElementById('act');
  if (!form) return;
  var department = document.getElementById('field-department');
  var rating = document.getElementById('field-rating');
  var note = document.getElementById('f-note');
  var button = form.querySelector('button[type="submit"]');
  var update = function () {
    var chosen = form.querySelector('input[name="action"]:checked');
    if (!chosen) return;
    if (department) department.hidden = !chosen.hasAttribute('data-department');
    if (rating) rating.hidden = !chosen.hasAttribute('data-rate');
    if (note) note.required = chosen.hasAttribute('data-note-required');
    var label = form.querySelector('label[for="' + chosen.id + '"]');
    if (button && label) button.textContent = label.textContent.trim();
  };
  form.addEventListener('change', update);
  update();
  var errors = document.getElementById('act-errors');
  if (errors) errors.focus();
})();
