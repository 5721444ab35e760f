/**
 * Where attachment bytes live. The default keeps them under a local folder
 * (MEDIA_DIR); the interface is small so an object store can replace it.
 *
 * There is no delete, on purpose: one key may be named by many attachment
 * rows (a campaign's file, one row per recipient's message). A clean-up
 * added later must delete a key only when no row names it any more.
 */
export interface MediaStore {
  put(bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Uint8Array | null>;
}

/** A store in a local folder; keys are random, never taken from input. */
export function localMediaStore(dir: string): MediaStore {
  return {
    async put(bytes) {
      const key = `${crypto.randomUUID()}.bin`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeFile(`${dir}/${key}`, bytes);
      return key;
    },
    async get(key) {
      if (!/^[0-9a-f-]{36}\.bin$/.test(key)) return null;
      try {
        return await Deno.readFile(`${dir}/${key}`);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return null;
        throw err;
      }
    },
  };
}

/**
 * The content type told by the bytes themselves (magic numbers), so a file
 * named .jpg that is really HTML is never served as an image.
 */
export function sniffContentType(b: Uint8Array): string {
  const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
  const ascii = (i: number, s: string) =>
    [...s].every((ch, k) => b[i + k] === ch.charCodeAt(0));
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "image/gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "image/webp";
  if (ascii(0, "%PDF-")) return "application/pdf";
  if (ascii(0, "OggS")) return "audio/ogg";
  if (ascii(0, "#!AMR")) return "audio/amr";
  if (ascii(0, "ID3") || at(0, 0xff, 0xfb) || at(0, 0xff, 0xf3)) {
    return "audio/mpeg";
  }
  if (ascii(4, "ftyp")) {
    const brand = String.fromCharCode(...b.slice(8, 12));
    if (brand.startsWith("M4A")) return "audio/mp4";
    if (brand.startsWith("3g")) return "video/3gpp";
    return "video/mp4";
  }
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return "video/webm";
  if (ascii(0, "BEGIN:VCARD")) return "text/vcard";
  return "application/octet-stream";
}
