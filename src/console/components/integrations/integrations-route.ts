import { useEffect, useState } from 'react';

/** The integrations page lives at `/integrations` (a reload or a shared link opens it); history + popstate as elsewhere. */
const PATH = '/integrations';

const isOpen = () => location.pathname.replace(/\/+$/, '') === PATH;

export function useIntegrationsOpen(): boolean {
  const [open, setOpen] = useState(isOpen);
  useEffect(() => {
    const handlePopState = () => setOpen(isOpen());
    window.addEventListener('popstate', handlePopState);
    return () => window.removeEventListener('popstate', handlePopState);
  }, []);
  return open;
}

export function openIntegrations(open: boolean): void {
  history.pushState(null, '', open ? PATH : '/');
  window.dispatchEvent(new PopStateEvent('popstate'));
}
