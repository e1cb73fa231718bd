// The compose form: show the chosen image before it is uploaded, and,
// when the images live in a bucket (data-presign on the form), send the
// file straight to the bucket through a short-lived presigned URL and
// post only its staging key. Anything going wrong on that path falls
// back to the plain form upload through the app, which always works.
'use strict';
(() => {
  const input = document.getElementById('image');
  const img = document.getElementById('preview');
  if (!input || !img) return;
  let url = null;
  input.addEventListener('change', () => {
    if (url) URL.revokeObjectURL(url);
    const file = input.files && input.files[0];
    if (!file || !file.type.startsWith('image/')) {
      img.parentElement.hidden = true;
      return;
    }
    url = URL.createObjectURL(file);
    img.src = url;
    img.parentElement.hidden = false;
  });

  const form = input.form;
  const presign = form && form.dataset.presign;
  const staged = form && form.elements.namedItem('staged');
  if (!presign || !staged) return;
  const types = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
  let sending = false;

  // Ask the app for a URL, then PUT the file there. Resolves to the
  // staging key, or null when the form should go the plain way.
  const direct = async (file) => {
    const body = new URLSearchParams({
      csrf_token: form.elements.namedItem('csrf_token').value,
      size: String(file.size),
      type: file.type,
    });
    const res = await fetch(presign, {
      method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
    if (!res.ok) return null;
    const p = await res.json();
    const put = await fetch(p.url, { method: p.method, headers: p.headers, body: file });
    return put.ok ? p.key : null;
  };

  form.addEventListener('submit', async (event) => {
    const file = input.files && input.files[0];
    if (sending || !file || !types.includes(file.type)) return;
    event.preventDefault();
    sending = true;
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    let key = null;
    try {
      key = await direct(file);
    } catch {
      key = null;
    }
    if (key) {
      staged.value = key;
      input.disabled = true; // the file is in the bucket: do not send it again
    }
    form.submit();
  });
})();
