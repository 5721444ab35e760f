/**
 * How one send from the composer becomes carrier messages. An MMS carries
 * the text and all its files at once. A WhatsApp message carries one file
 * (the Cloud API takes one media object per message), and only images,
 * videos and documents take a caption: the text rides on the first file
 * when it can, else it goes first as a text message of its own.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#media-object
 */
import type { StagedFile } from "./attachments.ts";

export interface ReplyPart {
  body: string;
  files: StagedFile[];
}

/** Audio and stickers take no caption on WhatsApp. */
export function takesCaption(contentType: string): boolean {
  return !contentType.startsWith("audio/") && contentType !== "image/webp";
}

/** The messages one send is stored and sent as, in order. */
export function planParts(
  body: string,
  files: StagedFile[],
  channel: "sms" | "whatsapp",
): ReplyPart[] {
  if (channel === "sms" || files.length === 0) return [{ body, files }];
  const parts: ReplyPart[] = files.map((f) => ({ body: "", files: [f] }));
  if (body) {
    if (takesCaption(files[0].contentType)) parts[0].body = body;
    else parts.unshift({ body, files: [] });
  }
  return parts;
}
