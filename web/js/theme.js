// Light or dark colours: by default the system's (`prefers-color-scheme`),
// or the person's choice, kept in `localStorage` like the language. The
// stylesheet reads `data-theme` on the root element.

const KEY = "minutes.theme";
const CHOICES = ["auto", "light", "dark"];

/** "auto", "light" or "dark". */
export function theme() {
  const saved = localStorage.getItem(KEY);
  return CHOICES.includes(saved) ? saved : "auto";
}

function apply() {
  const value = theme();
  if (value === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = value;
}

/** Switches the colours and remembers the choice. */
export function setTheme(value) {
  if (CHOICES.includes(value) && value !== "auto") localStorage.setItem(KEY, value);
  else localStorage.removeItem(KEY);
  apply();
}

apply();
