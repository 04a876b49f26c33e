// The article form's body images, progressively enhanced: the Markdown line of an image just
// uploaded is shown to copy by hand (works without this script); with it, a button inserts the
// line into the body where its cursor was, and the editor saves the text as usual.
(function () {
  'use strict';
  var snippet = document.getElementById('f-snippet');
  var body = document.getElementById('f-body_markdown');
  var button = document.querySelector('button[data-insert-snippet]');
  if (!snippet || !body || !button) return;
  var at = body.value.length;
  body.addEventListener('blur', function () { at = body.selectionStart; });
  button.hidden = false;
  button.addEventListener('click', function () {
    var line = snippet.value;
    var before = body.value.slice(0, at);
    var after = body.value.slice(at);
    // On a line of its own, so Markdown reads it as an image paragraph.
    var glue = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? '\n' : '\n\n') : '';
    body.value = before + glue + line + '\n\n' + after.replace(/^\n+/, '');
    at = (before + glue + line + '\n\n').length;
    body.focus();
    body.setSelectionRange(at, at);
  });
})();
