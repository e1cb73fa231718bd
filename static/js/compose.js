// The compose form: show the chosen image before it is uploaded.
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
})();
