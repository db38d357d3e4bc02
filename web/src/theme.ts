import { Observable } from './live/observable.js';

export type ThemeChoice = 'auto' | 'light' | 'dark';
const KEY = 'fabrik.theme';

interface ThemeState {
  choice: ThemeChoice;
  resolved: 'light' | 'dark';
}

const media = matchMedia('(prefers-color-scheme: dark)');

function resolve(choice: ThemeChoice): ThemeState {
  return { choice, resolved: choice === 'auto' ? (media.matches ? 'dark' : 'light') : choice };
}

function readChoice(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'auto';
}

/** Light or dark: follows the system until the user picks one (kept in this browser). */
export const theme = new Observable<ThemeState>(resolve(readChoice()));

function apply(state: ThemeState): void {
  document.documentElement.dataset.theme = state.resolved;
  document.documentElement.style.colorScheme = state.resolved;
}

export function initTheme(): void {
  apply(theme.value);
  theme.subscribe(apply);
  media.addEventListener('change', () => theme.set(resolve(theme.value.choice)));
}

/** auto → the opposite of what shows → the other → auto. */
export function cycleTheme(): void {
  const { choice, resolved } = theme.value;
  const next: ThemeChoice = choice === 'auto' ? (resolved === 'dark' ? 'light' : 'dark') : choice === 'dark' ? 'light' : 'auto';
  if (next === 'auto') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, next);
  theme.set(resolve(next));
}
