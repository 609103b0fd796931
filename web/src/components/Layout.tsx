import { type ReactNode, useEffect, useRef } from 'react';
import { Link, useLocation, useRoute } from 'wouter';
import type { ConnectionStore } from '../live/connection-store';
import { trpc } from '../trpc';
import { ConnectionIndicator } from './ConnectionIndicator';
import { DatabaseBanner } from './DatabaseBanner';
import { DegradedBanner } from './DegradedBanner';
import { ThemeToggle } from './ThemeToggle';

function NavLink({ href, children, match }: { href: string; children: ReactNode; match?: string }) {
  const [active] = useRoute(match ?? href);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined} className="nav-link">
      {children}
    </Link>
  );
}

function SignOut() {
  const session = trpc.auth.session.useQuery();
  const utils = trpc.useUtils();
  const signOut = trpc.auth.signOut.useMutation({ onSuccess: () => utils.invalidate() });
  if (!session.data?.required) return null;
  return (
    <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
      Sign out
    </button>
  );
}

export function Layout({ connection, children }: { connection: ConnectionStore; children: ReactNode }) {
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  const shown = useRef(location);
  useEffect(() => {
    // After client-side navigation, move focus to the new page's heading so screen readers
    // announce it, as a full page load would. Query-string changes (filters) keep focus.
    if (shown.current === location) return;
    shown.current = location;
    const heading = main.current?.querySelector<HTMLElement>('h1');
    (heading ?? main.current)?.focus();
  }, [location]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <span aria-hidden="true">◔</span> SLA dashboard
        </div>
        <nav aria-label="Main">
          <NavLink href="/">Overview</NavLink>
          <NavLink href="/entities" match="/entities/*?">
            Entities
          </NavLink>
          <NavLink href="/alerts">Alerts</NavLink>
          <NavLink href="/changes">Recent changes</NavLink>
          <NavLink href="/reports">Reports</NavLink>
          <NavLink href="/windows">Windows</NavLink>
          <NavLink href="/system">System</NavLink>
        </nav>
        <div className="header-tools">
          <ConnectionIndicator connection={connection} />
          <ThemeToggle />
          <SignOut />
        </div>
      </header>
      <DegradedBanner />
      <DatabaseBanner />
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
