/**
 * Who is signed in. The app asks `GET /session` once: 200 is a session, 401 shows the sign-in
 * screen, and 404 means the server has no sign-in at all (the API is open), in which case the app
 * works without one. Any later 401 (the session expired) brings the sign-in screen back.
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiError, rememberCsrfToken, setUnauthenticatedHandler } from "./client";
import { api } from "./endpoints";
import type { SessionUser } from "./types";

export type SessionState =
  | { status: "loading" }
  | { status: "open" }
  | { status: "signed-out"; reason?: "expired" | "signed-out" }
  | { status: "signed-in"; user: SessionUser };

interface SessionContextValue {
  state: SessionState;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    api.session
      .get()
      .then((session) => {
        rememberCsrfToken(session.csrfToken);
        if (!cancelled) setState({ status: "signed-in", user: session.user });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 401) setState({ status: "signed-out" });
        else setState({ status: "open" }); // no session route: the API is open
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setState((current) =>
        current.status === "open" ? current : { status: "signed-out", reason: "expired" },
      );
    });
    return () => setUnauthenticatedHandler(null);
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const session = await api.session.open(email, password);
      rememberCsrfToken(session.csrfToken);
      queryClient.clear();
      setState({ status: "signed-in", user: session.user });
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await api.session.close();
    } finally {
      rememberCsrfToken(null);
      queryClient.clear();
      setState({ status: "signed-out", reason: "signed-out" });
    }
  }, [queryClient]);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** Roles that may change things (every role but the read-only ones); open mode may do everything. */
export function useCanEdit(): boolean {
  const { state } = useSession();
  if (state.status !== "signed-in") return state.status === "open";
  return !["auditor", "read_only"].includes(state.user.role);
}
