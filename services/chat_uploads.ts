/**
 * Attaching files in a chat (F7, F8): the conversation composer's uploads
 * (services/uploads.ts) without the carrier's rules. A file is uploaded on
 * its own for the browser's progress bar, checked by the type its bytes
 * show, stored, and answered with a token for this chat only; the post
 * writes the message and its files in one transaction.
 */
import type { Db } from "../db/client.ts";
import { type ChatMessageView, postChatMessage, requireChat } from "./chats.ts";
import { chatMediaRules } from "./media_limits.ts";
import {
  type ComposerFiles,
  type FileInput,
  filesOfSend,
  type StagedUpload,
  stageFile,
  type UploadDeps,
  type UploadTarget,
} from "./uploads.ts";
import type { User } from "./users.ts";

/** A chat's uploads: its members only, checked against the chat rules. */
function chatTarget(db: Db, user: User, chatId: number): UploadTarget {
  return {
    scope: `chat:${chatId}`,
    rules: async () => {
      await requireChat(db.orm, user, chatId);
      return chatMediaRules();
    },
  };
}

/** Checks and stores one file for a message in this chat; returns its token. */
export async function stageChatUpload(
  deps: UploadDeps,
  user: User,
  input: FileInput & { chatId: number },
): Promise<StagedUpload> {
  const { chatId, ...file } = input;
  return await stageFile(deps, user, chatTarget(deps.db, user, chatId), file);
}

export interface ChatComposerPost extends ComposerFiles {
  chatId: number;
  body: string;
  clientKey?: string;
}

/** A post from the chat composer, with its files. */
export async function postFromChatComposer(
  deps: UploadDeps,
  user: User,
  { tokens, files, ...post }: ChatComposerPost,
): Promise<ChatMessageView> {
  const target = chatTarget(deps.db, user, post.chatId);
  const attachments = await filesOfSend(deps, user, target, { tokens, files });
  return await postChatMessage(deps.db, deps.clock, user, {
    ...post,
    attachments,
  });
}
