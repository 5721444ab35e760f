/** The carrier adapters the services talk to, one per provider. */
export type { Carriers } from "../carriers/registry.ts";
