/*
 * The site's only script. It is loaded without defer in <head>, so a stored theme is applied
 * before the first paint (no flash); everything else waits for the document.
 * The theme key is shared with <imageka-widget>: 'auto' (or nothing) follows the system.
 */
(function () {
  'use strict';
  var KEY = 'imageka:theme';
  // The widget's three choices, in the order the header button steps through them.
  var CHOICES = ['auto', 'light', 'dark'];
  var NAMES = { auto: 'Match system', light: 'Light', dark: 'Dark' };
  var root = document.documentElement;
  var system = window.matchMedia('(prefers-color-scheme: dark)');
  var choice = readChoice();

  function readChoice() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === 'light' || value === 'dark' ? value : 'auto';
    } catch (error) {
      return 'auto';
    }
  }

  function saveChoice() {
    try {
      window.localStorage.setItem(KEY, choice);
    } catch (error) {
      // Storage is blocked: the choice lasts as long as this page.
    }
  }

  function effective() {
    if (choice !== 'auto') return choice;
    return system.matches ? 'dark' : 'light';
  }

  function apply() {
    var theme = effective();
    root.setAttribute('data-theme', theme);
    root.setAttribute('data-theme-choice', choice);
    var label = 'Colour theme: ' + NAMES[choice];
    var toggles = document.querySelectorAll('.theme-toggle');
    for (var i = 0; i < toggles.length; i++) {
      toggles[i].title = label;
      var text = toggles[i].querySelector('.visually-hidden');
      if (text) text.textContent = label;
    }
    var widgets = document.querySelectorAll('imageka-widget');
    for (var j = 0; j < widgets.length; j++) {
      if (widgets[j].getAttribute('theme') !== choice) widgets[j].setAttribute('theme', choice);
    }
  }

  function setUpCopyButtons() {
    var buttons = document.querySelectorAll('[data-copy]');
    if (!buttons.length || !navigator.clipboard) return;
    var status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    document.body.appendChild(status);
    Array.prototype.forEach.call(buttons, function (button) {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(
          function () {
            button.textContent = 'Copied';
            status.textContent = 'Copied to the clipboard.';
            setTimeout(function () {
              button.textContent = 'Copy';
              status.textContent = '';
            }, 2000);
          },
          function () {
            status.textContent = 'This browser did not allow copying. Select the code and copy it by hand.';
          },
        );
      });
    });
  }

  apply();
  system.addEventListener('change', apply);
  window.addEventListener('storage', function (event) {
    if (event.key !== KEY && event.key !== null) return;
    choice = readChoice();
    apply();
  });
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest('.theme-toggle')) return;
    choice = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];
    saveChoice();
    apply();
  });
  // The widget's own theme picker has already stored the choice; the page follows it.
  document.addEventListener('imageka:theme', function (event) {
    var picked = event.detail && event.detail.theme;
    if (picked !== 'auto' && picked !== 'light' && picked !== 'dark') return;
    choice = picked;
    apply();
  });
  document.addEventListener('DOMContentLoaded', function () {
    apply();
    setUpCopyButtons();
  });
})();
