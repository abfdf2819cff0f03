// Small enhancements only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary so screen readers announce the problems.
  const summary = document.querySelector('.error-summary');
  if (summary instanceof HTMLElement) summary.focus();

  // Error summary links focus the field they name, not just scroll to it.
  document.querySelectorAll('.error-summary a[href^="#"]').forEach((link) => {
    link.addEventListener('click', (event) => {
      const target = document.getElementById(link.getAttribute('href').slice(1));
      if (target) {
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: 'center' });
      }
    });
  });

  // Buttons that copy a value: <button data-copy="text">.
  document.querySelectorAll('button[data-copy]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy || '');
        button.textContent = button.dataset.copied || 'Copied';
      } catch {
        /* clipboard refused: the value is on the page to select by hand */
      }
    });
  });
});

// Registration records the browser's time zone so dates show in local time from the start.
document.querySelectorAll('input[data-time-zone]').forEach((input) => {
  if (!input.value) {
    try {
      input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      /* leave empty: the account starts in UTC and the person can change it */
    }
  }
});
