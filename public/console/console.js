// Beacon Network console: progressive enhancement only (every page works without script).
// - j / k move through the rows of a list (the review queue), Enter opens the row's user;
// - / goes to the search box;
// - buttons that delete or deactivate ask first.
(() => {
  const typing = (target) => target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));

  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === '/') {
      const box = document.querySelector('[data-search-box]');
      event.preventDefault();
      if (box) box.focus();
      else window.location.assign('/console/search');
      return;
    }
    if (event.key !== 'j' && event.key !== 'k') return;
    const links = [...document.querySelectorAll('[data-keyboard-list] [data-row-link]')];
    if (!links.length) return;
    event.preventDefault();
    const at = links.indexOf(document.activeElement);
    const next = at === -1 ? 0 : Math.min(links.length - 1, Math.max(0, at + (event.key === 'j' ? 1 : -1)));
    for (const row of document.querySelectorAll('[data-keyboard-list] tr.current')) row.classList.remove('current');
    links[next].closest('tr')?.classList.add('current');
    links[next].focus();
  });

  document.addEventListener('submit', (event) => {
    const button = event.submitter;
    if (button instanceof HTMLButtonElement && button.classList.contains('danger') && !window.confirm(`${button.textContent.trim()}?`)) event.preventDefault();
  });
})();
