// Small pieces shared by the staff pages.

import { h } from './dom';

const TLP_TEXT: Record<string, string> = {
  clear: 'TLP:CLEAR',
  green: 'TLP:GREEN',
  amber: 'TLP:AMBER',
  'amber+strict': 'TLP:AMBER+STRICT',
  red: 'TLP:RED',
};

/// A TLP 2.0 badge in the FIRST colours (black background, coloured text).
export function tlpBadge(tlp: string): HTMLElement {
  return h('span', { class: `tlp tlp-${tlp.replace('+', '-')}` }, TLP_TEXT[tlp] ?? `TLP:${tlp.toUpperCase()}`);
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status status-${status}` }, status);
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/// An exact decimal amount with its currency; the string is shown as the
/// server sent it, never through a float.
export function money(amount: string | null | undefined, currency: string | null | undefined): string {
  if (!amount || !currency) return '—';
  const [whole = '', fraction] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction ? '.' + fraction : ''} ${currency}`;
}

/// Adds two non-negative decimal strings exactly (BigInt on scaled digits).
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const scaled = (text: string) => {
    const [whole = '0', fraction = ''] = text.split('.');
    return BigInt(whole + fraction.padEnd(scale, '0'));
  };
  const digits = (scaled(a) + scaled(b)).toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export const STATUSES = ['new', 'triaged', 'linked', 'closed'] as const;
export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const CHANNELS = ['web', 'api', 'bulk', 'email', 'chat'] as const;

export function alertBox(text: string, kind: 'error' | 'ok' = 'error'): HTMLElement {
  return h('p', { class: kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/// `a − b` for two non-negative decimal strings, exactly; may be negative ("-12.50").
export function subtractDecimal(a: string, b: string): string {
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const scaled = (text: string) => {
    const [whole = '0', fraction = ''] = text.split('.');
    return BigInt(whole + fraction.padEnd(scale, '0'));
  };
  const difference = scaled(a) - scaled(b);
  const negative = difference < 0n;
  const digits = (negative ? -difference : difference).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
