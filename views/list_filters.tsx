/**
 * The filter form above the conversation list (F11, F12). A plain GET form
 * (works without JavaScript: the URL is the state, so links share it and
 * the back button restores it); htmx swaps only the list and pushes the URL.
 */
import type { T } from "../i18n/translate.ts";
import {
  type ListFacets,
  type ListFilters,
  type ListStatus,
} from "../services/conversation_list.ts";

/** The query string of a list view; defaults are left out. */
export function filterQuery(f: ListFilters, after?: string): string {
  const p = new URLSearchParams();
  if (f.status !== "open") p.set("status", f.status);
  if (f.assignee !== "anyone") p.set("assignee", String(f.assignee));
  if (f.unread) p.set("unread", "1");
  if (f.tagId !== null) p.set("tag", String(f.tagId));
  if (f.numberId !== null) p.set("number", String(f.numberId));
  if (f.q) p.set("q", f.q);
  if (f.sort !== "newest") p.set("sort", f.sort);
  if (after) p.set("after", after);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The inbox page showing this list view. */
export function listUrl(inboxId: number, f: ListFilters, after?: string) {
  return `/inboxes/${inboxId}${filterQuery(f, after)}`;
}

export interface ListFilterFormProps {
  t: T;
  inboxId: number;
  filters: ListFilters;
  facets: ListFacets;
  userId: number;
}

const STATUS_KEYS: Record<
  ListStatus,
  "list.open" | "list.closed" | "list.spam"
> = {
  open: "list.open",
  closed: "list.closed",
  spam: "list.spam",
};

/** Open / Closed / Spam; switching keeps the other filters. */
export function StatusTabs(
  { t, inboxId, filters }: { t: T; inboxId: number; filters: ListFilters },
) {
  return (
    <div class="tabs">
      {(Object.keys(STATUS_KEYS) as ListStatus[]).map((s) => (
        <a
          href={listUrl(inboxId, { ...filters, status: s })}
          hx-get={`/inboxes/${inboxId}`}
          hx-include="#list-filters"
          hx-vals={JSON.stringify({ status: s })}
          hx-target="#conv-list"
          hx-swap="outerHTML"
          hx-push-url="true"
          aria-current={s === filters.status ? "page" : undefined}
        >
          {t(STATUS_KEYS[s])}
        </a>
      ))}
    </div>
  );
}

export function ListFilterForm(
  { t, inboxId, filters: f, facets, userId }: ListFilterFormProps,
) {
  const action = `/inboxes/${inboxId}`;
  const assignee = String(f.assignee);
  return (
    <form
      id="list-filters"
      class="filters"
      role="search"
      method="get"
      action={action}
      hx-get={action}
      hx-target="#list-body"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-sync="this:replace"
      hx-trigger="submit, change, input changed delay:400ms from:#filter-q"
    >
      <input type="hidden" name="status" value={f.status} />
      <label class="visually-hidden" for="filter-q">{t("filter.search")}</label>
      <input
        id="filter-q"
        type="search"
        name="q"
        value={f.q}
        maxlength={100}
        autocomplete="off"
        placeholder={t("filter.search_placeholder")}
      />
      <div class="filter-row">
        <label class="visually-hidden" for="filter-assignee">
          {t("filter.assignee")}
        </label>
        <select id="filter-assignee" name="assignee">
          <option value="anyone" selected={assignee === "anyone"}>
            {t("filter.assignee_anyone")}
          </option>
          <option value="me" selected={assignee === "me"}>
            {t("filter.assignee_me")}
          </option>
          <option value="unassigned" selected={assignee === "unassigned"}>
            {t("filter.assignee_unassigned")}
          </option>
          {facets.members.filter((m) => m.id !== userId).map((m) => (
            <option value={String(m.id)} selected={assignee === String(m.id)}>
              {m.name}
            </option>
          ))}
        </select>
        {facets.tags.length > 0 && (
          <>
            <label class="visually-hidden" for="filter-tag">
              {t("filter.tag")}
            </label>
            <select id="filter-tag" name="tag">
              <option value="">{t("filter.tag_any")}</option>
              {facets.tags.map((tag) => (
                <option value={String(tag.id)} selected={tag.id === f.tagId}>
                  {tag.name}
                </option>
              ))}
            </select>
          </>
        )}
        {facets.numbers.length > 1 && (
          <>
            <label class="visually-hidden" for="filter-number">
              {t("filter.number")}
            </label>
            <select id="filter-number" name="number">
              <option value="">{t("filter.number_any")}</option>
              {facets.numbers.map((n) => (
                <option value={String(n.id)} selected={n.id === f.numberId}>
                  {n.label ? `${n.label} · ${n.e164}` : n.e164}
                </option>
              ))}
            </select>
          </>
        )}
        <label class="visually-hidden" for="filter-sort">
          {t("filter.sort")}
        </label>
        <select id="filter-sort" name="sort">
          <option value="newest" selected={f.sort === "newest"}>
            {t("filter.sort_newest")}
          </option>
          <option value="oldest" selected={f.sort === "oldest"}>
            {t("filter.sort_oldest")}
          </option>
          <option value="unread" selected={f.sort === "unread"}>
            {t("filter.sort_unread")}
          </option>
        </select>
        <label class="check">
          <input
            type="checkbox"
            name="unread"
            value="1"
            checked={f.unread}
          />
          {t("filter.unread_only")}
        </label>
        <noscript>
          <button type="submit" class="quiet">{t("filter.apply")}</button>
        </noscript>
      </div>
    </form>
  );
}
