/**
 * What the composer tests share: uploading a file as the script does, the
 * token out of the chip, small real files, and the newest message seen.
 */
import type { Client } from "./helpers.ts";

/** A real 1×1 PNG. */
export const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** JPEG magic followed by `size` bytes in all. */
export function jpegOfSize(size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}

/** PDF magic followed by `size` bytes in all. */
export function pdfOfSize(size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size).fill(0x20);
  b.set(new TextEncoder().encode("%PDF-1.4\n"));
  return b;
}

/** POSTs one file to the conversation's upload route, as static/app.js does. */
export function upload(
  client: Client,
  conversationId: number,
  file: { name: string; bytes: Uint8Array; type?: string },
  opts: { thumb?: Uint8Array; voice?: boolean } = {},
): Promise<Response> {
  return uploadTo(
    client,
    `/conversations/${conversationId}/uploads`,
    file,
    opts,
  );
}

/** POSTs one file to an upload route (a conversation's or a chat's). */
export function uploadTo(
  client: Client,
  path: string,
  file: { name: string; bytes: Uint8Array; type?: string },
  opts: { thumb?: Uint8Array; voice?: boolean } = {},
): Promise<Response> {
  const form = new FormData();
  form.append(
    "file",
    new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, {
      type: file.type ?? "application/octet-stream",
    }),
  );
  if (opts.thumb) {
    form.append(
      "thumb",
      new File([opts.thumb as Uint8Array<ArrayBuffer>], "thumb.jpg"),
    );
  }
  if (opts.voice) form.append("voice", "1");
  return client.request(path, {
    method: "POST",
    body: form,
    headers: { "x-csrf-token": client.csrf },
  });
}

/** The upload token in a chip (or a composer holding chips). */
export function tokensIn(html: string): string[] {
  return [...html.matchAll(/name="attachment" value="([^"]+)"/g)].map((m) =>
    m[1]
  );
}

/** Uploads a file and returns its token; throws with the answer if refused. */
export async function uploaded(
  client: Client,
  conversationId: number,
  file: { name: string; bytes: Uint8Array; type?: string },
  opts: { thumb?: Uint8Array; voice?: boolean } = {},
): Promise<string> {
  const res = await upload(client, conversationId, file, opts);
  const html = await res.text();
  if (res.status !== 200) throw new Error(`upload ${res.status}: ${html}`);
  return tokensIn(html)[0];
}

/** Posts the composer's form with upload tokens (htmx, urlencoded). */
export function sendWith(
  client: Client,
  conversationId: number,
  form: { body?: string; tokens?: string[]; lastSeen?: number },
): Promise<Response> {
  const params = new URLSearchParams({ body: form.body ?? "" });
  for (const t of form.tokens ?? []) params.append("attachment", t);
  if (form.lastSeen !== undefined) {
    params.set("last_seen", String(form.lastSeen));
  }
  return client.request(`/conversations/${conversationId}/messages`, {
    method: "POST",
    body: params,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-csrf-token": client.csrf,
      "hx-request": "true",
    },
  });
}

/** The composer's last_seen value in a page or fragment. */
export function lastSeenIn(html: string): number {
  const m = /name="last_seen" value="(\d+)"/.exec(html);
  if (!m) throw new Error("no last_seen in the composer");
  return Number(m[1]);
}
