import { useId } from 'react';
import { isAdminFor, type Session } from '../lib/api-types';
import { TokenInput, useTokenSignIn } from './SignIn';

/** A compact admin sign-in: an admin token from INGEST_TOKENS becomes the session's role. */
export function AdminSignIn() {
  const id = useId();
  const s = useTokenSignIn();
  return (
    <form className="filters admin-signin" onSubmit={s.submit} aria-label="Admin sign-in">
      <TokenInput id={id} label="Admin token" s={s} />
      <button type="submit" disabled={s.signIn.isPending || s.token === ''}>
        Sign in as admin
      </button>
      {s.signIn.error ? (
        <p id={`${id}-err`} className="field-error" role="alert">
          {s.signIn.error.message}
        </p>
      ) : null}
    </form>
  );
}

/**
 * Who may change things here: the signed-in admin and the tenants the token covers, or a
 * read-only note with the admin sign-in (`what`: e.g. "create or change windows").
 */
export function AdminNote({ session, what }: { session: Session | undefined; what: string }) {
  if (isAdminFor(session))
    return (
      <p className="muted" data-testid="admin-note">
        Signed in as admin {session?.admin?.name} (
        {session?.admin?.tenants ? session.admin.tenants.join(', ') : 'all tenants'}).
      </p>
    );
  return (
    <>
      <p className="muted" data-testid="read-only-note">
        Read-only: sign in with an admin token to {what}.
      </p>
      <AdminSignIn />
    </>
  );
}
