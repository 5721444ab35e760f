/**
 * What each channel accepts as attachments (F22), as data: the server checks
 * every upload and every send against it, and the composer gets the same
 * table as JSON so the browser can refuse a file before uploading it.
 * README's "Attachment limits" explains where each number comes from.
 *
 * - Twilio MMS: up to 10 media and 5 MB in total per message; jpeg/png/gif
 *   are transcoded to fit, other types pass as they are, and US carriers
 *   cap those lower by sender type (PRODUCT.md, "Carrier facts"):
 *   long code AT&T 1.0 / T-Mobile 1.5 / Verizon 1.0 MB, toll-free 0.6 MB
 *   for all three, short code 0.6 / 1.0 / 1.2 MB. We take the lowest.
 * - Telnyx MMS: its guidance is to stay under 1 MB per message.
 * - WhatsApp Cloud API, per type:
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types
 *
 * Sizes are decimal megabytes (1 MB = 1,000,000 bytes): on a carrier's
 * limit, rounding down is the safe side.
 *
 * @module
 */
import { Invalid } from "./errors.ts";
import { sniffContentType } from "./media_store.ts";

export const MB = 1_000_000;
export const KB = 1_000;

export type MediaKind = "image" | "audio" | "video" | "document" | "sticker";

export interface TypeRule {
  kind: MediaKind;
  maxBytes: number;
}

/** The attachment rules of one sending number. */
export interface MediaRules {
  /** "chat": between colleagues, no carrier in the way (F7, F8) */
  channel: "sms" | "whatsapp" | "chat";
  /** files in one send */
  maxFiles: number;
  /** all files of one message together, or null for no total */
  maxTotalBytes: number | null;
  /** content type → its kind and size limit; a type not here is refused */
  types: Record<string, TypeRule>;
  /** voice notes may be recorded and sent (WhatsApp only, F30) */
  voiceNotes: boolean;
}

export type NumberClass = "long_code" | "toll_free" | "short_code";

/** US/Canada toll-free area codes (NANP). */
const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;

/** Which kind of sender a number is, for the carriers' MMS caps. */
export function numberClass(e164: string): NumberClass {
  if (!e164.startsWith("+") || e164.replace(/\D/g, "").length <= 8) {
    return "short_code";
  }
  return TOLL_FREE.test(e164) ? "toll_free" : "long_code";
}

/** The lowest of AT&T, T-Mobile and Verizon for non-image MMS media. */
export const CARRIER_NON_IMAGE_CAP: Record<NumberClass, number> = {
  long_code: 1.0 * MB,
  toll_free: 0.6 * MB,
  short_code: 0.6 * MB,
};

const TWILIO_TOTAL = 5 * MB;
const TELNYX_TOTAL = 1 * MB;
/** Twilio: "up to 10 media files per message". */
const MMS_MAX_FILES = 10;

/** Types Twilio transcodes to fit the carrier. */
const MMS_IMAGES = ["image/jpeg", "image/png", "image/gif"];
/** Other types MMS carries as they are (those our sniffer can tell). */
const MMS_OTHER: Record<string, MediaKind> = {
  "audio/mpeg": "audio",
  "audio/mp4": "audio",
  "audio/ogg": "audio",
  "audio/amr": "audio",
  "video/mp4": "video",
  "video/3gpp": "video",
  "video/webm": "video",
  "text/vcard": "document",
  "application/pdf": "document",
};

/** WhatsApp Cloud API supported media and their limits. */
const WHATSAPP_TYPES: Record<string, TypeRule> = {
  "image/jpeg": { kind: "image", maxBytes: 5 * MB },
  "image/png": { kind: "image", maxBytes: 5 * MB },
  // animated stickers may be 500 KB; static ones 100 KB (checked below)
  "image/webp": { kind: "sticker", maxBytes: 500 * KB },
  "audio/aac": { kind: "audio", maxBytes: 16 * MB },
  "audio/amr": { kind: "audio", maxBytes: 16 * MB },
  "audio/mpeg": { kind: "audio", maxBytes: 16 * MB },
  "audio/mp4": { kind: "audio", maxBytes: 16 * MB },
  "audio/ogg": { kind: "audio", maxBytes: 16 * MB },
  "video/mp4": { kind: "video", maxBytes: 16 * MB },
  "video/3gpp": { kind: "video", maxBytes: 16 * MB },
  "text/plain": { kind: "document", maxBytes: 100 * MB },
  "application/pdf": { kind: "document", maxBytes: 100 * MB },
  "application/msword": { kind: "document", maxBytes: 100 * MB },
  "application/vnd.ms-excel": { kind: "document", maxBytes: 100 * MB },
  "application/vnd.ms-powerpoint": { kind: "document", maxBytes: 100 * MB },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    kind: "document",
    maxBytes: 100 * MB,
  },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
    kind: "document",
    maxBytes: 100 * MB,
  },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
    kind: "document",
    maxBytes: 100 * MB,
  },
};
const STATIC_STICKER_MAX = 100 * KB;

/** The largest single upload any channel accepts (the upload route's limit). */
export const MAX_UPLOAD_BYTES = 100 * MB;
/** The largest file any MMS number takes (Twilio's total; Telnyx: 1 MB). */
export const MAX_MMS_BYTES = TWILIO_TOTAL;

/** The rules of the number a conversation sends from. */
export function mediaRules(
  number: { channel: "sms" | "whatsapp"; provider: string; e164: string },
): MediaRules {
  if (number.channel === "whatsapp") {
    return {
      channel: "whatsapp",
      // one file per WhatsApp message: a send of several becomes several
      maxFiles: 10,
      maxTotalBytes: null,
      types: WHATSAPP_TYPES,
      voiceNotes: true,
    };
  }
  const total = number.provider === "telnyx" ? TELNYX_TOTAL : TWILIO_TOTAL;
  const other = Math.min(
    CARRIER_NON_IMAGE_CAP[numberClass(number.e164)],
    total,
  );
  const types: Record<string, TypeRule> = {};
  for (const t of MMS_IMAGES) types[t] = { kind: "image", maxBytes: total };
  for (const [t, kind] of Object.entries(MMS_OTHER)) {
    types[t] = { kind, maxBytes: other };
  }
  return {
    channel: "sms",
    maxFiles: MMS_MAX_FILES,
    maxTotalBytes: total,
    types,
    voiceNotes: false,
  };
}

/** The largest file a chat between colleagues takes. */
export const CHAT_MAX_FILE_BYTES = 25 * MB;
/** All files of one chat message together. */
export const CHAT_MAX_TOTAL_BYTES = 50 * MB;

/**
 * The rules of a direct or team chat: no carrier, so every type the
 * sniffer can tell, voice notes included, up to one size for all (the
 * files stay on our server, and members download them from it).
 */
export function chatMediaRules(): MediaRules {
  const types: Record<string, TypeRule> = {};
  const known: Record<string, MediaKind> = {
    "image/gif": "image",
    ...MMS_OTHER,
    ...Object.fromEntries(
      Object.entries(WHATSAPP_TYPES).map(([t, r]) => [t, r.kind]),
    ),
    // a WebP between colleagues is a picture, not a WhatsApp sticker
    "image/webp": "image",
  };
  for (const [t, kind] of Object.entries(known)) {
    types[t] = { kind, maxBytes: CHAT_MAX_FILE_BYTES };
  }
  return {
    channel: "chat",
    maxFiles: MMS_MAX_FILES,
    maxTotalBytes: CHAT_MAX_TOTAL_BYTES,
    types,
    voiceNotes: true,
  };
}

/** Why a file or a set of files is refused: an i18n key and its values. */
export interface MediaProblem {
  key:
    | "upload.type"
    | "upload.too_large"
    | "upload.too_many"
    | "upload.total_too_large"
    | "upload.voice_whatsapp_only"
    | "upload.voice_format";
  vars: Record<string, string | number>;
}

/** A file or a set refused by the rules; `problem.vars` fill its message. */
export class MediaRefused extends Invalid {
  constructor(readonly problem: MediaProblem) {
    super(`Attachment refused: ${problem.key}`, problem.key);
  }
}

/** "1.5 MB", "600 KB": a limit as people read it. */
export function formatBytes(n: number): string {
  if (n >= MB) return `${Math.round(n / MB * 10) / 10} MB`;
  return `${Math.max(1, Math.round(n / KB))} KB`;
}

/** True for an animated WebP (it has an ANIM chunk). */
function isAnimatedWebp(b: Uint8Array): boolean {
  const limit = Math.min(b.length, 4096);
  for (let i = 12; i + 4 <= limit; i++) {
    if (
      b[i] === 0x41 && b[i + 1] === 0x4e && b[i + 2] === 0x49 &&
      b[i + 3] === 0x4d
    ) {
      return true;
    }
  }
  return false;
}

/** True when an Ogg file's first packet is an OpusHead (RFC 7845). */
export function isOggOpus(b: Uint8Array): boolean {
  const head = 27 + (b[26] ?? 0);
  return String.fromCharCode(...b.subarray(head, head + 8)) === "OpusHead";
}

/** One file against the rules; null when it may be sent. */
export function checkFile(
  rules: MediaRules,
  file: { name: string; contentType: string; size: number; bytes?: Uint8Array },
): MediaProblem | null {
  const rule = rules.types[file.contentType];
  if (!rule) {
    return {
      key: "upload.type",
      vars: { name: file.name, type: file.contentType },
    };
  }
  // WhatsApp takes Ogg with Opus inside only (a voice note's format)
  if (
    rules.channel === "whatsapp" && file.contentType === "audio/ogg" &&
    file.bytes && !isOggOpus(file.bytes)
  ) {
    return {
      key: "upload.type",
      vars: { name: file.name, type: "audio/ogg (not Opus)" },
    };
  }
  let max = rule.maxBytes;
  if (rule.kind === "sticker" && file.bytes && !isAnimatedWebp(file.bytes)) {
    max = STATIC_STICKER_MAX;
  }
  if (file.size > max) {
    return {
      key: "upload.too_large",
      vars: { name: file.name, max: formatBytes(max) },
    };
  }
  return null;
}

/** The files of one send together (count and total size). */
export function checkSet(
  rules: MediaRules,
  files: { size: number }[],
): MediaProblem | null {
  if (files.length > rules.maxFiles) {
    return { key: "upload.too_many", vars: { max: rules.maxFiles } };
  }
  const total = files.reduce((s, f) => s + f.size, 0);
  if (rules.maxTotalBytes !== null && total > rules.maxTotalBytes) {
    return {
      key: "upload.total_too_large",
      vars: { max: formatBytes(rules.maxTotalBytes) },
    };
  }
  return null;
}

/** The table the composer's script checks files against before uploading. */
export function browserRules(rules: MediaRules) {
  return {
    maxFiles: rules.maxFiles,
    maxTotal: rules.maxTotalBytes,
    types: Object.fromEntries(
      Object.entries(rules.types).map(([t, r]) => [t, r.maxBytes]),
    ),
  };
}

const OOXML: Record<string, string> = {
  docx:
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx:
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};
const OLE: Record<string, string> = {
  doc: "application/msword",
  xls: "application/vnd.ms-excel",
  ppt: "application/vnd.ms-powerpoint",
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** Text a phone can show: valid UTF-8 without control characters. */
function isPlainText(b: Uint8Array): boolean {
  try {
    const s = new TextDecoder("utf-8", { fatal: true }).decode(b);
    // deno-lint-ignore no-control-regex
    return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(s);
  } catch {
    return false;
  }
}

/**
 * The content type of an upload from its bytes, never from what the
 * browser claimed. Formats whose magic numbers are shared (Office files
 * are ZIP or OLE containers) are told apart by the file name's extension.
 */
export function sniffUpload(bytes: Uint8Array, name: string): string {
  const sniffed = sniffContentType(bytes);
  if (sniffed !== "application/octet-stream") return sniffed;
  const ext = extensionOf(name);
  const at = (...xs: number[]) => xs.every((x, k) => bytes[k] === x);
  if (at(0x50, 0x4b, 0x03, 0x04) && OOXML[ext]) return OOXML[ext];
  if (at(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1) && OLE[ext]) {
    return OLE[ext];
  }
  // ADTS AAC frames start with a 12-bit sync word
  if (bytes[0] === 0xff && (bytes[1] & 0xf6) === 0xf0) return "audio/aac";
  if (bytes.length > 0 && isPlainText(bytes)) return "text/plain";
  return sniffed;
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "audio/aac": "aac",
  "audio/amr": "amr",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/ogg": "ogg",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "video/webm": "webm",
  "text/vcard": "vcf",
  "text/plain": "txt",
  "application/pdf": "pdf",
  ...Object.fromEntries(Object.entries(OOXML).map(([e, t]) => [t, e])),
  ...Object.fromEntries(Object.entries(OLE).map(([e, t]) => [t, e])),
};

/**
 * A safe file name for a carrier link: letters, digits, dot, dash and
 * underscore, ending in the extension of the sniffed type (WhatsApp picks
 * the message type from it).
 */
export function carrierFileName(name: string, contentType: string): string {
  const ext = EXTENSIONS[contentType] ?? "bin";
  const dot = name.lastIndexOf(".");
  const base = (dot > 0 ? name.slice(0, dot) : name)
    .normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^\w.-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 60) || "file";
  return `${base}.${ext}`;
}
