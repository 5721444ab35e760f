/**
 * Attachments from the composer (F22, F30). A file is uploaded on its own
 * (so the browser can show progress), checked against the conversation's
 * channel (or a chat's rules, services/chat_uploads.ts) by its sniffed type
 * and size, stored, and answered with a signed token good for that place
 * only; the form carries the tokens and the send attaches the files.
 * Nothing is written to the database until the reply is sent. A voice note
 * recorded as WebM (Chromium) is remuxed to Ogg Opus, which WhatsApp takes.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { phoneNumbers } from "../db/schema.ts";
import { requireConversation } from "./access.ts";
import type { StagedFile } from "./attachments.ts";
import type { Clock } from "./clock.ts";
import { Invalid } from "./errors.ts";
import {
  checkFile,
  isOggOpus,
  MediaRefused,
  type MediaRules,
  mediaRules,
  sniffUpload,
} from "./media_limits.ts";
import type { MediaStore } from "./media_store.ts";
import { sendReply, type SentReply } from "./messages.ts";
import type { User } from "./users.ts";
import { isWebm, NotOpusWebm, webmToOgg } from "./webm_to_ogg.ts";

/** An upload token can be sent with a reply for this long. */
export const UPLOAD_TTL_MS = 24 * 3600_000;
/** A browser-made preview bigger than this is ignored. */
export const MAX_THUMBNAIL_BYTES = 64 * 1024;

export interface UploadDeps {
  db: Db;
  clock: Clock;
  media: MediaStore;
  /** signs upload tokens (the media URL secret, under its own prefix) */
  secret: string;
}

/** One file as the browser posted it. */
export interface FileInput {
  name: string;
  bytes: Uint8Array;
  /** a small JPEG/PNG/WebP preview the browser drew of an image */
  thumbnail?: Uint8Array | null;
  /** recorded in the composer as a voice note */
  voice?: boolean;
}

export interface UploadInput extends FileInput {
  conversationId: number;
}

/**
 * Where an upload goes: the token is good in that place only (its scope,
 * "conversation:12" or "chat:3"), and the file is checked against the
 * place's rules. `rules` also checks the user's access to the place.
 */
export interface UploadTarget {
  scope: string;
  rules: () => Promise<MediaRules>;
}

export interface StagedUpload extends StagedFile {
  token: string;
}

interface TokenBody extends StagedFile {
  scope: string;
  userId: number;
  expiresAt: number;
}

const encoder = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function sign(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return b64url(
    new Uint8Array(
      await crypto.subtle.sign("HMAC", key, encoder.encode(`upload\n${data}`)),
    ),
  );
}

async function makeToken(secret: string, body: TokenBody): Promise<string> {
  const data = b64url(encoder.encode(JSON.stringify(body)));
  return `${data}.${await sign(secret, data)}`;
}

async function readToken(
  secret: string,
  token: string,
): Promise<TokenBody | null> {
  const [data, sig] = token.split(".");
  if (!data || !sig || token.length > 4096) return null;
  const expected = await sign(secret, data);
  if (expected.length !== sig.length) return null;
  let diff = 0;
  for (let i = 0; i < sig.length; i++) {
    diff |= expected.charCodeAt(i) ^ sig.charCodeAt(i);
  }
  if (diff !== 0) return null;
  try {
    return JSON.parse(new TextDecoder().decode(fromB64url(data))) as TokenBody;
  } catch {
    return null;
  }
}

/**
 * A file name fit to show and store: no folders, no control or bidi
 * characters, at most 120 characters. (Views escape it; this keeps it sane.)
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g,
    "",
  )
    .trim().slice(0, 120);
  return clean || "file";
}

/** The attachment rules of a conversation the user can work on. */
export async function conversationMediaRules(
  db: Db,
  user: User,
  conversationId: number,
): Promise<MediaRules> {
  const conv = await requireConversation(db.orm, user, conversationId);
  const [number] = await db.orm.select({
    channel: phoneNumbers.channel,
    provider: phoneNumbers.provider,
    e164: phoneNumbers.e164,
  }).from(phoneNumbers).where(eq(phoneNumbers.id, conv.numberId));
  return mediaRules(number);
}

/** A conversation's uploads: checked against its sending number. */
export function conversationTarget(
  db: Db,
  user: User,
  conversationId: number,
): UploadTarget {
  return {
    scope: `conversation:${conversationId}`,
    rules: () => conversationMediaRules(db, user, conversationId),
  };
}

/**
 * Checks and stores one file for a reply in this conversation; returns the
 * token the reply form sends back. Throws MediaRefused with the reason.
 */
export async function stageUpload(
  deps: UploadDeps,
  user: User,
  { conversationId, ...file }: UploadInput,
): Promise<StagedUpload> {
  return await stageFile(
    deps,
    user,
    conversationTarget(deps.db, user, conversationId),
    file,
  );
}

/**
 * Checks one file against the target's rules (by the type its bytes show,
 * never the name or the browser's word), stores it, and returns the token
 * the composer's form sends back. Throws MediaRefused with the reason.
 */
export async function stageFile(
  deps: UploadDeps,
  user: User,
  target: UploadTarget,
  input: FileInput,
): Promise<StagedUpload> {
  const rules = await target.rules();
  let bytes = input.bytes;
  let name = cleanFileName(input.name);
  if (bytes.length === 0) {
    throw new Invalid("The file is empty", "upload.empty");
  }
  if (input.voice) {
    if (!rules.voiceNotes) {
      throw new MediaRefused({ key: "upload.voice_whatsapp_only", vars: {} });
    }
    if (isWebm(bytes)) {
      try {
        bytes = webmToOgg(bytes);
      } catch (err) {
        if (!(err instanceof NotOpusWebm)) throw err;
        throw new MediaRefused({ key: "upload.voice_format", vars: {} });
      }
    }
    if (!isOggOpus(bytes)) {
      throw new MediaRefused({ key: "upload.voice_format", vars: {} });
    }
    name = "voice-note.ogg";
  }
  const contentType = sniffUpload(bytes, name);
  const problem = checkFile(rules, {
    name,
    contentType,
    size: bytes.length,
    bytes,
  });
  if (problem) throw new MediaRefused(problem);
  let thumbnail: Uint8Array | null = null;
  if (
    contentType.startsWith("image/") && input.thumbnail &&
    input.thumbnail.length <= MAX_THUMBNAIL_BYTES &&
    /^image\/(jpeg|png|webp)$/.test(sniffUpload(input.thumbnail, ""))
  ) thumbnail = input.thumbnail;
  const file: StagedFile = {
    storageKey: await deps.media.put(bytes),
    thumbnailKey: thumbnail ? await deps.media.put(thumbnail) : null,
    contentType,
    size: bytes.length,
    filename: name,
    isVoiceNote: !!input.voice,
  };
  const token = await makeToken(deps.secret, {
    ...file,
    scope: target.scope,
    userId: user.id,
    expiresAt: deps.clock() + UPLOAD_TTL_MS,
  });
  return { ...file, token };
}

/** The files behind upload tokens, if they are this user's for this place. */
export async function filesOfTokens(
  deps: Pick<UploadDeps, "clock" | "secret">,
  user: User,
  scope: string,
  tokens: string[],
): Promise<StagedFile[]> {
  const out: StagedFile[] = [];
  const seen = new Set<string>();
  for (const token of tokens) {
    const body = await readToken(deps.secret, token);
    if (
      !body || body.userId !== user.id ||
      body.scope !== scope || body.expiresAt < deps.clock()
    ) {
      throw new Invalid(
        "An attachment expired; attach it again",
        "upload.expired",
      );
    }
    if (seen.has(body.storageKey)) continue;
    seen.add(body.storageKey);
    out.push({
      storageKey: body.storageKey,
      thumbnailKey: body.thumbnailKey,
      contentType: body.contentType,
      size: body.size,
      filename: body.filename,
      isVoiceNote: body.isVoiceNote,
    });
  }
  return out;
}

/**
 * What upload tokens say, unchecked: for showing the files again in a
 * re-rendered composer. The send checks them (filesOfTokens).
 */
export function peekUploads(
  tokens: string[],
): { file: StagedFile; token: string }[] {
  const out: { file: StagedFile; token: string }[] = [];
  for (const token of tokens.slice(0, 10)) {
    try {
      const body = JSON.parse(
        new TextDecoder().decode(fromB64url(token.split(".")[0] ?? "")),
      ) as TokenBody;
      if (typeof body.filename !== "string" || typeof body.size !== "number") {
        continue;
      }
      out.push({
        token,
        file: {
          storageKey: String(body.storageKey),
          thumbnailKey: null,
          contentType: String(body.contentType),
          size: body.size,
          filename: body.filename,
          isVoiceNote: !!body.isVoiceNote,
        },
      });
    } catch {
      // not ours: not shown
    }
  }
  return out;
}

/** The files a composer's form carries (a conversation's or a chat's). */
export interface ComposerFiles {
  /** upload tokens from the form (the script uploaded the files) */
  tokens: string[];
  /** files posted with the form itself (no script) */
  files: { name: string; bytes: Uint8Array }[];
}

export interface ComposerSend extends ComposerFiles {
  conversationId: number;
  body: string;
  clientKey?: string;
  lastSeenId?: number;
}

/**
 * The files of a send from a composer: those uploaded already (by token)
 * and any posted with the form itself (no script), checked and stored.
 */
export async function filesOfSend(
  deps: UploadDeps,
  user: User,
  target: UploadTarget,
  input: ComposerFiles,
): Promise<StagedFile[]> {
  const files = await filesOfTokens(deps, user, target.scope, input.tokens);
  for (const f of input.files) {
    const { token: _, ...staged } = await stageFile(deps, user, target, f);
    files.push(staged);
  }
  return files;
}

/**
 * A send from the composer: its uploaded files (by token) and any files
 * posted with the form are checked and attached, then the reply is sent.
 */
export async function sendFromComposer(
  deps: UploadDeps,
  user: User,
  input: ComposerSend,
): Promise<SentReply> {
  const files = await filesOfSend(
    deps,
    user,
    conversationTarget(deps.db, user, input.conversationId),
    input,
  );
  return await sendReply(deps.db, deps.clock, user, {
    conversationId: input.conversationId,
    body: input.body,
    clientKey: input.clientKey,
    attachments: files,
    lastSeenId: input.lastSeenId,
  });
}
