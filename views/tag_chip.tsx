/** A tag as a small coloured label (colours are CSS classes: no inline styles). */
import type { Tag } from "../services/tags.ts";

export function TagChip({ tag }: { tag: Pick<Tag, "name" | "color"> }) {
  return <span class={`tag tag-${tag.color}`}>{tag.name}</span>;
}
