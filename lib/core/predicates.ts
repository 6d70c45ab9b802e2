import { isIP } from 'node:net';

/** A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** A DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((l) => isDnsLabel(l));
}

/** A Go duration as Flux takes it, e.g. `5m`, `1h30m`, `30s`. */
export function isGoDuration(s: string): boolean {
  return /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s);
}

/** An IPv4 or IPv6 address. */
export function isIpAddress(s: string): boolean {
  return isIP(s) !== 0;
}

/** An IPv4 CIDR, e.g. `10.244.0.0/16`. */
export function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(s);
  return !!m && isIP(m[1]!) === 4 && Number(m[2]) <= 32;
}

/** An http(s) URL with a host. */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A Kubernetes resource quantity, e.g. `100m`, `1Gi`, `2`, `1e3`, `-1`. */
export function isQuantity(s: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/.test(s);
}

/** A Git branch name (git check-ref-format rules, roughly). */
export function isGitBranch(s: string): boolean {
  return /^[^\s~^:?*[\\]+$/.test(s) && !s.startsWith('/') && !s.endsWith('/') && !s.endsWith('.') && !s.includes('..') && !s.includes('//') && !s.endsWith('.lock') && !s.includes('@{');
}
