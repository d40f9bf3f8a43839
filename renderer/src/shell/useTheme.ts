// The colour theme: the system's (prefers-color-scheme) until the user picks one with the toggle, and the system's
// again when the toggle lands back on it. Only a choice is stored, so a console never stays pinned to a default.
import { useEffect, useState } from 'react';

export type Theme = 'dark' | 'light';

const KEY = 'gochat.themeChoice';
const LIGHT = '(prefers-color-scheme: light)';

function systemTheme(): Theme {
  return window.matchMedia(LIGHT).matches ? 'light' : 'dark';
}

export function useTheme(): { theme: Theme; chosen: boolean; toggle: () => void } {
  const [choice, setChoice] = useState<Theme | null>(() => {
    const stored = localStorage.getItem(KEY);
    return stored === 'dark' || stored === 'light' ? stored : null;
  });
  const [system, setSystem] = useState<Theme>(systemTheme);
  useEffect(() => {
    const query = window.matchMedia(LIGHT);
    const onChange = () => setSystem(systemTheme());
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  const theme = choice ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    if (next === system) {
      localStorage.removeItem(KEY);
      setChoice(null);
    } else {
      localStorage.setItem(KEY, next);
      setChoice(next);
    }
  };
  return { theme, chosen: choice !== null, toggle };
}
