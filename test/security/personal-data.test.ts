/**
 * No plain personal data at rest or in an answer (docs/domain.md §8, JR/T 0171-2020 C2): after filing, listing,
 * checking and revealing a merchant's operator, the mobile and ID number appear in clear only in the audited
 * `revealPi` answer, never in another answer, nor in any file of the data folder (database, its log, storage).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useLocalCloud } from '../helpers/local-cloud';
import { O, S, completeFile, makeIdNumber, seedFixture } from '../field/fixture';

const local = useLocalCloud();
const MOBILE = '13977775555';
const ID_NUMBER = makeIdNumber('321281', '1980-05-06', 12);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

it('keeps the operator mobile and ID number out of every answer but revealPi, and out of every stored byte', async () => {
  await seedFixture(local);
  const file = completeFile(S.marketing, { operator: { name: '王大明', mobile: MOBILE, idNumber: ID_NUMBER } });
  const answers = [
    await local.call('merchant', { action: 'create', ...file }, O.marketing),
    await local.call('merchant', { action: 'get', id: file.id }, O.member),
    await local.call('merchant', { action: 'list', limit: 50 }, O.branch),
    await local.call('merchant', { action: 'checkDuplicate', mobile: MOBILE }, O.maintenance),
    await local.call('merchant', { action: 'create', ...completeFile(S.leader, { operator: { name: '王', mobile: MOBILE } }) }, O.leader),
    await local.call('lifecycle', { action: 'list', cls: 'to-win' }, O.leader),
  ];
  for (const a of answers) {
    expect(JSON.stringify(a)).not.toContain(MOBILE);
    expect(JSON.stringify(a)).not.toContain(ID_NUMBER);
  }
  const revealed = await local.call('merchant', { action: 'revealPi', id: file.id }, O.member);
  expect(revealed.data.operator).toMatchObject({ mobile: MOBILE, idNumber: ID_NUMBER });

  // Let the store write its log through to its files, then read every byte of the data folder.
  local.cloud.engine.engine.db.pragma('wal_checkpoint(TRUNCATE)');
  for (const path of filesUnder(local.dataDir)) {
    const bytes = readFileSync(path);
    expect({ path, mobile: bytes.includes(MOBILE) }).toEqual({ path, mobile: false });
    expect({ path, id: bytes.includes(ID_NUMBER) }).toEqual({ path, id: false });
  }
});
