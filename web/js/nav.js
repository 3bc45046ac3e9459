// Navigation by the URL's hash: where the app is, going somewhere with a
// one-line notice to show on arrival. The router itself (which page a path
// is) is registered by the entry point, so this module knows no page.

/** @type {(() => void)|null} the entry point's router */
let router = null;

/** @type {[string, string]|null} a notice to show once the next page is up */
let pendingNotice = null;

/** Registers what shows the page for the current path (the entry point does, once). */
export function setRouter(fn) {
  router = fn;
}

/** The path the hash names: "/", "/tasks/…", "/login", … (without its `?…`) */
export const currentPath = () => (location.hash || "#/").slice(1).split("?")[0] || "/";

/** The hash's `?…` parameters (`#/search?q=予算`). */
export const hashQuery = () => new URLSearchParams((location.hash.split("?")[1]) || "");

/** Goes to a page and then shows a one-line notice there. */
export function navigate(hash, message = null, kind = "info") {
  pendingNotice = message ? [message, kind] : null;
  if (location.hash === hash || (hash === "#/" && !location.hash)) {
    if (router) router();
  } else {
    location.hash = hash;
  }
}

/** A notice for the next page that comes up, however it comes. */
export function noticeOnArrival(message, kind = "info") {
  pendingNotice = [message, kind];
}

/** The notice waiting for the page just shown, if any; it is shown once. */
export function takeNotice() {
  const notice = pendingNotice;
  pendingNotice = null;
  return notice;
}
