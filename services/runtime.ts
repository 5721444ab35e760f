/**
 * The long-running parts of one Bandeja process besides HTTP: the event bus,
 * the carrier adapters (and the demo simulator), the outbox worker and the
 * campaign runner.
 * main.ts and the multi-process tests start them the same way.
 */
import { setUpCarriers } from "../carriers/registry.ts";
import type { CarrierSimulator } from "../carriers/simulator.ts";
import type { Provider } from "../carriers/types.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { AppDeps } from "../routes/context.ts";
import type { Clock } from "./clock.ts";
import { EventBus } from "./event_bus.ts";
import { localMediaStore } from "./media_store.ts";
import { OutboxWorker } from "./outbox.ts";
import { CampaignRunner } from "./campaign_runner.ts";
import { startIngest } from "./ingest_thread.ts";

export interface Runtime {
  deps: AppDeps;
  outbox: OutboxWorker;
  campaigns: CampaignRunner;
  simulator: CarrierSimulator | null;
  stop(): Promise<void>;
}

/** A random secret for this process when none is configured. */
function processSecret(): string {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Starts the bus, carriers and outbox around an open database. */
export async function startRuntime(
  db: Db,
  config: Config,
  clock: Clock,
  appBaseUrl: string,
): Promise<Runtime> {
  const bus = new EventBus(db);
  await bus.start();
  const { carriers, simulator } = await setUpCarriers(config, appBaseUrl);
  const media = localMediaStore(config.mediaDir);
  const mediaUrlSecret = config.env.MEDIA_URL_SECRET ?? processSecret();
  const outbox = new OutboxWorker({
    db,
    clock,
    carriers,
    media,
    publicUrl: config.publicUrl,
    mediaUrlSecret,
    ratePerSecond: config.env.OUTBOX_RATE_PER_SEC,
    leaseMs: config.env.OUTBOX_LEASE_MS,
  });
  outbox.start();
  const campaigns = new CampaignRunner({
    db,
    clock,
    defaultTimeZone: config.env.CAMPAIGN_DEFAULT_TIME_ZONE,
    ratePerSecond: config.env.OUTBOX_RATE_PER_SEC,
  });
  campaigns.start();
  const keywordReplies = new Set(
    config.env.CARRIER_KEYWORD_REPLIES.split(",").filter(Boolean) as Provider[],
  );
  const ingest = startIngest(
    db,
    clock,
    keywordReplies,
    config.env.INGEST_THREAD,
  );
  return {
    deps: {
      db,
      clock,
      config,
      bus,
      carriers,
      media,
      mediaUrlSecret,
      carrierRepliesToKeywords: keywordReplies,
      ingest,
    },
    outbox,
    campaigns,
    simulator,
    stop: async () => {
      await campaigns.stop();
      await outbox.stop();
      await ingest.close();
      await simulator?.close();
      await bus.stop();
    },
  };
}
