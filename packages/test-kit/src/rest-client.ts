import { expect } from '@jest/globals';
import { Types } from 'mongoose';
import type { Stack } from './stack';

export interface RestResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface RestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with a JSON content type: for malformed bodies. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export type Rest = (method: string, path: string, options?: RestOptions) => Promise<RestResponse>;

/** A plain HTTP client for the gateway's REST routes; `path` may also be an absolute URL (a Link header's). */
export function restClient(stack: Stack): Rest {
  return async (method, path, { body, rawBody, token, headers = {} } = {}) => {
    const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const response = await fetch(new URL(path, stack.gateway.url), {
      method,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: payload,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the assertion will show the text.
    }
    // The REST layer never answers 500 to anything a client can send: every call here checks it.
    if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return { status: response.status, headers: response.headers, body: parsed };
  };
}

/** The URL in a `Link: <url>; rel="next"` header, or undefined when there is no next page. */
export function nextLink(response: RestResponse): string | undefined {
  const link = response.headers.get('link');
  if (link === null) return undefined;
  const match = /^<([^>]+)>;\s*rel="next"$/.exec(link);
  if (!match?.[1]) throw new Error(`unexpected Link header: ${link}`);
  return match[1];
}

/**
 * Follows the Link headers from `path` to the last page, checking each page is
 * 200 and the link absolute; returns every page's items in order.
 */
export async function readAllPages(rest: Rest, path: string, token?: string): Promise<{ pages: any[][]; items: any[] }> {
  const pages: any[][] = [];
  for (let url: string | undefined = path; url !== undefined; ) {
    const response = await rest('GET', url, { token });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body)).toBe(true);
    pages.push(response.body);
    url = nextLink(response);
    if (url !== undefined) expect(url).toMatch(/^http:\/\/[^/]+\//);
    if (pages.length > 50) throw new Error('Link headers do not end');
  }
  return { pages, items: pages.flat() };
}

/** A FastAPI `{detail, code}` error answer. */
export function expectError(response: RestResponse, status: number, code: string, detail?: string | RegExp): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(typeof response.body.detail).toBe('string');
  if (detail !== undefined) expect(response.body.detail).toMatch(detail);
  if (status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer');
}

/** A FastAPI 422 answer whose `detail` includes an entry at `loc` of `type`. */
export function expectValidationError(response: RestResponse, loc: (string | number)[], type: string): void {
  expect(response.status).toBe(422);
  expect(response.body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc, type, msg: expect.any(String) })]));
}

export const unknownId = () => new Types.ObjectId().toHexString();
export const MALFORMED_ID = 'not-an-id';
