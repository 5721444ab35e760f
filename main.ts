/**
 * Starts Bandeja: reads the configuration, opens and migrates the database,
 * seeds the demo organisation into an empty one, and serves HTTP.
 */
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { openDb } from "./db/client.ts";
import { isEmpty, seedDemo } from "./db/seed.ts";
import { systemClock } from "./services/clock.ts";
import { EventBus } from "./services/event_bus.ts";

const config = loadConfig();
const db = await openDb({
  url: config.databaseUrl,
  authToken: config.databaseAuthToken,
});
if (config.demo && await isEmpty(db)) {
  await seedDemo(db, { now: systemClock() });
  console.log("Seeded the demo organisation (password: demo-password)");
}
const bus = new EventBus(db);
await bus.start();
const { app } = await createApp({ db, clock: systemClock, config, bus });

const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ port }) =>
    console.log(`Bandeja listening on http://localhost:${port}`),
}, app.fetch);

const shutdown = async () => {
  await server.shutdown();
  await bus.stop();
  db.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
