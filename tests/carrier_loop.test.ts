import assert from "node:assert/strict";
import { loggedIn } from "./helpers.ts";
import { eventually, startStack } from "./stack.ts";

const q = async (
  t: { db: { client: { execute(s: string): Promise<{ rows: unknown[] }> } } },
  sql: string,
) => (await t.db.client.execute(sql)).rows as Record<string, unknown>[];

Deno.test("an inbound Twilio SMS through the simulator is stored, and the reply goes out and is delivered", async () => {
  const s = await startStack();
  try {
    const res = await s.sim.injectInbound({
      provider: "twilio",
      from: "+15557770001",
      to: "+15550100001",
      body: "Hi from the simulator",
    });
    assert.equal(res.status, 200);
    const [msg] = await q(
      s,
      `select m.id, m.conversation_id as conv, m.body from messages m where m.provider_id = '${res.providerId}'`,
    );
    assert.equal(msg.body, "Hi from the simulator");
    const ana = await loggedIn(s, "ana");
    const reply = await ana.post(`/conversations/${msg.conv}/messages`, {
      body: "Hello back",
    });
    assert.equal(reply.status, 200);
    await reply.body?.cancel();
    const sent = await eventually(
      () => s.sim.sent.find((m) => m.body === "Hello back"),
      5000,
      "send",
    );
    assert.equal(sent.provider, "twilio");
    assert.equal(sent.from, "+15550100001");
    assert.equal(sent.to, "+15557770001");
    await eventually(
      async () => {
        const [row] = await q(
          s,
          `select status from messages where body = 'Hello back'`,
        );
        return row?.status === "delivered";
      },
      5000,
      "delivered",
    );
  } finally {
    await s.stop();
  }
});
