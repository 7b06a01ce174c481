'use strict';
(function () {
  const error = new URLSearchParams(location.search).get('error');
  const messages = {
    token: 'That token is neither the admin token nor the viewer token.',
    name: 'The name may hold letters, digits, spaces and . _ @ \' - (up to 40).'
  };
  if (error && messages[error]) {
    const el = document.getElementById('login-error');
    el.textContent = messages[error];
    el.hidden = false;
  }
})();
