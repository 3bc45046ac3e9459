// The upload box: what this server accepts, stated before a file is picked
// (the size limit; transcripts; recordings only when the server can
// transcribe them), a button and a drop zone, and every upload in progress
// (uploads.js keeps them while the person is on other pages) with its
// progress and Cancel. A file that cannot work is refused here, in words,
// before a byte is sent; what the server refuses is told by its code.

import * as uploads from "../uploads.js";
import { capabilities, acceptedExtensions, RECORDING_EXTENSIONS } from "../capabilities.js";
import { t, describeError } from "../i18n.js";
import { h, mount, formatBytes, progressBar, field } from "../ui.js";
import { templateSelect } from "./template-select.js";

const extensionOf = (name) => (name.includes(".") ? name.split(".").pop().toLowerCase() : "");

/** The largest upload: the server's capabilities, else what it wrote into the page. */
export function maxUploadBytes() {
  if (capabilities.max_upload_bytes > 0) return capabilities.max_upload_bytes;
  const meta = document.querySelector('meta[name="minutes:max-upload-bytes"]');
  const n = Number(meta && meta.getAttribute("content"));
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** What kind of file a name promises, in words ("an MP3 file"). */
function kindOf(name) {
  const key = `filekind.${extensionOf(name)}`;
  return t(key) === key ? t("filekind.other") : t(key);
}

/** Why a file is refused before it is sent, or null when it may go. */
function refusal(file) {
  const ext = extensionOf(file.name);
  const max = maxUploadBytes();
  if (max && file.size > max) return t("upload.tooLarge", { name: file.name, size: formatBytes(max) });
  if (RECORDING_EXTENSIONS.includes(ext) && !capabilities.recordings) return t("upload.noRecordings", { name: file.name });
  if (!acceptedExtensions().includes(ext)) return t("upload.unsupported", { name: file.name });
  if (file.size === 0) return t("upload.empty", { name: file.name });
  return null;
}

/** What the server's refusal means for this file. */
function refusedByServer(upload) {
  const e = upload.error;
  const name = upload.name;
  switch (e && e.code) {
    case "too_large": {
      const max = maxUploadBytes();
      return t("upload.tooLarge", { name, size: max ? formatBytes(max) : "?" });
    }
    case "empty_file": return t("upload.empty", { name });
    case "content_mismatch": return t("upload.mismatch", { name, kind: kindOf(name) });
    case "transcription_unavailable": return t("upload.noRecordings", { name });
    case "unsupported_media_type": return t("upload.unsupported", { name });
    case "unknown_template": return t("upload.unknownTemplate", { name });
    default: return describeError(e);
  }
}

/** One upload's line: progress and Cancel while sending, then its outcome. */
function uploadLine(upload) {
  const pct = Math.round(upload.fraction * 100);
  const dismiss = h("button", { type: "button", class: "link", "aria-label": t("common.dismiss"), onclick: () => uploads.dismiss(upload.id) }, "×");
  const line = (cls, text, role = null) => h("li", { class: `upload-line ${cls}`, role, dataset: { upload: String(upload.id) } }, h("p", null, text), dismiss);
  switch (upload.state) {
    case "sending":
      return h(
        "li",
        { class: "upload-line sending", dataset: { upload: String(upload.id) } },
        h("p", null, t("upload.sending", { name: upload.name })),
        h("div", { class: "row" },
          progressBar(pct, t("upload.progress", { name: upload.name })),
          h("span", { class: "small muted" }, `${pct}%`),
          h("button", { type: "button", class: "secondary small", "aria-label": t("upload.cancelNamed", { name: upload.name }), onclick: upload.abort }, t("common.cancel")),
        ),
      );
    case "queued": return line("done", t("upload.done", { name: upload.name }));
    case "cancelled": return line("cancelled", t("upload.cancelled", { name: upload.name }));
    default: return line("error-text", refusedByServer(upload), "alert");
  }
}

/**
 * The upload box. Its list follows uploads.js until `stop` is called.
 * @returns {{el: HTMLElement, stop: () => void}}
 */
export function uploadCard() {
  const max = maxUploadBytes();
  const input = h("input", { type: "file", id: "upload-input", class: "sr-only", accept: acceptedExtensions().map((e) => `.${e}`).join(",") });
  const refused = h("p", { class: "error-text refused", role: "alert", hidden: true });
  const list = h("ul", { class: "upload-status", "aria-live": "polite" });
  const recordings = capabilities.recordings
    ? h("p", { class: "small muted" }, t("upload.limitMedia", { list: capabilities.formats.recordings.join(", ") }))
    : h("p", { class: "small muted no-recordings" }, t("upload.noRecordingsHere"));
  const zone = h(
    "div",
    { class: "dropzone" },
    h("p", { class: "drop-title" }, t(capabilities.recordings ? "upload.drop" : "upload.dropTranscript")),
    h("label", { for: "upload-input", class: "button primary" }, t("upload.choose")),
    input,
    max ? h("p", { class: "small muted" }, t("upload.limitSize", { size: formatBytes(max) })) : null,
    h("p", { class: "small muted" }, t("upload.limitTranscripts", { list: capabilities.formats.transcripts.join(", ") })),
    recordings,
  );

  const template = templateSelect({ name: "template", withDefault: true });
  template.id = "upload-template";
  const templateField = field(t("upload.template"), template, t("upload.templateHint"));

  function send(file) {
    const why = refusal(file);
    refused.hidden = !why;
    refused.textContent = why || "";
    if (!why) uploads.start(file, template.value || undefined);
  }
  const show = () => mount(list, uploads.all().map(uploadLine));

  input.addEventListener("change", () => {
    if (input.files && input.files[0]) send(input.files[0]);
    input.value = "";
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) send(file);
  });
  show();
  const stop = uploads.subscribe(show);
  const el = h("section", { class: "card upload", "aria-labelledby": "upload-h" }, h("h2", { id: "upload-h" }, t("upload.title")), templateField, zone, refused, list);
  return { el, stop };
}
