// Listeners and the call that tells them all, for the modules that announce
// changes (session.js, uploads.js, live.js). A listener that throws is
// logged and the others are still told.

/**
 * @template T
 * @returns {{subscribe: (fn: (value: T) => void) => () => void, emit: (value?: T) => void}}
 */
export function signal() {
  /** @type {Set<(value: T) => void>} */
  const listeners = new Set();
  return {
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    emit(value) {
      for (const fn of [...listeners]) {
        try {
          fn(value);
        } catch (e) {
          console.error(e);
        }
      }
    },
  };
}
