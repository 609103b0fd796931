import { lazy, Suspense } from 'react';
import { Link, Route, Switch } from 'wouter';
import { Layout } from './components/Layout';
import { QueryState } from './components/QueryState';
import type { ConnectionStore } from './live/connection-store';
import { LiveChanges } from './live/LiveChanges';
import Alerts from './pages/Alerts';
import Changes from './pages/Changes';
import Entities from './pages/Entities';
import Overview from './pages/Overview';
import Reports from './pages/Reports';
import { SignIn } from './pages/SignIn';
import System from './pages/System';
import Windows from './pages/Windows';
import { trpc } from './trpc';

// The chart library only loads when someone opens an entity.
const EntityDetail = lazy(() => import('./pages/EntityDetail'));

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </>
  );
}

function Routes() {
  return (
    <Switch>
      <Route path="/" component={Overview} />
      <Route path="/entities" component={Entities} />
      <Route path="/entities/:id">
        {(params) => {
          const id = Number(params.id);
          if (!Number.isInteger(id)) return <NotFound />;
          return (
            <Suspense fallback={<p role="status">Loading…</p>}>
              <EntityDetail key={id} id={id} />
            </Suspense>
          );
        }}
      </Route>
      <Route path="/alerts" component={Alerts} />
      <Route path="/changes" component={Changes} />
      <Route path="/reports" component={Reports} />
      <Route path="/windows" component={Windows} />
      <Route path="/system" component={System} />
      <Route component={NotFound} />
    </Switch>
  );
}

/** Asks the pod whether a sign-in is needed before anything else touches the API. */
export function App({ connection }: { connection: ConnectionStore }) {
  const session = trpc.auth.session.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  if (session.isPending || session.error) {
    return (
      <main id="main" className="signin">
        <QueryState
          isPending={session.isPending}
          error={session.error}
          retry={() => void session.refetch()}
          what="the dashboard"
        >
          {null}
        </QueryState>
      </main>
    );
  }
  if (session.data.required && !session.data.signedIn) return <SignIn />;
  return (
    <Layout connection={connection}>
      <LiveChanges connection={connection} />
      <Routes />
    </Layout>
  );
}
