/**
 * Starts Bandeja: reads the configuration, opens and migrates the database,
 * seeds the demo organisation into an empty one, starts the event bus,
 * carriers (or the demo's carrier simulator) and outbox, and serves HTTP.
 */
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { openDb } from "./db/client.ts";
import { isEmpty, seedDemo } from "./db/seed.ts";
import { systemClock } from "./services/clock.ts";
import { setLogLevel } from "./services/log.ts";
import { startRuntime } from "./services/runtime.ts";

const config = loadConfig();
setLogLevel(config.env.LOG_LEVEL);
const db = await openDb({
  url: config.databaseUrl,
  authToken: config.databaseAuthToken,
});
if (config.demo && await isEmpty(db)) {
  await seedDemo(db, { now: systemClock() });
  console.log("Seeded the demo organisation (password: demo-password)");
}
const runtime = await startRuntime(
  db,
  config,
  systemClock,
  `http://127.0.0.1:${config.port}`,
);
const { app } = await createApp(runtime.deps);

const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ port }) => {
    console.log(`Bandeja listening on http://localhost:${port}`);
    if (runtime.simulator) {
      console.log(
        `Carrier simulator on ${runtime.simulator.url} (inject a message: ` +
          `deno run -A carriers/simulator.ts inject --provider twilio ` +
          `--from +15551234567 --to +15550100001 --body hello)`,
      );
    }
  },
}, app.fetch);

const shutdown = async () => {
  await runtime.stop();
  await server.shutdown();
  db.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
