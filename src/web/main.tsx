import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { i18nReady } from './i18n/index.js';
import { createRoot } from 'react-dom/client';
import { createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { ApiError, setCsrfToken } from './api.js';
import { LocaleSync, meQuery } from './components/session.js';
import { preloadFirstPage } from './pages.js';
import { AppRoutes } from './routes.js';

// Darker shades than Mantine's defaults so text on filled colours meets WCAG AA contrast.
const theme = createTheme({ primaryColor: 'blue', primaryShade: { light: 9, dark: 8 } });
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
  },
  dark: {},
});

/** Any 401 means the session is gone: forget it, and the route guards send the person to /login. */
function onUnauthenticated(error: unknown): void {
  if (error instanceof ApiError && error.status === 401 && (error.code === 'unauthenticated' || error.code === 'session_expired')) {
    setCsrfToken(null);
    queryClient.setQueryData(meQuery.queryKey, null);
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: {
    queries: {
      retry: (failureCount, error) => !(error instanceof ApiError && error.status < 500) && failureCount < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Who is signed in, and the first page's script, are fetched at once, while the language file is on its way.
void queryClient.prefetchQuery(meQuery);
preloadFirstPage(window.location.pathname);
const container = document.getElementById('root');
if (container) {
  const root = createRoot(container);
  await i18nReady;
  root.render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <LocaleSync />
          <AppRoutes />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
