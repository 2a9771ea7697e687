// The `/responses` URL of a base URL: `<base path>/responses?<base query>&<queryParams>`.
// A base URL may carry a query of its own (`…/openai?api-version=…`), which must follow the
// path rather than precede it; the query is kept as written, not re-escaped, as Codex
// writes its query params.

/** A base URL split for requests. */
export interface ResponsesUrl {
  /** The base: its path without trailing slashes, and its query when it has one. */
  baseUrl: string;
  /** Where requests go. */
  url: string;
}

/**
 * Builds the `/responses` URL of a base URL.
 *
 * @param base The base URL, as given.
 * @param queryParams Pairs added after the base's own query.
 * @returns The base and the request URL.
 * @throws {TypeError} When the base has a fragment (`#…`), which no request can carry.
 */
export function responsesUrl(
  base: string,
  queryParams: Readonly<Record<string, string>> = {},
): ResponsesUrl {
  if (base.includes("#")) {
    throw new TypeError(
      `Cannot create ResponsesClient: baseUrl must not have a fragment ("#…"), got ${
        JSON.stringify(base)
      }; put query parameters after "?" or in queryParams`,
    );
  }
  const mark = base.indexOf("?");
  const path = (mark === -1 ? base : base.slice(0, mark)).replace(/\/+$/, "");
  const baseQuery = mark === -1 ? [] : base.slice(mark + 1).split("&").filter((pair) => pair);
  const query = [
    ...baseQuery,
    ...Object.entries(queryParams).map(([name, value]) => `${name}=${value}`),
  ].join("&");
  return {
    baseUrl: baseQuery.length === 0 ? path : `${path}?${baseQuery.join("&")}`,
    url: `${path}/responses${query === "" ? "" : `?${query}`}`,
  };
}
