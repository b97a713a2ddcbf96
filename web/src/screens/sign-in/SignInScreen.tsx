import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { useSession } from "../../api/session";

const MESSAGES: Record<string, string> = {
  TOO_MANY_ATTEMPTS: "Too many attempts. Wait a few minutes before trying again.",
  UNAUTHENTICATED: "That email and password do not match an account.",
  CSRF_REJECTED: "The page was open too long. Reload it and sign in again.",
};

export function SignInScreen({ reason }: { reason?: "expired" | "signed-out" | undefined }) {
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (caught) {
      const code = caught instanceof ApiError ? caught.code : "";
      setError(MESSAGES[code] ?? (caught instanceof Error ? caught.message : "Sign-in failed."));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            R
          </span>
          <span className="brand-name">Recoup</span>
        </div>
        <h1 id="sign-in-title">Sign in</h1>
        {reason === "expired" ? (
          <p className="notice">Your session has ended. Sign in again to continue.</p>
        ) : null}
        {reason === "signed-out" ? <p className="notice">You are signed out.</p> : null}
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary wide" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
