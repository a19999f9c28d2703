/**
 * The mini program journeys driven in WeChat DevTools with miniprogram-automator, against the local gateway
 * (`npm start`; miniprogram/config.ts in local mode). Run by e2e/automator/run.ts, never by jest.
 */
import assert from 'node:assert/strict';

type MiniProgram = any;
type Page = any;

async function settle(mp: MiniProgram, page: Page, ms = 800): Promise<void> {
  await page.waitFor(ms);
  void mp;
}

/** Signs in as a demo account from the sign-in page (local mode lists them). */
async function actAs(mp: MiniProgram, label: string): Promise<void> {
  const page = await mp.reLaunch('/pages/login/index');
  await settle(mp, page);
  const demos = await page.$$('.demo');
  for (const d of demos) {
    if ((await d.text()).trim() === label) {
      await d.tap();
      await settle(mp, page, 1500);
      return;
    }
  }
  throw new Error(`demo account ${label} not on the sign-in page`);
}

export interface Journey {
  name: string;
  run(mp: MiniProgram, state: Record<string, string>): Promise<void>;
}

export const JOURNEYS: Journey[] = [
  {
    name: 'file a merchant',
    async run(mp, state) {
      await actAs(mp, '营销助理');
      await mp.mockWxMethod('chooseMedia', { tempFiles: [{ tempFilePath: 'http://tmp/storefront.jpg', size: 1000 }] });
      const page = await mp.navigateTo('/pages/merchant/form/index');
      await settle(mp, page);
      await (await page.$('.more')).tap();
      await settle(mp, page, 1500);
      await page.setData({ 'form.name': '自动化测试面馆', 'form.street': '英武中路', 'form.doorPlate': '66号', 'form.operatorName': '赵测试', 'form.operatorMobile': '13700006666', townshipIndex: 0, townshipName: '昭阳街道', industryIndex: 0 });
      await (await page.$('.add')).tap();
      await settle(mp, page, 3000);
      await (await page.$('.btn')).tap();
      await settle(mp, page, 3000);
      const detail = await mp.currentPage();
      assert.equal(detail.path, 'pages/merchant/detail/index');
      state.merchantId = detail.query.id;
    },
  },
  {
    name: 'revisit with a failed check and see the task',
    async run(mp, state) {
      await actAs(mp, '维护助理');
      const page = await mp.navigateTo(`/pages/visit/revisit/index?merchantId=${state.merchantId}`);
      await settle(mp, page, 1500);
      await (await page.$('.checkin .more')).tap();
      await settle(mp, page, 1500);
      const results = await page.$$('.res');
      for (let i = 0; i < 5; i++) await results[i * 3].tap();
      await results[16].tap();
      await settle(mp, page);
      await (await page.$('.fail-box .input')).input('喇叭不响');
      await (await page.$('.btn')).tap();
      await settle(mp, page, 3000);
      assert.match(await (await page.$('.result')).text(), /整改任务/);
      const tasks = await mp.navigateTo('/pages/visit/tasks/index');
      await settle(mp, tasks, 1500);
      assert.match(await (await tasks.$('.page')).text(), /自动化测试面馆/);
    },
  },
  {
    name: 'the grid dashboard counts the visit',
    async run(mp) {
      await actAs(mp, '网格长');
      const page = await mp.switchTab('/pages/dashboard/index');
      await settle(mp, page, 2000);
      const cards: { key: string; value: string }[] = await page.data('cards');
      const visits = cards.find((c) => c.key === 'visits');
      assert.ok(visits && Number(visits.value.replace(/,/g, '')) >= 1);
    },
  },
  {
    name: 'request an export',
    async run(mp) {
      await actAs(mp, '总行');
      const page = await mp.navigateTo('/pages/export/index');
      await settle(mp, page);
      await (await page.$('.btn')).tap();
      for (let i = 0; i < 30; i++) {
        await settle(mp, page, 1000);
        const jobs: { status: string }[] = await page.data('jobs');
        if (jobs[0]?.status === 'done') return;
      }
      throw new Error('the export did not finish within 30 s');
    },
  },
];
