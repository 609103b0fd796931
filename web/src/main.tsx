import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClients } from './client';
import { applyInitialTheme } from './components/ThemeToggle';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/tables.css';
import './styles/pages.css';
import './styles/budgets.css';
import './styles/alerts.css';
import './styles/narrow.css';
import { trpc } from './trpc';

applyInitialTheme();
const { queryClient, trpcClient, connection } = createClients();
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

createRoot(root).render(
  <StrictMode>
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <App connection={connection} />
      </QueryClientProvider>
    </trpc.Provider>
  </StrictMode>,
);
