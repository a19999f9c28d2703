/**
 * Jest global setup: fixes the demo bank's template folder for this run (one hash of the sources, passed
 * to the workers in MG_DEMO_BANK_TEMPLATE) and prunes templates of older sources. The template itself is
 * seeded by the first suite that calls `useDemoBank()`, so runs that select no such suite never seed.
 */
import { demoBankTemplateDir, pruneDemoTemplates } from './demo-bank';

/** Runs once per jest run, before any worker starts. */
export default function demoBankGlobalSetup(): void {
  delete process.env.MG_DEMO_BANK_TEMPLATE; // a value inherited from the shell may name stale sources
  pruneDemoTemplates(demoBankTemplateDir());
}
