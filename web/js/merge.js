// A three-way merge of two edits of the same minutes, field by field: the
// version both started from (`base`), mine and theirs. A field only one
// side changed takes that side's value; a field both changed the same way
// takes it; a field both changed differently is a conflict, left as mine
// until the person chooses. Lists merge per item where items are
// identified: transcript lines by their place (their number never
// changes), decisions, action items and summary points by their place while
// neither side added or removed any, else by their content (each side's
// additions kept, each side's removals applied). No I/O: the editor calls
// it with the 412's current version.

/**
 * @typedef {import("./api.js").Minutes} Minutes
 * @typedef {{path: (string|number)[], base: any, mine: any, theirs: any}} Conflict
 */

/** JSON with object keys in order: the same value is the same text, however it was built. */
export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v ?? null);
}
const same = (a, b) => canonical(a) === canonical(b);
const key = canonical;

/** A value both may have changed; records a conflict when both did, differently. */
function value(path, base, mine, theirs, conflicts) {
  if (same(mine, theirs) || same(theirs, base)) return mine;
  if (same(mine, base)) return theirs;
  conflicts.push({ path, base, mine, theirs });
  return mine;
}

/** An item whose fields merge one by one (`fields` null: the item as a whole). */
function item(path, fields, base, mine, theirs, conflicts) {
  if (!fields || !base || typeof base !== "object") return value(path, base, mine, theirs, conflicts);
  const out = { ...mine };
  for (const f of fields) out[f] = value([...path, f], base[f], mine[f], theirs[f], conflicts);
  return out;
}

/** Counts of each item, to tell removals and additions apart. */
function counts(items) {
  const m = new Map();
  for (const i of items) m.set(key(i), (m.get(key(i)) || 0) + 1);
  return m;
}

/** A list merged per item; `fields` the item fields that merge one by one. */
function list(path, fields, base, mine, theirs, conflicts) {
  if (same(mine, theirs) || same(theirs, base)) return mine;
  if (same(mine, base)) return theirs;
  if (base.length === mine.length && base.length === theirs.length) {
    // Nobody added or removed: items are who they were, by place.
    return base.map((b, i) => item([...path, i], fields, b, mine[i], theirs[i], conflicts));
  }
  // Items by content: what theirs removed goes, what theirs added comes.
  const inBase = counts(base);
  const inTheirs = counts(theirs);
  const inMine = counts(mine);
  const removedByTheirs = new Map();
  for (const [k, n] of inBase) {
    const gone = n - (inTheirs.get(k) || 0);
    if (gone > 0) removedByTheirs.set(k, gone);
  }
  const removedByMine = [...inBase].some(([k, n]) => n > (inMine.get(k) || 0));
  const addedByTheirs = theirs.filter((i) => !inBase.has(key(i)) && !inMine.has(key(i)));
  const addedByMine = mine.some((i) => !inBase.has(key(i)));
  // Both replaced items (an item edited on each side looks like that):
  // nothing says which replacement goes with which, so the person decides.
  const bothReplaced = [...removedByTheirs.keys()].some((k) => (inMine.get(k) || 0) < inBase.get(k));
  if (bothReplaced && removedByMine && addedByMine && addedByTheirs.length) {
    conflicts.push({ path, base, mine, theirs });
    return mine;
  }
  const out = [];
  for (const i of mine) {
    const gone = removedByTheirs.get(key(i)) || 0;
    if (inBase.has(key(i)) && gone > 0) removedByTheirs.set(key(i), gone - 1);
    else out.push(i);
  }
  // Each of their additions goes after the item it follows in theirs.
  for (const added of addedByTheirs) {
    const at = theirs.indexOf(added);
    const before = theirs.slice(0, at).reverse().find((i) => out.some((o) => same(o, i)));
    const place = before === undefined ? 0 : out.findIndex((o) => same(o, before)) + 1;
    out.splice(place, 0, added);
  }
  return out;
}

/**
 * Merges mine and theirs, both edits of `base`.
 * @param {Minutes} base @param {Minutes} mine @param {Minutes} theirs
 * @returns {{merged: Minutes, conflicts: Conflict[]}} `merged` holds mine where there are conflicts
 */
export function merge3(base, mine, theirs) {
  /** @type {Conflict[]} */
  const conflicts = [];
  const merged = {
    ...theirs,
    title: value(["title"], base.title, mine.title, theirs.title, conflicts),
    language: value(["language"], base.language, mine.language, theirs.language, conflicts),
    meeting_date: value(["meeting_date"], base.meeting_date, mine.meeting_date, theirs.meeting_date, conflicts),
    summary: list(["summary"], null, base.summary, mine.summary, theirs.summary, conflicts),
    decisions: list(["decisions"], ["text"], base.decisions, mine.decisions, theirs.decisions, conflicts),
    action_items: list(["action_items"], ["text", "owner", "due"], base.action_items, mine.action_items, theirs.action_items, conflicts),
    transcript: theirs.transcript.map((seg, i) => item(["transcript", i], ["speaker", "text"], base.transcript[i], mine.transcript[i], seg, conflicts)),
  };
  return { merged, conflicts };
}

/** `doc` with the value at `path` replaced (a copy; `doc` is left alone). */
export function setAt(doc, path, v) {
  if (!path.length) return v;
  const [head, ...rest] = path;
  const copy = Array.isArray(doc) ? [...doc] : { ...doc };
  copy[head] = setAt(doc[head], rest, v);
  return copy;
}
