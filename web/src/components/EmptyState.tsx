import { useState } from 'react';
import { firstUpdateCurl } from '../lib/curl';

/** What a new user sees before any poller has reported: the one command that changes that. */
export function EmptyState() {
  const command = firstUpdateCurl(window.location.origin);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(command).then(() => setCopied(true));
  };
  return (
    <section className="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No SLA results yet</h2>
      <p>Entities appear here as soon as a poller reports one. Push a first result with:</p>
      <pre className="code">
        <code>{command}</code>
      </pre>
      <button type="button" onClick={copy}>
        Copy command
      </button>
      <span role="status" className="copy-status">
        {copied ? 'Copied' : ''}
      </span>
    </section>
  );
}
