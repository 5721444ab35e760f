/**
 * A small POST form for one action on a conversation or contact. Works as
 * plain HTML (the server redirects back); with htmx the answer holds
 * partials for what changed, and a refusal's text lands in `errorTarget`.
 */
import type { Child } from "hono/jsx";

export interface ActionFormProps {
  action: string;
  csrfToken: string;
  /** where a refusal's message goes (a role="alert" element) */
  errorTarget: string;
  /** asked before destructive actions */
  confirm?: string;
  class?: string;
  children?: Child;
}

export function ActionForm(props: ActionFormProps) {
  return (
    <form
      class={props.class ?? "action"}
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target={props.errorTarget}
      hx-swap="innerHTML"
      hx-confirm={props.confirm}
      hx-disable="find button"
    >
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      {props.children}
    </form>
  );
}
