/**
 * 参数与目标: head office's settings (visit radius, due days, lifecycle thresholds, the assessed indicators;
 * `lifecycle.getSettings` / `updateSettings`) and the targets of a unit for a period (`metrics.targets` /
 * `setTarget`: head office any unit, a branch manager the groups and grids under its branch). Values are
 * in the units the functions use: amounts in 分, ratios as decimals (0.8 = 80%).
 */
import React, { useEffect, useState } from 'react';
import { Button, Card, Checkbox, Input, InputNumber, MessagePlugin, Select, Space, Table } from 'tdesign-react';
import type { PrimaryTableCol } from 'tdesign-react';
import { call, errorText } from '../api';
import type { SettingsView } from '../../../shared/contracts/lifecycle.contract';
import type { TargetsView } from '../../../shared/contracts/metrics.contract';
import type { UnitView } from '../../../shared/contracts/org.contract';
import { INDICATORS, type Indicator, RATIO_INDICATORS } from '../../../shared/domain/metrics.rules';
import { INDICATOR_LABELS } from '../../../shared/domain/labels';
import type { LifecycleThresholds, Settings } from '../../../shared/domain/settings.rules';

const TOP: [keyof Omit<Settings, 'lifecycle'>, string][] = [
  ['visitRadiusM', '走访定位半径（米）'],
  ['followUpDueDays', '六查整改期限（天）'],
  ['abnormalVisitDueDays', '异动走访期限（天）'],
  ['winBackDueDays', '流失挽回期限（天）'],
  ['marketingDueDays', '去营销跟进期限（天）'],
];
const LIFECYCLE: [keyof LifecycleThresholds, string][] = [
  ['qualifiedMinTxnCount', '达标：月交易笔数 ≥'],
  ['qualifiedMinAmountFen', '达标：月交易金额（分）≥'],
  ['premiumMinAmountFen', '优质：月交易金额（分）≥'],
  ['premiumMinOurProducts', '优质：本行产品数 ≥'],
  ['abnormalDropRatio', '异动：交易量下降比例 ≥'],
  ['abnormalBaselineMonths', '异动：基准月数'],
  ['abnormalIdleDays', '异动：无交易天数 ≥'],
  ['lostIdleDays', '流失：无交易天数 ≥'],
];

export default function SettingsScreen(): React.ReactElement {
  return (
    <div className="screen screen-settings">
      <Space direction="vertical" style={{ width: '100%' }}>
        <TargetsCard />
        <SettingsCard />
      </Space>
    </div>
  );
}

function SettingsCard(): React.ReactElement {
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [assessed, setAssessed] = useState<Indicator[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call<SettingsView>('lifecycle', 'getSettings', {}).then(
      (v) => {
        setView(v);
        setDraft(v.settings);
        setAssessed(v.assessedIndicators);
      },
      (e) => MessagePlugin.error(errorText(e)),
    );
  }, []);
  if (!draft || !view) return <Card title="参数设置">加载中…</Card>;
  const save = async () => {
    setBusy(true);
    try {
      const v = await call<SettingsView>('lifecycle', 'updateSettings', { patch: draft, assessedIndicators: assessed });
      setView(v);
      setDraft(v.settings);
      MessagePlugin.success('已保存');
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="参数设置（总行）" actions={<Button loading={busy} onClick={save}>保存</Button>}>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(320px, 1fr))', gap: 8 }}>
        {TOP.map(([key, label]) => (
          <label key={key}>
            {label} <InputNumber value={draft[key]} min={0} onChange={(v) => setDraft({ ...draft, [key]: Number(v) })} />
          </label>
        ))}
        {LIFECYCLE.map(([key, label]) => (
          <label key={key}>
            {label} <InputNumber value={draft.lifecycle[key]} min={0} decimalPlaces={key === 'abnormalDropRatio' ? 2 : 0} onChange={(v) => setDraft({ ...draft, lifecycle: { ...draft.lifecycle, [key]: Number(v) } })} />
          </label>
        ))}
      </div>
      <p style={{ marginTop: 12 }}>考核指标：</p>
      <Checkbox.Group value={assessed} onChange={(v) => setAssessed(v as Indicator[])} options={INDICATORS.map((i) => ({ value: i, label: INDICATOR_LABELS[i] }))} />
    </Card>
  );
}

function TargetsCard(): React.ReactElement {
  const [units, setUnits] = useState<UnitView[]>([]);
  const [unitId, setUnitId] = useState<string>('');
  const [period, setPeriod] = useState(() => new Date().toISOString().slice(0, 7));
  const [view, setView] = useState<TargetsView | null>(null);
  const [edits, setEdits] = useState<Partial<Record<Indicator, number>>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call<{ items: UnitView[] }>('org', 'listUnits', {}).then(
      (r) => {
        setUnits(r.items);
        setUnitId((cur) => cur || r.items[0]?.id || '');
      },
      (e) => MessagePlugin.error(errorText(e)),
    );
  }, []);
  const load = async () => {
    if (!unitId || !/^\d{4}(-\d{2}){0,2}$/.test(period)) return;
    try {
      setView(await call<TargetsView>('metrics', 'targets', { unitId, period }));
      setEdits({});
    } catch (e) {
      MessagePlugin.error(errorText(e));
    }
  };
  useEffect(() => {
    void load();
  }, [unitId]);
  const save = async () => {
    setBusy(true);
    try {
      for (const [metric, value] of Object.entries(edits)) await call('metrics', 'setTarget', { unitId, period, metric, value });
      MessagePlugin.success('目标已保存');
      await load();
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  type Item = TargetsView['items'][number];
  const columns: PrimaryTableCol<Item>[] = [
    { colKey: 'metric', title: '指标', cell: ({ row }) => `${INDICATOR_LABELS[row.metric]}${RATIO_INDICATORS.includes(row.metric) ? '（比例）' : row.metric.endsWith('Fen') ? '（分）' : ''}` },
    { colKey: 'actual', title: '完成', cell: ({ row }) => (row.actual ?? '—').toString() },
    {
      colKey: 'target',
      title: '目标',
      cell: ({ row }) => (
        <InputNumber value={edits[row.metric] ?? row.target ?? undefined} min={0} decimalPlaces={RATIO_INDICATORS.includes(row.metric) ? 4 : 0} onChange={(v) => setEdits({ ...edits, [row.metric]: Number(v) })} />
      ),
    },
    { colKey: 'ratio', title: '完成率', cell: ({ row }) => (row.ratio === null ? '—' : `${Math.round(row.ratio * 1000) / 10}%`) },
  ];
  return (
    <Card title="考核目标" actions={<Button loading={busy} disabled={Object.keys(edits).length === 0} onClick={save}>保存目标</Button>}>
      <Space style={{ marginBottom: 12 }}>
        <Select filterable value={unitId} options={units.map((u) => ({ value: u.id, label: u.name }))} onChange={(v) => setUnitId(v as string)} style={{ width: 220 }} />
        <Input value={period} onChange={(v) => setPeriod(String(v))} placeholder="期间：YYYY、YYYY-MM 或 YYYY-MM-DD" style={{ width: 200 }} />
        <Button variant="outline" onClick={load}>查看</Button>
      </Space>
      <Table rowKey="metric" data={view?.items ?? []} columns={columns} size="small" />
    </Card>
  );
}
