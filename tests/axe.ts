/** axe-core in a Playwright page: the serious and critical violations. */
import type { Page } from "playwright-core";

const AXE_SOURCE = await Deno.readTextFile(
  new URL("../node_modules/axe-core/axe.min.js", import.meta.url),
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe on the page as it is now and returns the violations of impact
 * "serious" or "critical", each with the selectors of its nodes.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // an inline script: the page's CSP refuses it unless the context was
  // created with `bypassCSP: true`
  await page.addScriptTag({ content: AXE_SOURCE });
  const all = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document);
    // deno-lint-ignore no-explicit-any
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // deno-lint-ignore no-explicit-any
      targets: v.nodes.map((n: any) => String(n.target)),
    }));
  }) as AxeViolation[];
  return all.filter((v) => v.impact === "serious" || v.impact === "critical");
}
