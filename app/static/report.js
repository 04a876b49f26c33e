// The report's first screen: filters the problem types as one types in the search box, on the
// pinyin keys the server wrote on each (data-keys: the name, its full pinyin, its initials).
// Without this file the search button asks the server, which filters the same way.
(function () {
  'use strict';
  var box = document.getElementById('f-q');
  var list = document.getElementById('categories');
  if (!box || !list) return;
  var common = document.getElementById('common-problems');
  var status = document.getElementById('search-status');
  var items = list.querySelectorAll('li[data-keys]');
  var filter = function () {
    var q = box.value.toLowerCase().replace(/\s+/g, '');
    var shown = 0;
    items.forEach(function (li) {
      var keys = li.getAttribute('data-keys').toLowerCase();
      var words = keys.split(' ');
      var hit = q === '' || words.some(function (w) { return w.indexOf(q) !== -1; });
      li.hidden = !hit;
      if (hit) shown += 1;
    });
    list.querySelectorAll('section').forEach(function (s) {
      s.hidden = s.querySelector('li:not([hidden])') === null;
    });
    if (common) common.hidden = q !== '';
    if (status) status.textContent = q !== '' && shown === 0 ? status.getAttribute('data-none') : '';
  };
  box.addEventListener('input', filter);
  if (box.value) filter();
})();
