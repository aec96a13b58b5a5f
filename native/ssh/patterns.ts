// OpenSSH's pattern lists (ssh_config(5), "PATTERNS"), as known_hosts host fields and
// authorized_keys from= use them: * and ? wildcards, and a negated pattern (!) that
// matches refuses whatever else matched.

export function wildcardMatches(pattern: string, text: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${expression}$`, 'i').test(text);
}

/** Whether the list admits: some pattern matches and no negated one does. */
export function patternListMatches(patterns: readonly string[], matches: (pattern: string) => boolean): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!matches(negated ? pattern.slice(1) : pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
