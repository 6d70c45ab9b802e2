// The validation rules of lib/core/predicates.ts at their boundaries. Each expectation comes from
// the rule the predicate stands for, not from the code: RFC 1123 labels and subdomains as
// Kubernetes applies them (a label at most 63 characters, a subdomain at most 253), the Go
// `time.ParseDuration` units Flux takes, IPv4 CIDR prefixes 0..32, the Kubernetes quantity
// grammar (k8s.io/apimachinery resource.Quantity: sign, digits with optional fraction, then a
// binary suffix Ki..Ei, a decimal suffix n u m k M G T P E, or an exponent e/E), and the
// `git check-ref-format` rules the predicate checks (no space or ~ ^ : ? * [ \, no leading or
// trailing `/`, no trailing `.`, no `..`, no `//`, no trailing `.lock`, no `@{`).
import { describe, expect, it } from 'vitest';
import { isDnsLabel, isDnsSubdomain, isGitBranch, isGoDuration, isHttpUrl, isIpAddress, isIpv4Cidr, isQuantity } from '../lib/core/predicates.js';

describe('isDnsLabel (RFC 1123 label)', () => {
  it.each(['a', '0', 'a-b', 'a--b', '0a', 'a'.repeat(63), `a${'-'.repeat(61)}b`])('accepts %j', (s) => {
    expect(isDnsLabel(s)).toBe(true);
  });
  it.each(['', 'a'.repeat(64), '-a', 'a-', '-', 'A', 'aB', 'a.b', 'a_b', 'a b', ' a', 'a\n', 'ä'])('refuses %j', (s) => {
    expect(isDnsLabel(s)).toBe(false);
  });
});

describe('isDnsSubdomain (RFC 1123 subdomain)', () => {
  const l63 = 'a'.repeat(63);
  const exactly253 = [l63, l63, l63, 'a'.repeat(61)].join('.');
  it('counts the limit of 253 characters on the whole name', () => {
    expect(exactly253).toHaveLength(253);
    expect(isDnsSubdomain(exactly253)).toBe(true);
    expect(isDnsSubdomain(`${exactly253}a`)).toBe(false);
    expect(isDnsSubdomain(`a.${exactly253}`)).toBe(false);
  });
  it.each(['a', 'example.org', 'a-b.c-d', `${l63}.org`])('accepts %j', (s) => {
    expect(isDnsSubdomain(s)).toBe(true);
  });
  it.each(['', '.', 'a.', '.a', 'a..b', 'A.org', `${'a'.repeat(64)}.org`, 'a_b.org', '-a.org', 'a-.org'])('refuses %j', (s) => {
    expect(isDnsSubdomain(s)).toBe(false);
  });
});

describe('isGoDuration (time.ParseDuration units)', () => {
  it.each(['5m', '30s', '1h', '1h30m', '1.5h', '1.25h', '300ms', '10ns', '2us', '2µs', '1h0m0s', '0s', '10m0.5s'])('accepts %j', (s) => {
    expect(isGoDuration(s)).toBe(true);
  });
  it.each(['', '5', 'm', '5d', '5 m', ' 5m', '5m ', '5M', '5mm', '1h-', 'x5m', '5mx', '1,5h', '1.h5m'])('refuses %j', (s) => {
    expect(isGoDuration(s)).toBe(false);
  });
});

describe('isIpAddress', () => {
  it.each(['10.0.0.1', '0.0.0.0', '255.255.255.255', '::1', 'fd00::1', '2001:db8::'])('accepts %j', (s) => {
    expect(isIpAddress(s)).toBe(true);
  });
  it.each(['', '10.0.0', '256.0.0.1', '10.0.0.1/8', 'example.org', ':::'])('refuses %j', (s) => {
    expect(isIpAddress(s)).toBe(false);
  });
});

describe('isIpv4Cidr (prefix length 0 to 32)', () => {
  it.each(['10.244.0.0/16', '0.0.0.0/0', '10.0.0.1/32', '192.168.1.0/24', '1.2.3.4/9'])('accepts %j', (s) => {
    expect(isIpv4Cidr(s)).toBe(true);
  });
  it.each(['10.0.0.0/33', '10.0.0.0/99', '10.0.0.0/123', '10.0.0.0', '10.0.0.0/', '256.0.0.0/8', '10.0.0/8', '1000.0.0.0/8', 'fd00::/8', 'x10.0.0.0/8', '10.0.0.0/8x', ' 10.0.0.0/8', '10.0.0.0/-1'])(
    'refuses %j',
    (s) => {
      expect(isIpv4Cidr(s)).toBe(false);
    },
  );
});

describe('isHttpUrl (http or https, with a host)', () => {
  it.each(['https://example.org', 'http://example.org', 'https://api.example.org:6443', 'http://10.0.0.1/x?y'])('accepts %j', (s) => {
    expect(isHttpUrl(s)).toBe(true);
  });
  it.each(['', 'example.org', 'ftp://example.org', 'ssh://git@example.org/x', 'file:///etc/passwd', 'https://', 'httpx://example.org'])('refuses %j', (s) => {
    expect(isHttpUrl(s)).toBe(false);
  });
});

describe('isQuantity (Kubernetes quantity grammar)', () => {
  it.each(['2', '0', '100m', '1Gi', '1Ki', '1Mi', '1Ti', '1Pi', '1Ei', '1n', '1u', '1k', '1M', '1G', '1T', '1P', '1E', '1e3', '1E3', '1e-3', '1e+3', '.5', '.25', '1.', '1.5', '1.5Gi', '1e12', '1E-12', '-1', '+1', '+.5m'])(
    'accepts %j',
    (s) => {
      expect(isQuantity(s)).toBe(true);
    },
  );
  it.each(['', '.', '+', 'm', 'Gi', '1K', '1ki', '1Gb', '1gi', '1i', 'e3', '1e', '1e+', '1.2.3', '1 ', ' 1', '1 Gi', '1Gi1', '1mm', '--1', 'x1', '1x', '1,5'])('refuses %j', (s) => {
    expect(isQuantity(s)).toBe(false);
  });
});

describe('isGitBranch (git check-ref-format rules)', () => {
  it.each(['main', 'master', 'release/v1.6', 'feature/a-b_c', 'v1.0', 'a@b', 'a.b', 'x.locked', 'a/b/c'])('accepts %j', (s) => {
    expect(isGitBranch(s)).toBe(true);
  });
  it.each([
    '',
    'a b',
    'a\tb',
    'a~b',
    'a^b',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    '/main',
    'main/',
    'main.',
    'a..b',
    'a//b',
    'main.lock',
    'a/b.lock',
    'a@{b',
    '@{',
  ])('refuses %j', (s) => {
    expect(isGitBranch(s)).toBe(false);
  });
});
