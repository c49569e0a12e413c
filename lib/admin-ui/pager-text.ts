import { SORT_LABELS, type ListQuery } from "./list-query.js";

export interface PagerText {
  /** The result summary above the table. */
  summary: string;
  /** "Page n of m" between the pager's buttons. */
  pageInfo: string;
  prevDisabled: boolean;
  nextDisabled: boolean;
}

/** `page`: 0-based; `count`: keys on this page; `total`: keys matching the filters. */
export function pagerText(query: ListQuery, page: number, count: number, total: number): PagerText {
  const first = page * query.size;
  let summary = "";
  if (count === 0) summary = total === 0 ? "No keys." : "";
  else {
    const order = query.sortOrder === "asc" ? "ascending" : "descending";
    summary =
      "Showing " +
      (first + 1) +
      "\u2013" +
      (first + count) +
      " of " +
      total +
      " keys, sorted by " +
      SORT_LABELS[query.sortField].toLowerCase() +
      " (" +
      order +
      ").";
  }
  return {
    summary,
    pageInfo: total > 0 ? "Page " + (page + 1) + " of " + Math.max(1, Math.ceil(total / query.size)) : "",
    prevDisabled: page === 0,
    nextDisabled: first + count >= total || count === 0,
  };
}
