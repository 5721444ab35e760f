/**
 * The list pane: status tabs, the filter form, and the list body — this
 * user's pinned conversations, then a page of rows with a keyset "load
 * more" link. The default view (newest first, no filter) is the one live
 * updates insert into; any other view refreshes its rows in place.
 */
import type { T } from "../i18n/translate.ts";
import {
  DEFAULT_FILTERS,
  encodeCursor,
  isFiltered,
  type ListCursor,
  type ListFacets,
  type ListFilters,
  type ListPage,
  type ListStatus,
} from "../services/conversation_list.ts";
import type { ConversationSummary } from "../services/conversations.ts";
import { ConversationRow } from "./conversation_row.tsx";
import {
  filterQuery,
  ListFilterForm,
  listUrl,
  StatusTabs,
} from "./list_filters.tsx";

/** The id of the list live updates insert into (the default view). */
export function liveListId(inboxId: number, status: ListStatus) {
  return `conv-list-${inboxId}-${status}`;
}

/** The id of a filtered or re-sorted view: live updates only refresh it. */
export function viewListId(inboxId: number, status: ListStatus) {
  return `conv-view-${inboxId}-${status}`;
}

export function pinsListId(inboxId: number) {
  return `pins-${inboxId}`;
}

function moreLink(
  t: T,
  inboxId: number,
  f: ListFilters,
  next: ListCursor,
) {
  const after = encodeCursor(next);
  return (
    <li class="more-item">
      <a
        class="more"
        href={listUrl(inboxId, f, after)}
        hx-get={`/inboxes/${inboxId}/list${filterQuery(f, after)}`}
        hx-target="closest li"
        hx-swap="outerHTML"
      >
        {t("list.more")}
      </a>
    </li>
  );
}

export interface ConversationItemsProps {
  t: T;
  inboxId: number;
  filters: ListFilters;
  rows: ConversationSummary[];
  next: ListCursor | null;
  activeId?: number;
}

/** Rows and the "load more" item, without the list around them. */
export function ConversationItems(
  { t, inboxId, filters, rows, next, activeId }: ConversationItemsProps,
) {
  return (
    <>
      {rows.map((conv) => (
        <ConversationRow t={t} conv={conv} active={conv.id === activeId} />
      ))}
      {next && moreLink(t, inboxId, filters, next)}
    </>
  );
}

export interface ListBodyProps {
  t: T;
  inboxId: number;
  filters: ListFilters;
  page: ListPage;
  /** the event id the list was read after: live signals up to it are stale */
  asOf: number;
  activeId?: number;
}

export function ListBody(props: ListBodyProps) {
  const { t, inboxId, filters: f, page, activeId } = props;
  const filtered = isFiltered(f);
  const live = !filtered;
  const empty = page.rows.length === 0 && page.pinned.length === 0;
  return (
    <div
      id="list-body"
      class="list-body"
      data-url={listUrl(inboxId, f)}
      data-as-of={String(props.asOf)}
    >
      {filtered && (
        <p class="filter-note">
          {t("filter.active")}{" "}
          <a
            class="reset"
            href={listUrl(inboxId, { ...DEFAULT_FILTERS, status: f.status })}
            hx-get={listUrl(inboxId, {
              ...DEFAULT_FILTERS,
              status: f.status,
            })}
            hx-target="#conv-list"
            hx-swap="outerHTML"
            hx-push-url="true"
          >
            {t("filter.reset")}
          </a>
        </p>
      )}
      {page.pinned.length > 0 && (
        <ul
          id={pinsListId(inboxId)}
          class="conv-list pins"
          aria-label={t("list.pinned")}
          data-reorder-url={`/inboxes/${inboxId}/pins/order`}
        >
          {page.pinned.map((conv) => (
            <ConversationRow t={t} conv={conv} active={conv.id === activeId} />
          ))}
        </ul>
      )}
      <ul
        id={live
          ? liveListId(inboxId, f.status)
          : viewListId(inboxId, f.status)}
        class={live ? "conv-list" : "conv-list view"}
        aria-label={t("list.label")}
      >
        {empty
          ? (
            <li class="empty">
              {filtered ? t("list.empty_filtered") : t(
                f.status === "open"
                  ? "list.empty_open"
                  : f.status === "closed"
                  ? "list.empty_closed"
                  : "list.empty_spam",
              )}
            </li>
          )
          : (
            <ConversationItems
              t={t}
              inboxId={inboxId}
              filters={f}
              rows={page.rows}
              next={page.next}
              activeId={activeId}
            />
          )}
      </ul>
    </div>
  );
}

export interface ListPaneProps extends ListBodyProps {
  facets: ListFacets;
  userId: number;
}

/** Tabs, the "new conversation" button, filters and the list body. */
export function ListPane(props: ListPaneProps) {
  const { t, inboxId, filters } = props;
  return (
    <nav class="list-pane" id="conv-list" aria-label={t("list.label")}>
      <div class="list-head">
        <StatusTabs t={t} inboxId={inboxId} filters={filters} />
        <a
          class="button new-button"
          href={`/conversations/new?inbox=${inboxId}`}
          hx-get={`/conversations/new?inbox=${inboxId}`}
          hx-target="#thread-pane"
          hx-push-url="true"
        >
          <span aria-hidden="true">+</span> {t("new.button")}
        </a>
      </div>
      <ListFilterForm
        t={t}
        inboxId={inboxId}
        filters={filters}
        facets={props.facets}
        userId={props.userId}
      />
      <ListBody {...props} />
    </nav>
  );
}
