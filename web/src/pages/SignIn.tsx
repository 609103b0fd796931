import { type FormEvent, useId, useState } from 'react';
import { trpc } from '../trpc';

/** Shown when the pod requires READ_TOKEN; the token becomes an HttpOnly session cookie. */
export function SignIn() {
  const id = useId();
  const utils = trpc.useUtils();
  const [token, setToken] = useState('');
  const signIn = trpc.auth.signIn.useMutation({ onSuccess: () => utils.invalidate() });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ token });
  };
  return (
    <main id="main" className="signin">
      <h1>SLA dashboard</h1>
      <form onSubmit={submit} className="card">
        <p>This dashboard needs the read token.</p>
        <div className="field">
          <label htmlFor={`${id}-token`}>Read token</label>
          <input
            id={`${id}-token`}
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
            aria-describedby={signIn.error ? `${id}-err` : undefined}
          />
        </div>
        {signIn.error ? (
          <p id={`${id}-err`} className="notice notice-error" role="alert">
            Sign-in failed: {signIn.error.message}
          </p>
        ) : null}
        <button type="submit" disabled={signIn.isPending || token === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
