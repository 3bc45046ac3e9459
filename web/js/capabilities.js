// What this server can do with an upload (`GET /api/capabilities`):
// whether it takes recordings (only with a transcription backend), the size
// limit, the extensions of each kind. Read once at start; the upload box
// offers only what will work.

import * as api from "./api.js";

/** @type {import("./api.js").Capabilities} until the server has said: transcripts only */
export const capabilities = {
  recordings: false,
  max_upload_bytes: 0,
  max_anonymous_bytes: 0,
  formats: { recordings: [], transcripts: ["txt", "md", "srt", "vtt", "json"] },
};

/** Every extension a recording may have, accepted here or not (to say why one is refused). */
export const RECORDING_EXTENSIONS = ["wav", "mp3", "mpga", "aac", "ogg", "oga", "opus", "flac", "m4a", "mp4", "mov", "webm", "weba", "mkv"];

/** Reads them from the server; keeps the cautious defaults if it cannot. */
export async function load() {
  try {
    Object.assign(capabilities, await api.capabilities());
  } catch (e) {
    console.error(e);
  }
}

/** The extensions the server takes now. */
export const acceptedExtensions = () => [...capabilities.formats.recordings, ...capabilities.formats.transcripts];
