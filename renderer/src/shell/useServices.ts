// Every process's status, from the live connection's hello and each status change after it; the hello also marks
// the page ready (body[data-ready]), which the end-to-end tests wait for.
import { useState } from 'react';
import type { ServiceStatus } from '../api/types';
import { useLive } from '../hooks';

export function useServices(): ServiceStatus[] {
  const [services, setServices] = useState<ServiceStatus[]>([]);
  useLive((message) => {
    if (message.type === 'hello') {
      setServices(message.services);
      document.body.dataset.ready = 'true';
    } else if (message.type === 'status') {
      setServices((list) => {
        const found = list.some((s) => s.name === message.service.name);
        return found
          ? list.map((s) => (s.name === message.service.name ? message.service : s))
          : [...list, message.service];
      });
    }
  });
  return services;
}
