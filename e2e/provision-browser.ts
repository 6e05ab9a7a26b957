import { type BrowserLookup, BROWSER_ENV } from './browser';

/** What decides how a missing browser can be installed on this machine. */
export interface Machine {
  readonly platform: NodeJS.Platform;
  /** The contents of /etc/os-release, when the machine has one. */
  readonly osRelease: string | undefined;
  /** Whether this process may run the system's package manager (root on Linux). */
  readonly isRoot: boolean;
}

/** One way to get a browser: its commands run in order, and it worked if all of them did. */
export interface InstallStep {
  readonly description: string;
  readonly commands: readonly (readonly [string, ...string[]])[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Whether /etc/os-release describes Debian or a distribution derived from it (Ubuntu, Mint, …). */
export function isDebianLike(osRelease: string | undefined): boolean {
  if (osRelease === undefined) return false;
  const field = (name: string) =>
    new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1]?.toLowerCase().split(/\s+/) ?? [];
  return [...field('ID'), ...field('ID_LIKE')].some((id) => id === 'debian' || id === 'ubuntu');
}

/**
 * The ways to install a browser, in the order to try them: Playwright's own Chromium first (what a developer on
 * macOS, Windows or a desktop Linux expects), then, where that cannot download and the machine is Debian or
 * Ubuntu run as root (a container, CI), the distribution's Chromium.
 */
export function installSteps(machine: Machine, playwrightCli: string, node: string): InstallStep[] {
  const steps: InstallStep[] = [
    {
      description: 'Installing Playwright’s Chromium (npx playwright install chromium)',
      commands: [[node, playwrightCli, 'install', 'chromium']],
    },
  ];
  if (machine.platform === 'linux' && machine.isRoot && isDebianLike(machine.osRelease)) {
    steps.push({
      description: 'Installing the distribution’s Chromium (apt-get install -y chromium)',
      commands: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', 'chromium'],
      ],
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  return steps;
}

/** The one line that says what to install when nothing could be installed here. */
export function installAdvice(machine: Machine): string {
  const system =
    machine.platform === 'linux' && isDebianLike(machine.osRelease)
      ? 'sudo apt-get install -y chromium'
      : 'install Google Chrome';
  return `No Chromium or Chrome found, and none could be installed: run "npx playwright install chromium" where it can download, or ${system}, or set ${BROWSER_ENV}=/path/to/chrome.`;
}

export interface ProvisionDeps {
  readonly machine: Machine;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly find: () => BrowserLookup;
  /** Runs one command with its output shown; true when it exits with 0. */
  readonly run: (command: readonly [string, ...string[]], env?: Readonly<Record<string, string>>) => boolean;
  /** Whether the browser at this path starts (a download can lack the system libraries it needs). */
  readonly starts: (path: string) => boolean;
  readonly log: (line: string) => void;
  readonly playwrightCli: string;
  readonly node: string;
}

/**
 * Makes sure the end-to-end tests have a browser: one that is already there is used as it is, with nothing
 * downloaded; otherwise each install step is tried until one yields a browser that starts.
 */
export function provisionBrowser(deps: ProvisionDeps): BrowserLookup {
  const found = deps.find();
  // A browser named by the environment variable is the user's choice: never install another one instead.
  if ('path' in found || deps.env[BROWSER_ENV]) return found;
  for (const step of installSteps(deps.machine, deps.playwrightCli, deps.node)) {
    deps.log(step.description);
    if (!step.commands.every((command) => deps.run(command, step.env))) continue;
    const installed = deps.find();
    if ('path' in installed && deps.starts(installed.path)) return installed;
  }
  return { problem: installAdvice(deps.machine) };
}

/** What installing Korean fonts needs: whether there are some, and the means to install them. */
export interface FontDeps {
  readonly machine: Machine;
  /** Whether a font with Hangul is installed (`fc-list :lang=ko`). */
  readonly hasKoreanFont: () => boolean;
  readonly run: ProvisionDeps['run'];
  readonly log: (line: string) => void;
}

/**
 * Installs Debian's Korean fonts (fonts-noto-cjk) where there are none and it can (Debian or Ubuntu, as root):
 * without them Chromium's font fallback makes laying out Hangul many times slower, and the tests that time
 * the page would measure that instead of the app. Elsewhere it says what to install; the tests still run.
 */
export function provisionKoreanFonts({ machine, hasKoreanFont, run, log }: FontDeps): void {
  if (hasKoreanFont()) return;
  if (machine.platform === 'linux' && machine.isRoot && isDebianLike(machine.osRelease)) {
    log('Installing Korean fonts (apt-get install -y fonts-noto-cjk)');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (
      run(['apt-get', 'update', '-qq'], env) &&
      run(['apt-get', 'install', '-y', '-qq', 'fonts-noto-cjk'], env) &&
      hasKoreanFont()
    )
      return;
  }
  log(
    'No Korean font found: install one (Debian: apt-get install -y fonts-noto-cjk). Without it the timed tests measure font fallback and may fail.',
  );
}
