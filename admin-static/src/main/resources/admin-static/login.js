'use strict';
// Sign-in page: exchanges the admin token for an HttpOnly session cookie, then opens the admin page.
(function () {
  const form = document.getElementById('login-form');
  const errorBox = document.getElementById('login-error');

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
  }

  fetch('/api/session', { headers: { Accept: 'application/json' }, cache: 'no-store' })
    .then((r) => r.json().then((s) => ({ status: r.status, s })))
    .then(({ status, s }) => {
      if (status === 429) {
        showError(s.error && s.error.message ? s.error.message : 'Too many failed sign-ins; wait a little.');
      } else if (s.authenticated) {
        window.location.replace('/admin');
      } else if (!s.token_required) {
        form.hidden = true;
        document.getElementById('loopback-only').hidden = false;
      }
    })
    .catch(() => { /* the form still works */ });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    const token = document.getElementById('token').value;
    if (!token) {
      showError('Enter the admin token.');
      return;
    }
    const button = document.getElementById('login-submit');
    button.disabled = true;
    try {
      const r = await fetch('/api/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ token }),
        credentials: 'same-origin',
      });
      if (r.status === 204) {
        window.location.replace('/admin');
        return;
      }
      let message = 'Sign-in failed (HTTP ' + r.status + ').';
      try {
        const body = await r.json();
        if (body && body.error && body.error.message) message = body.error.message;
      } catch (e) { /* keep the generic message */ }
      showError(message);
    } catch (e) {
      showError('The gateway cannot be reached.');
    } finally {
      button.disabled = false;
    }
  });
})();
