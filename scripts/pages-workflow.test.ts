import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The GitHub Pages workflow publishes only what passed the tests.

interface Job {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly steps: readonly { readonly run?: string; readonly uses?: string }[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

const workflow = parse(readFileSync('.github/workflows/pages.yml', 'utf8')) as Workflow;
const needsOf = (job: Job): readonly string[] =>
  job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs;

/** Every job `name` waits for, directly or through the jobs it waits for. */
function upstream(name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (job: string): void => {
    for (const need of needsOf(workflow.jobs[job] ?? { steps: [] })) {
      if (seen.has(need)) continue;
      seen.add(need);
      visit(need);
    }
  };
  visit(name);
  return seen;
}

describe('the GitHub Pages workflow', () => {
  const testing = Object.entries(workflow.jobs).filter(([, job]) =>
    job.steps.some((step) => step.run?.trim() === 'npm test'),
  );

  it('runs the README’s test command on every push and pull request', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(testing.map(([name]) => name)).toEqual(['test']);
    expect(testing[0]?.[1].if).toBeUndefined();
  });

  it('deploys only after the tests passed, and never from a pull request', () => {
    const deploying = Object.entries(workflow.jobs).filter(([, job]) =>
      job.steps.some((step) => step.uses?.startsWith('actions/deploy-pages')),
    );
    expect(deploying).toHaveLength(1);
    const [name = '', deploy] = deploying[0] ?? [];
    expect(upstream(name).has('test')).toBe(true);
    expect(deploy?.if).toContain("github.event_name != 'pull_request'");
    const upload = Object.entries(workflow.jobs).find(([, job]) =>
      job.steps.some((step) => step.uses?.startsWith('actions/upload-pages-artifact')),
    );
    expect(upload && upstream(upload[0]).has('test')).toBe(true);
  });
});
