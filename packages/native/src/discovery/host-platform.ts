/** The operating system and processor a TensorFlow library must be built for. */
export interface HostPlatform {
  /** `process.platform`: `linux`, `darwin`, `win32`, ... */
  os: NodeJS.Platform;
  /** `process.arch`: `x64`, `arm64`, ... */
  arch: string;
}

/** This process's platform. */
export function currentPlatform(): HostPlatform {
  return { os: process.platform, arch: process.arch };
}

/** How wheel platform tags and tarball names spell a processor. */
const ARCH_SPELLINGS: Record<string, readonly string[]> = {
  x64: ['x86_64', 'amd64', 'x64'],
  arm64: ['aarch64', 'arm64'],
};

/** How wheel platform tags and tarball names spell an operating system. */
const OS_SPELLINGS: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  linux: ['linux'],
  darwin: ['macosx', 'darwin'],
  win32: ['win_', 'win32', 'windows'],
};

/**
 * Whether a platform tag or a file name (`manylinux_2_27_x86_64`, `libtensorflow-cpu-linux-x86_64-2.9.1`)
 * names this operating system and processor. `universal2` macOS wheels match either processor.
 *
 * @param text - The tag or name, any case.
 * @param host - The platform to match.
 */
export function matchesPlatform(text: string, host: HostPlatform): boolean {
  const lower = text.toLowerCase();
  const osOk = (OS_SPELLINGS[host.os] ?? [host.os]).some((spelling) => lower.includes(spelling));
  const archOk = (ARCH_SPELLINGS[host.arch] ?? [host.arch]).some((spelling) => lower.includes(spelling)) || (host.os === 'darwin' && lower.includes('universal2'));
  return osOk && archOk;
}

/** A name for the platform in messages, e.g. `linux x86_64`. */
export function describePlatform(host: HostPlatform): string {
  return `${host.os} ${ARCH_SPELLINGS[host.arch]?.[0] ?? host.arch}`;
}
