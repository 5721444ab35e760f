/** The close button of the side panel beside a thread. */
import type { T } from "../i18n/translate.ts";

export function PanelClose({ t, conversationId }: {
  t: T;
  conversationId: number;
}) {
  return (
    <a
      class="button quiet panel-close"
      href={`/conversations/${conversationId}`}
      hx-get={`/conversations/${conversationId}/panel/none`}
      hx-target={`#side-panel-${conversationId}`}
      hx-swap="innerHTML"
    >
      <span aria-hidden="true">×</span>
      <span class="visually-hidden">{t("panel.close")}</span>
    </a>
  );
}
