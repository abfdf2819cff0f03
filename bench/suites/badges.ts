import os from 'node:os';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { watchForeignCpu } from '../lib/cpu.ts';
import { markdownTable, textTable, type Table } from '../lib/markdown.ts';
import type { Suite } from '../lib/suite.ts';
import { buildOpenBadge } from '../../src/features/credentials/badges.ts';
import { bundledDocumentLoader } from '../../src/features/credentials/jsonld-loader.ts';
import {
  encodeList,
  LIST_LENGTH,
  unsignedStatusListCredential,
} from '../../src/features/credentials/status-lists.ts';

/**
 * The badges suite: how many Open Badges 3.0 credentials one core signs per
 * second (RDF Dataset Canonicalization of the credential and its proof
 * options, SHA-256, Ed25519: the eddsa-rdfc-2022 cryptosuite), and how many
 * status lists (131,072 entries, gzip, then signed) per second, in this
 * process with Laurel's own builders and bundled document loader. A badge
 * download adds one award lookup and one status-list position to this.
 *
 * BENCH_BADGES (default 1,000) sets how many badges are signed; a tenth as
 * many status lists are built.
 */

const suite: Suite = {
  name: 'badges',
  description: 'Open Badges 3.0 signing (credentials per second per core) and status list signing',

  async run(ctx) {
    const count = badgeCount();
    const foreignCpu = watchForeignCpu();
    const did = 'did:web:bench.laurel.example';
    const keyPair = await Ed25519Multikey.generate({ controller: did });
    keyPair.id = `${did}#key-bench`;
    const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 });
    const documentLoader = bundledDocumentLoader();
    const publicUrl = 'https://bench.laurel.example';
    const badge = (i: number) =>
      buildOpenBadge({
        publicUrl,
        issuer: { did, name: 'Bench Program', url: publicUrl, email: 'support@example.org' },
        award: {
          credentialNumber: `BNCH-${String(i).padStart(4, '0').slice(-4)}-0000-0000`,
          awardedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
          expiresAt: new Date(Date.UTC(2028, 0, 1) + i * 60_000),
        },
        credential: {
          code: 'CCA',
          name: 'Corvid Certified Associate',
          kind: 'certification',
          description: 'Entry-level cloud certification.',
          criteria: 'Accept the candidate agreement, and pass Cloud Security Basics (ACS-101).',
        },
        holder: { email: `candidate${i}@example.org`, salt: `salt${i}` },
        status: { listNumber: 1, index: i % LIST_LENGTH },
      });

    const measureLoop = async (n: number, work: (i: number) => Promise<unknown>) => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await work(i);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      return { n, ms, perSecond: (n * 1000) / ms, perCpuSecond: n / cpuSeconds, msEach: ms / n };
    };

    ctx.log('warming up (first signing loads the contexts)');
    for (let i = 0; i < 20; i++) await vc.issue({ credential: badge(i), suite, documentLoader });

    ctx.log(`signing ${count} badges`);
    const badges = await measureLoop(count, (i) =>
      vc.issue({ credential: badge(i), suite, documentLoader }),
    );
    const lists = Math.max(10, Math.round(count / 10));
    ctx.log(`building and signing ${lists} status lists`);
    const flagged = Array.from({ length: 500 }, (_, i) => (i * 7919) % LIST_LENGTH);
    const statusLists = await measureLoop(lists, async (i) =>
      vc.issue({
        credential: unsignedStatusListCredential({
          publicUrl,
          issuerDid: did,
          purpose: i % 2 === 0 ? 'revocation' : 'suspension',
          listNumber: 1,
          encodedList: await encodeList(flagged),
          validFrom: new Date(),
        }),
        suite,
        documentLoader,
      }),
    );
    const foreign = foreignCpu();

    const table: Table = {
      header: ['work', 'count', 'per second (wall)', 'per CPU-second', 'ms each'],
      alignRight: [1, 2, 3, 4],
      rows: [
        ['sign an OpenBadgeCredential', badges],
        ['build + sign a status list (131,072 entries, 500 set)', statusLists],
      ].map(([label, r]) => {
        const m = r as Awaited<ReturnType<typeof measureLoop>>;
        return [
          label as string,
          String(m.n),
          m.perSecond.toFixed(0),
          m.perCpuSecond.toFixed(0),
          m.msEach.toFixed(2),
        ];
      }),
    };
    const m = ctx.machine;
    const endLoad = Math.round(os.loadavg()[0]! * 100) / 100;
    const contention = Number.isFinite(foreign.share)
      ? `Other processes on the machine used ${foreign.foreignSeconds.toFixed(0)} CPU-seconds during ` +
        `the ${foreign.wallSeconds.toFixed(0)} s run (${Math.round(foreign.share * 100)} % of its ` +
        `capacity)${foreign.share > 0.05 ? ': the figures are skewed by that work' : ''}.`
      : 'Other work on the machine could not be measured (no /proc).';
    const text = [textTable(table), '', contention].join('\n');
    const markdown = `## Badges: Open Badges 3.0 signing

Run ${m.date} at commit ${m.commit}.
Machine: ${m.cpuModel}, ${m.cpus} CPUs (\`nproc\`), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node};
1-minute load average: ${m.loadAverage} when the run started, ${endLoad} when it ended.
${contention}

One core (the bench process, sequential): Laurel's badge builder and bundled document
loader, \`@digitalbazaar/vc\` with a \`DataIntegrityProof\` (\`eddsa-rdfc-2022\`: RDF
canonicalization, SHA-256, Ed25519). "Per CPU-second" divides by the process's own CPU
time, so it is the figure to compare across busy and quiet runs. A badge download adds
an award lookup and, the first time, a status-list position (two small queries). A
status list is signed again only when its set bits or the signing key change.

${markdownTable(table)}

Run with \`BENCH_BADGES=${count} npm run bench -- badges\` (default 1,000 badges).
`;
    return { text, markdown };
  },
};

function badgeCount(): number {
  const raw = process.env.BENCH_BADGES;
  if (raw === undefined || raw === '') return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`BENCH_BADGES must be a positive integer, not "${raw}"`);
  return n;
}

export default suite;
