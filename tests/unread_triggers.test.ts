import assert from "node:assert/strict";
import { conversationReads } from "../db/schema.ts";
import { demoIds, testDb } from "./helpers.ts";

Deno.test("upserting a user's read state twice keeps the unread table consistent instead of failing", async () => {
  const db = await testDb();
  try {
    const { users } = await demoIds(db);
    // an UPSERT overrides the conflict clause of the statements its triggers
    // run; the unread triggers must not rely on INSERT OR IGNORE
    for (const id of [0, 1, 0]) {
      await db.write((tx) =>
        tx.insert(conversationReads).values({
          userId: users.ana,
          conversationId: 1,
          lastReadMessageId: id,
        }).onConflictDoUpdate({
          target: [conversationReads.userId, conversationReads.conversationId],
          set: { lastReadMessageId: id, markedUnread: false },
        })
      );
    }
    const rows = (await db.client.execute({
      sql:
        "SELECT count(*) AS n FROM conversation_unread WHERE user_id = ? AND conversation_id = 1",
      args: [users.ana],
    })).rows;
    // conversation 1 has newer messages than id 0: it is unread, once
    assert.equal(Number(rows[0].n), 1);
  } finally {
    db.close();
  }
});
