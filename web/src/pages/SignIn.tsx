import { type FormEvent, useId, useState } from 'react';
import { trpc } from '../trpc';

/** A token typed into a form, exchanged for the session cookie (`auth.signIn`); every query refetches after. */
export function useTokenSignIn() {
  const utils = trpc.useUtils();
  const [token, setToken] = useState('');
  const signIn = trpc.auth.signIn.useMutation({ onSuccess: () => utils.invalidate() });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ token });
  };
  return { token, setToken, signIn, submit };
}

/** The password field of a sign-in form, with the refusal tied to it. */
export function TokenInput({ id, label, s }: { id: string; label: string; s: ReturnType<typeof useTokenSignIn> }) {
  return (
    <div className="field">
      <label htmlFor={`${id}-token`}>{label}</label>
      <input
        id={`${id}-token`}
        type="password"
        autoComplete="current-password"
        value={s.token}
        onChange={(e) => s.setToken(e.target.value)}
        required
        aria-describedby={s.signIn.error ? `${id}-err` : undefined}
      />
    </div>
  );
}

/** Shown when the pod requires READ_TOKEN; the token becomes an HttpOnly session cookie. */
export function SignIn() {
  const id = useId();
  const s = useTokenSignIn();
  const { token, signIn, submit } = s;
  return (
    <main id="main" className="signin">
      <h1>SLA dashboard</h1>
      <form onSubmit={submit} className="card">
        <p>This dashboard needs the read token.</p>
        <TokenInput id={id} label="Read token" s={s} />
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
