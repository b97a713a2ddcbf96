/**
 * The one way the app talks to the API: JSON in and out, errors from the catalogue as ApiError,
 * the CSRF token on every mutating request (auth contract: X-CSRF-Token = the recoup_csrf cookie)
 * and an Idempotency-Key on every POST/PUT/PATCH/DELETE, so that a retried click never acts twice.
 */
import type { ApiErrorBody } from "./types";

export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Query parameters: strings, numbers and booleans; undefined, null and "" are left out. */
export type Query = object;

/** "?a=1&b=x" from the defined values of `query` ("" when none). */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

function cookie(name: string): string | null {
  const match = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

/** Set when a session is opened, for the case where the cookie is not readable yet. */
let csrfFromSession: string | null = null;
export function rememberCsrfToken(token: string | null): void {
  csrfFromSession = token;
}

/** Called on every 401 so that the session layer can show the sign-in screen. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 is the caller's business (the session probe), not a reason to show the sign-in screen. */
  quietUnauthenticated?: boolean;
}

/**
 * Calls `path` under /api/v1 and returns its JSON (undefined for 204). Throws ApiError with the
 * catalogue's code for any error answer, and ApiError("NETWORK") when the server is unreachable.
 *
 * @example const kpis = await request<KpiReport>("/kpis", { query: { from, to } })
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") {
    const csrf = cookie("recoup_csrf") ?? csrfFromSession;
    if (csrf) headers["X-CSRF-Token"] = csrf;
    headers["Idempotency-Key"] = crypto.randomUUID();
  }
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}${queryString(options.query)}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", "The Recoup server cannot be reached. Check that it is running.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: reported below with the status.
  }
  if (!response.ok) {
    const body = json as Partial<ApiErrorBody> | undefined;
    const error = body?.error;
    if (response.status === 401 && !options.quietUnauthenticated) onUnauthenticated?.();
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `The server answered ${response.status} ${response.statusText}`,
      error?.details,
    );
  }
  return json as T;
}
