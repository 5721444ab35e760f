// Written by scripts/vendor_htmx.ts
export const HTMX_VERSION = "4.0.1";
