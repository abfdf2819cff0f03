// The scheduling hand-off page: submit the provider form at once. Without
// scripts the candidate presses the button instead.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('provider-handoff');
  if (form instanceof HTMLFormElement && form.dataset.autoSubmit === 'true') form.submit();
});
